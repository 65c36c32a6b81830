"""Chart builders: a DataFrame in, an Altair chart out. No Streamlit, no SQL, no words of its own.

Every text a reader sees comes in through ``labels`` (a mapping from the keys documented per
builder to already translated strings) or from the data (item titles, team names, periods).
Builders never call ``.configure_*()``: all styling sits on the marks, axes and legends, so a
page may still layer or concatenate the charts it gets back.

Design rules, for every builder:

* colour-blind-safe colours (Okabe–Ito for categories, ColorBrewer PuOr / viridis for scales),
  and colour is never the only carrier of meaning: shapes, dashes, positions and printed values
  say the same thing;
* labels of at least 13 px; ``big=True`` doubles every font (and grows marks and the canvas)
  for a projector;
* an empty frame (or one without any numbers, e.g. a suppressed period) gives a chart that
  shows ``labels["no_data"]``;
* numbers printed in a chart use ``labels.get("decimal", ".")`` as decimal separator;
* ``width=`` (the px a page has for the chart, e.g. a phone's 358) makes the chart fit it
  without smaller type: plots narrow, row labels and legends wrap, panels go one under the
  other, the radar shrinks (staying round) and names its axes by id when titles no longer fit.
  Without it a chart has its natural size (PDF and PNG downloads).

Show the radar with its own width (``st.altair_chart(chart, use_container_width=False)``):
stretching only its width would make the circle an ellipse.
"""

from __future__ import annotations

import functools
import json
import math
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import altair as alt
import numpy as np
import pandas as pd
import vl_convert as vlc
from PIL import ImageFont

from .content import COUNT_COLUMNS, SCORES

# Organisation charts can hold more than Altair's default 5,000 rows (400 teams × 15 items);
# the data is aggregated already, so the guard against huge inline datasets is not needed.
alt.data_transformers.disable_max_rows()


# Okabe & Ito (2008), "Color Universal Design": blue and vermillion stay apart for every
# kind of colour blindness; grey and black carry the rest.
BLUE = "#0072B2"
VERMILLION = "#D55E00"
BLACK = "#000000"
INK = "#1A1A1A"
MUTED = "#4D4D4D"
GHOST = "#6E6E6E"
GRID = "#CFCFCF"
FAINT = "#EDEDED"
# ColorBrewer PuOr (colour-blind safe, no built-in "good/bad"); the middle darkened a little so
# it stays visible on white.
SCORE_COLOURS = ["#E66101", "#FDB863", "#D9D9D9", "#B2ABD2", "#5E3C99"]
SCORE_TEXT = ["dark", "dark", "dark", "dark", "light"]  # printed count on each score colour
DONT_KNOW_COLOUR = "#A6A6A6"
# First family must exist for the PNG/SVG renderer (vl-convert only tries the first one).
FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"
GLYPHS = {"up": "▲", "down": "▼", "same": "="}
# "2026-Q3" -> "Q3" over "2026"; the year only under the first tick and under each Q1.
PERIOD_LABEL = (
    "indexof(datum.value, '-Q') == 4 ? [split(datum.value, '-')[1], "
    "(datum.index == 0 || split(datum.value, '-')[1] == 'Q1') ? split(datum.value, '-')[0] : ''] : datum.value"
)
VERTICAL_BAR = "M-0.18,-1H0.18V1H-0.18Z"  # a legend symbol that looks like the median tick
LEGEND_TITLE_BESIDE = 180  # px: Vega cuts a longer legend title off with "…"


# ---------------------------------------------------------------------------------------------
# shared helpers
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Style:
    """Sizes for normal screens and (``big``) for a projector."""

    big: bool = False

    @property
    def font_factor(self) -> int:
        return 2 if self.big else 1

    @property
    def size_factor(self) -> float:
        return 1.6 if self.big else 1.0

    @property
    def label(self) -> int:
        return 13 * self.font_factor

    @property
    def value(self) -> int:
        return 14 * self.font_factor

    @property
    def heading(self) -> int:
        return 18 * self.font_factor

    def px(self, value: float) -> float:
        return value * self.size_factor

    def area(self, value: float) -> float:
        return value * self.size_factor**2


def _require(labels: Mapping[str, str], *keys: str) -> None:
    missing = [key for key in keys if key not in labels]
    if missing:
        raise KeyError(f"charts: labels {missing} missing (all chart words come from the translation table)")


def _decimal(labels: Mapping[str, str]) -> str:
    return labels.get("decimal", ".")


def format_number(value, decimal: str = ".", digits: int = 1, sign: bool = False) -> str:
    """1 decimal, the given separator, a real minus sign; "" for a missing value."""
    if value is None or pd.isna(value):
        return ""
    rounded = round(float(value), digits)
    text = (
        f"{rounded:+.{digits}f}" if sign and rounded != 0 else f"{abs(rounded) if rounded == 0 else rounded:.{digits}f}"
    )
    return text.replace("-", "\u2212").replace(".", decimal)


def _numbers(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame:
        return pd.Series(np.nan, index=frame.index, dtype=float)
    return pd.to_numeric(frame[column], errors="coerce").astype(float)


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(str(text), width=width, break_long_words=False, break_on_hyphens=False)) or str(text)


def _item_label(frame: pd.DataFrame, item: str = "item", title: str = "title") -> pd.Series:
    """ "AB1 · Title" when both id and title are there (ids tie the charts together)."""
    if title in frame and item in frame:
        return frame[item].astype(str) + " · " + frame[title].astype(str)
    return frame[item].astype(str) if item in frame else frame[title].astype(str)


# Fitting a chart into the width a page gives it (``width=`` of the row charts): text widths
# are estimated, since Vega measures text only in the browser.
CHAR_WIDTH = 0.62  # a wide DejaVu Sans character, as a share of the font size (when the font is missing)
FONT_FILE = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
NARROWEST_PLOT = 150  # px: the narrowest a 1–5 track or a bar gets before row labels wrap
PADDING = 5  # px Vega keeps free around every chart
BOLD_WIDTH = 1.14  # DejaVu Sans Bold against the regular weight text_px measures with


@functools.lru_cache(maxsize=8)
def _font(size: int):
    try:
        return ImageFont.truetype(FONT_FILE, size)
    except OSError:
        return None


def text_px(text: object, size: float) -> float:
    """The width in px of the longest line of `text` at font `size`, measured in the chart font
    (a little wider than Helvetica or Arial, which a browser without DejaVu Sans uses)."""
    lines = str(text).split("\n")
    font = _font(round(size))
    if font is None:
        return max(len(line) for line in lines) * CHAR_WIDTH * size
    return max(font.getlength(line) for line in lines) + 1


def _wrap_px(text: str, px: float, size: float) -> list[str]:
    """`text` on lines no wider than `px` (a single longer word keeps its own line)."""
    lines: list[str] = []
    for word in str(text).split(" "):
        if lines and text_px(f"{lines[-1]} {word}", size) <= px:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [str(text)]


def _fit_rows(
    texts: Sequence[str], style: Style, width: float | None, plot: float, beside: float
) -> tuple[float, dict[str, list[str]]]:
    """Plot width and row labels (text -> lines) so that labels | plot | `beside` px (printed
    values right of the plot) fit `width`. The plot shrinks first, down to NARROWEST_PLOT; then the
    labels wrap. Without a width: the natural `plot` and every label on one line."""
    lines = {str(text): [str(text)] for text in texts}
    if width is None:
        return plot, lines
    room = width - 2 * PADDING - beside - 8 * style.font_factor - 8  # 8: text a little wider than measured
    longest = max((text_px(text, style.label) for text in lines), default=0.0)
    if longest + NARROWEST_PLOT <= room:  # the labels fit on one line beside a plot of at least NARROWEST_PLOT
        return min(plot, room - longest), lines
    lines = {text: _wrap_px(text, max(room - NARROWEST_PLOT, room * 0.4), style.label) for text in lines}
    longest = max(text_px("\n".join(wrapped), style.label) for wrapped in lines.values())
    return max(room - longest, 60.0), lines


def _wrapped(lines: Mapping[str, list[str]]) -> bool:
    return any(len(parts) > 1 for parts in lines.values())


def _row_px(lines: Mapping[str, list[str]], style: Style, natural: float) -> float:
    """A row tall enough for its label's lines."""
    most = max((len(parts) for parts in lines.values()), default=1)
    return max(natural, most * style.label * 1.2 + 6)


def _centring_offsets(lines: Sequence[list[str]], style: Style) -> list[float]:
    """Per label, how far up its first line goes so that all its lines sit centred on the row
    (Vega puts the first line of a wrapped axis label on the tick, the others below it)."""
    return [-(len(parts) - 1) * style.label * 1.2 / 2 for parts in lines]


def _label_lines_axis(lines: Mapping[str, list[str]], style: Style) -> dict:
    """Axis settings printing the wrapped row labels centred on their rows (nothing to add when
    none is wrapped)."""
    if not _wrapped(lines):
        return {}
    offsets = dict(zip(lines, _centring_offsets(list(lines.values()), style)))
    return {
        "labelExpr": _lookup_expression(dict(lines), "datum.value"),
        "labelLineHeight": style.label * 1.2,
        "labelOffset": alt.ExprRef(f"{json.dumps(offsets, ensure_ascii=False)}[datum.value] || 0"),
    }


def _legend_height(style: Style, rows: int = 1) -> float:
    """About the height of a legend under a chart (its offset and padding included)."""
    return rows * style.label * 1.3 + 40 * style.font_factor


def _title_height(labels: Mapping[str, str], style: Style) -> float:
    if not labels.get("title"):
        return 0.0
    return style.heading * 1.3 + (style.label * 1.3 if labels.get("subtitle") else 0) + 12 * style.font_factor


def _legend_fit(entries: Mapping[str, str] | Sequence[str], style: Style, room: float | None, columns: int) -> dict:
    """Legend settings for `room` px (from the plot's left edge): as many entries side by side
    as fit, and an entry wider than the room on more lines. `entries`: the texts, or value -> text."""
    shown = dict(entries) if isinstance(entries, Mapping) else {str(text): str(text) for text in entries}
    if room is None:
        return {"columns": columns}
    extra = 24 * style.font_factor + 28 * style.size_factor  # the symbol and the space between entries
    lines = {value: _wrap_px(text, room - extra, style.label) for value, text in shown.items()}
    entry = max((text_px("\n".join(parts), style.label) for parts in lines.values()), default=0.0) + extra
    settings: dict = {"columns": max(1, min(columns, int(room // entry)))}
    if _wrapped(lines):
        settings["labelExpr"] = _lookup_expression(lines, "datum.value")
    return settings


def _title(labels: Mapping[str, str], style: Style, width: float | None = None):
    """The chart's heading; with a `width` (px) it wraps onto lines no wider than the chart."""
    text = labels.get("title")
    if not text:
        return alt.Undefined
    subtitle = labels.get("subtitle") or alt.Undefined
    if width is not None:
        room = max(float(width) - 2 * PADDING, 100.0)
        text = _wrap_px(text, room / BOLD_WIDTH, style.heading)  # a heading is bold: wider than text_px measures
        if subtitle is not alt.Undefined:
            subtitle = _wrap_px(subtitle, room, style.label)
    return alt.TitleParams(
        text=text,
        subtitle=subtitle,
        fontSize=style.heading,
        subtitleFontSize=style.label,
        font=FONT,
        subtitleFont=FONT,
        color=INK,
        subtitleColor=MUTED,
        anchor="start",
        offset=12 * style.font_factor,
    )


def _axis(style: Style, **kwargs) -> alt.Axis:
    settings = dict(
        labelFontSize=style.label,
        titleFontSize=style.label,
        labelFont=FONT,
        titleFont=FONT,
        labelColor=INK,
        titleColor=INK,
        titleFontWeight="normal",
        domainColor=MUTED,
        tickColor=MUTED,
        gridColor=FAINT,
        labelLimit=1000,
        titlePadding=10 * style.font_factor,
        labelPadding=6 * style.font_factor,
    )
    settings.update(kwargs)
    return alt.Axis(**settings)


def _legend(style: Style, **kwargs) -> alt.Legend:
    settings = dict(
        orient="bottom",
        direction="horizontal",
        labelFontSize=style.label,
        titleFontSize=style.label,
        labelFont=FONT,
        titleFont=FONT,
        labelColor=INK,
        titleColor=INK,
        titleFontWeight="normal",
        labelLimit=1000,
        symbolSize=style.area(160),
        symbolStrokeWidth=2 * style.size_factor,
        columnPadding=24 * style.font_factor,
        titleOrient="left",
        titleAnchor="middle",
        padding=8 * style.font_factor,
    )
    settings.update(kwargs)
    return alt.Legend(**settings)


def _no_data(labels: Mapping[str, str], style: Style, width: float = 480, height: float = 200) -> alt.Chart:
    """A chart that only says there is nothing to show (labels["no_data"])."""
    _require(labels, "no_data")
    return (
        alt.Chart(pd.DataFrame({"message": [labels["no_data"]]}), title=_title(labels, style, width), name="no_data")
        .mark_text(fontSize=style.value, font=FONT, color=MUTED, lineBreak="\n")
        .encode(x=alt.value(width / 2), y=alt.value(height / 2), text="message:N")
        .properties(width=width, height=height, view=alt.ViewBackground(stroke=None))
    )


def _array_expression(values: Sequence[str]) -> str:
    """A Vega expression looking a label up by its row position (for labelExpr)."""
    return f"{json.dumps(list(values), ensure_ascii=False)}[datum.value] || ''"


def _lookup_expression(table: Mapping[str, object], key: str) -> str:
    """A Vega expression looking `key` (an expression) up in `table`; the tick's own label if absent."""
    return f"{json.dumps(dict(table), ensure_ascii=False)}[{key}] || datum.label"


def _score_label_expression(score_labels: Mapping[int, str] | None, wrap: int = 13) -> alt.UndefinedType | str:
    """labelExpr printing "3" and under it the (wrapped) scale label of 3."""
    if not score_labels:
        return alt.Undefined
    lookup = {str(score): [str(score), *_wrap(text, wrap).split("\n")] for score, text in score_labels.items()}
    return _lookup_expression(lookup, "''+datum.value")


def without_mark_descriptions(spec: dict) -> dict:
    """The spec with Vega-Lite's screen-reader texts of every mark and axis turned off: they name
    internal fields ("row_label: …", "y: −0.5; y2: 0.5"). The chart is described as a whole
    instead (the summary under it, and `description` on screen)."""
    config = spec.get("config", {})
    return {**spec, "config": {**config, "aria": False, "mark": {**config.get("mark", {}), "aria": False}}}


def chart_image(chart: alt.TopLevelMixin | dict, fmt: Literal["png", "svg"] = "png", *, scale: float = 2) -> bytes:
    """The chart (Altair, or a Vega-Lite spec) as PNG (at `scale`×) or SVG bytes, rendered without a
    browser. An SVG does not describe each mark by its field names ("row_label: …") to screen readers."""
    spec = json.dumps(without_mark_descriptions(chart if isinstance(chart, dict) else chart.to_dict()))
    if fmt == "png":
        return vlc.vegalite_to_png(spec, scale=scale)
    if fmt == "svg":
        return vlc.vegalite_to_svg(spec).encode("utf-8")
    raise ValueError(f"fmt must be 'png' or 'svg', not {fmt!r}")


# ---------------------------------------------------------------------------------------------
# radar
# ---------------------------------------------------------------------------------------------

RADAR_MAX = 5
RADAR_DOMAIN = 5.3  # a little room outside the outer ring
RADAR_LABEL_RADIUS = 5.45
RADAR_CIRCLE_STEPS = 120


def _polar(radius: pd.Series | np.ndarray | float, theta: pd.Series | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    radius = np.asarray(radius, dtype=float)
    theta = np.asarray(theta, dtype=float)
    return radius * np.sin(theta), radius * np.cos(theta)


def radar_polygon(frame: pd.DataFrame, value: str) -> pd.DataFrame:
    """The closed polygon through `value` per axis: one row per axis plus the first row again."""
    x, y = _polar(frame[value], frame["theta"])
    polygon = frame.assign(x=x, y=y, step=range(len(frame)))
    return pd.concat([polygon, polygon.iloc[[0]].assign(step=len(frame))], ignore_index=True)


RADAR_MIN_UNIT = 24  # px per scale point: below it the titles make way for the item ids


def _radar_extent(axis_labels: Sequence[str], theta: np.ndarray, style: Style, unit: float) -> tuple[float, float]:
    """The reach (scale units from the centre to the view's edge, labels above and below
    included) and the whole width in px, labels at the sides included."""
    label_x, label_y = _polar(RADAR_LABEL_RADIUS, theta)
    sines, cosines = np.sin(theta), np.cos(theta)
    heights = np.array([(str(label).count("\n") + 1) * style.label * 1.2 / unit for label in axis_labels])
    tops = np.where(cosines > 0.6, label_y + heights, np.where(cosines < -0.6, label_y, label_y + heights / 2))
    bottoms = np.where(cosines > 0.6, label_y, np.where(cosines < -0.6, label_y - heights, label_y - heights / 2))
    reach = max(RADAR_DOMAIN, float(np.max(tops)), float(-np.min(bottoms))) + 4 * style.font_factor / unit
    widths = np.array([text_px(label, style.label) for label in axis_labels])
    centre = label_x * unit
    rights = np.where(sines > 0.25, centre + widths, np.where(sines < -0.25, centre, centre + widths / 2))
    lefts = np.where(sines > 0.25, centre, np.where(sines < -0.25, centre - widths, centre - widths / 2))
    half = reach * unit
    return reach, max(half, float(rights.max())) + max(half, float(-lefts.min()))


def _radar_fit(
    frame: pd.DataFrame, style: Style, width: float | None, height: float | None = None
) -> tuple[list[str], float]:
    """Axis labels and px per scale point: the natural size, or the largest that fits `width`
    and the view's `height` with wrapped titles (more or fewer lines). A box too low for titles
    around a readable circle gets the titles anyway, as low as they go (the picture is then
    shrunk to the box); a box too narrow for them gets the item ids."""
    theta = frame["theta"].to_numpy()
    natural = style.px(34)
    titles = [[_wrap(title, chars) for title in frame["title"]] for chars in (18, 30, 11)]
    ids = list(frame["item"].astype(str))
    if width is None and height is None:
        return titles[0], natural
    smallest = max(RADAR_MIN_UNIT, 1.5 * style.label)  # below it the labels run into each other

    def too_wide(axis_labels: list[str], unit: float) -> bool:
        return width is not None and _radar_extent(axis_labels, theta, style, unit)[1] > width - 2 * PADDING

    def too_big(axis_labels: list[str], unit: float) -> bool:
        return too_wide(axis_labels, unit) or (height is not None and 2 * _radar_extent(axis_labels, theta, style, unit)[0] * unit > height)

    def largest(axis_labels: list[str]) -> float:
        unit = natural
        while unit > 8 and too_big(axis_labels, unit):
            unit -= 1
        return unit

    for axis_labels in titles:
        if (unit := largest(axis_labels)) >= smallest:
            return axis_labels, unit
    fitting = [axis_labels for axis_labels in titles if not too_wide(axis_labels, smallest)]
    if fitting:
        return fitting[0], smallest
    return ids, largest(ids)


def radar(
    profile_df: pd.DataFrame, *, labels: Mapping[str, str], big: bool = False, width: float | None = None,
    height: float | None = None,
) -> alt.LayerChart:
    """Spider chart of the principles' medians (1–5 per axis, first axis at the top, clockwise).

    Columns: item, title, median; optional target_mean (diamonds), previous_median (dashed grey
    "ghost" polygon of the previous round). Labels: no_data, median (legend entry of the current
    polygon); previous and target (needed when those columns hold values); optional title,
    subtitle, decimal. `width`, `height`: the px the whole chart may take (it stays round:
    both shrink together, e.g. to fill a projector's screen); None for its natural size.
    """
    style = Style(big)
    _require(labels, "no_data", "median")
    frame = (profile_df if profile_df is not None else pd.DataFrame()).reset_index(drop=True).copy()
    medians = _numbers(frame, "median")
    if frame.empty or medians.isna().all():
        return alt.layer(_no_data(labels, style, width=style.px(440), height=style.px(220)))

    decimal = _decimal(labels)
    frame["median"] = medians
    frame["target_mean"] = _numbers(frame, "target_mean")
    frame["previous_median"] = _numbers(frame, "previous_median")
    count = len(frame)
    frame["theta"] = 2 * math.pi * np.arange(count) / count
    around = _legend_height(style) + (_title_height(labels, style) + 2 * PADDING)
    frame["axis_label"], unit = _radar_fit(frame, style, width, None if height is None else height - around)
    frame["median_text"] = [format_number(value, decimal) for value in frame["median"]]
    frame["target_text"] = [format_number(value, decimal) for value in frame["target_mean"]]
    frame["previous_text"] = [format_number(value, decimal) for value in frame["previous_median"]]
    has_previous = frame["previous_median"].notna().any()
    has_target = frame["target_mean"].notna().any()
    if has_previous:
        _require(labels, "previous")
    if has_target:
        _require(labels, "target")

    # Square view, equal units on x and y (so rings stay circles), with room inside the view
    # for the labels above and below the circle (legends are placed against the view).
    label_x, label_y = _polar(RADAR_LABEL_RADIUS, frame["theta"])
    sines, cosines = np.sin(frame["theta"]), np.cos(frame["theta"])
    aligns = np.where(sines > 0.25, "left", np.where(sines < -0.25, "right", "center"))
    baselines = np.where(cosines > 0.6, "bottom", np.where(cosines < -0.6, "top", "middle"))
    heights = np.array([(label.count("\n") + 1) * style.label * 1.2 / unit for label in frame["axis_label"]])
    tops = np.where(
        baselines == "bottom", label_y + heights, np.where(baselines == "top", label_y, label_y + heights / 2)
    )
    reach, _ = _radar_extent(list(frame["axis_label"]), frame["theta"].to_numpy(), style, unit)
    side = 2 * reach * unit
    scale = alt.Scale(domain=[-reach, reach], nice=False, zero=False)
    x = alt.X("x:Q", scale=scale, axis=None)
    y = alt.Y("y:Q", scale=scale, axis=None)

    series = (
        [labels["median"]] + ([labels["previous"]] if has_previous else []) + ([labels["target"]] if has_target else [])
    )
    colours = [BLUE] + ([GHOST] if has_previous else []) + ([VERMILLION] if has_target else [])
    shapes = ["circle"] + (["M-1,0L-0.35,0M0.35,0L1,0"] if has_previous else []) + (["diamond"] if has_target else [])
    colour = alt.Color(
        "series:N",
        scale=alt.Scale(domain=series, range=colours),
        legend=_legend(
            style, title=None, symbolStrokeWidth=3 * style.size_factor,
            **_legend_fit(series, style, width, len(series)),
        ),
    )
    shape = alt.Shape("series:N", scale=alt.Scale(domain=series, range=shapes), legend=None)
    tooltip = [
        alt.Tooltip("title:N", title=" "),
        alt.Tooltip("median_text:N", title=labels["median"]),
        *([alt.Tooltip("previous_text:N", title=labels["previous"])] if has_previous else []),
        *([alt.Tooltip("target_text:N", title=labels["target"])] if has_target else []),
    ]

    # Grid: rings 1..5, spokes, ring numbers along the top spoke.
    steps = np.linspace(0, 2 * math.pi, RADAR_CIRCLE_STEPS + 1)
    rings = pd.concat(
        [
            pd.DataFrame(
                {"ring": ring, "step": range(len(steps)), "x": ring * np.sin(steps), "y": ring * np.cos(steps)}
            )
            for ring in SCORES
        ],
        ignore_index=True,
    )
    ring_layer = (
        alt.Chart(rings, name="rings")
        .mark_line(strokeWidth=style.px(1), interpolate="linear")
        .encode(
            x=x,
            y=y,
            detail="ring:N",
            order="step:Q",
            color=alt.condition(f"datum.ring == {RADAR_MAX}", alt.value("#9A9A9A"), alt.value(GRID)),
        )
    )
    spoke_x, spoke_y = _polar(RADAR_MAX, frame["theta"])
    spokes = pd.DataFrame({"x": 0.0, "y": 0.0, "x2": spoke_x, "y2": spoke_y})
    spoke_layer = (
        alt.Chart(spokes, name="spokes")
        .mark_rule(color=GRID, strokeWidth=style.px(1))
        .encode(x=x, y=y, x2="x2:Q", y2="y2:Q")
    )
    # Ring numbers in the middle between two spokes, on the half-sector nearest to "3 o'clock",
    # where they read like a horizontal axis and stay clear of the labels at top and bottom.
    middles = (np.arange(count) + 0.5) * 2 * math.pi / count
    ring_angle = float(middles[np.argmin(np.abs(middles - math.pi / 2))])
    ring_x, ring_y = _polar(np.asarray(SCORES, dtype=float), np.full(len(SCORES), ring_angle))
    ring_numbers = pd.DataFrame(
        {"ring": list(SCORES), "x": ring_x, "y": ring_y, "text": [str(ring) for ring in SCORES]}
    )
    ring_label_layer = (
        alt.Chart(ring_numbers, name="ring_labels")
        .mark_text(
            align="center",
            baseline="middle",
            fontSize=style.label,
            font=FONT,
            color=MUTED,
        )
        .encode(x=x, y=y, text="text:N")
    )

    # Axis labels, in up to three alignment groups (Vega-Lite cannot encode alignment).
    # Vega places the first line of multi-line text at the anchor, so every label is anchored
    # at its top: above the circle the block grows upwards, at the sides it is centred.
    axis_labels = frame[["item", "title", "axis_label"]].assign(x=label_x, y=tops, align=aligns)
    label_layers = [
        alt.Chart(group, name=f"axis_labels_{align}")
        .mark_text(
            align=align,
            baseline="top",
            lineBreak="\n",
            fontSize=style.label,
            font=FONT,
            color=INK,
            lineHeight=style.label * 1.2,
        )
        .encode(x=x, y=y, text="axis_label:N")
        for align, group in axis_labels.groupby("align", sort=False)
    ]

    ring_badges = (
        alt.Chart(ring_numbers, name="ring_badges")
        .mark_point(filled=True, shape="circle", color="#FFFFFF", opacity=0.85, size=(style.label * 1.45) ** 2)
        .encode(x=x, y=y)
    )
    layers = [ring_layer, spoke_layer, *label_layers, ring_badges, ring_label_layer]
    if has_previous:
        ghost = radar_polygon(frame.assign(series=labels["previous"]), "previous_median")
        layers.append(
            alt.Chart(ghost, name="ghost")
            .mark_line(strokeDash=[8, 5], strokeWidth=style.px(2.5), interpolate="linear")
            .encode(x=x, y=y, order="step:Q", color=colour)
        )
    current = radar_polygon(frame.assign(series=labels["median"]), "median")
    layers.append(
        alt.Chart(current, name="median_polygon")
        .mark_line(fill=BLUE, fillOpacity=0.14, strokeWidth=style.px(3), interpolate="linear")
        .encode(x=x, y=y, order="step:Q", color=colour)
    )
    points = current.iloc[:-1]
    layers.append(
        alt.Chart(points, name="median_points")
        .mark_point(filled=True, size=style.area(90), opacity=1, stroke="#FFFFFF", strokeWidth=1.5)
        .encode(x=x, y=y, color=colour, shape=shape, tooltip=tooltip)
    )
    if has_previous:
        # An invisible point layer gives the ghost its (dashed) legend symbol.
        ghost_points = radar_polygon(frame.assign(series=labels["previous"]), "previous_median").iloc[:-1]
        layers.append(
            alt.Chart(ghost_points, name="ghost_points")
            .mark_point(filled=False, size=style.area(70), strokeWidth=style.px(2), opacity=0)
            .encode(x=x, y=y, color=colour, shape=shape, tooltip=tooltip)
        )
    if has_target:
        targets = frame[frame["target_mean"].notna()].assign(series=labels["target"])
        targets["x"], targets["y"] = _polar(targets["target_mean"], targets["theta"])
        layers.append(
            alt.Chart(targets, name="targets")
            .mark_point(filled=True, size=style.area(170), opacity=1, stroke="#FFFFFF", strokeWidth=1.5)
            .encode(x=x, y=y, color=colour, shape=shape, tooltip=tooltip)
        )
    return alt.layer(*layers, title=_title(labels, style, width)).properties(
        width=side, height=side, view=alt.ViewBackground(stroke=None)
    )


# ---------------------------------------------------------------------------------------------
# member dots
# ---------------------------------------------------------------------------------------------


def member_positions(frame: pd.DataFrame, per_column: int = 4) -> pd.DataFrame:
    """One row per member score, derived from count_1..count_5 only (never from single answers).

    k members at score s become k dots in a small grid centred on (s, row): up to `per_column`
    dots on top of each other, further dots in extra columns beside them. Returns row, score,
    column (0-based), level (0-based) and the offsets dx (score units) and dy (row units).
    """
    rows = []
    for row_index, (_, record) in enumerate(frame.iterrows()):
        for score, column in zip(SCORES, COUNT_COLUMNS):
            count = record.get(column)
            count = 0 if count is None or pd.isna(count) else int(count)
            columns = math.ceil(count / per_column) if count else 0
            for index in range(count):
                grid_column, level = divmod(index, per_column)
                in_column = min(per_column, count - grid_column * per_column)
                rows.append(
                    {
                        "row": row_index,
                        "score": score,
                        "column": grid_column,
                        "level": level,
                        "dx": (grid_column - (columns - 1) / 2) * 0.085,
                        "dy": (level - (in_column - 1) / 2) * 0.17,
                    }
                )
    return pd.DataFrame(rows, columns=["row", "score", "column", "level", "dx", "dy"])


def member_dots(
    profile_df: pd.DataFrame,
    *,
    labels: Mapping[str, str],
    score_labels: Mapping[int, str] | None = None,
    big: bool = False,
    width: float | None = None,
) -> alt.LayerChart:
    """Per principle one row: every member's score as a dot, the team median as a vertical tick.

    Columns: item, title, count_1..count_5, median. Labels: no_data, member (legend: one dot =
    one member), median; optional x_title, title, subtitle, decimal. `score_labels` (1..5 ->
    text, e.g. the framework's scale labels) are printed under the score numbers when there is
    room. `width`: the px the whole chart may take (see _fit_rows); None for its natural size.
    """
    style = Style(big)
    _require(labels, "no_data", "member", "median")
    frame = (profile_df if profile_df is not None else pd.DataFrame()).reset_index(drop=True).copy()
    counts = frame[COUNT_COLUMNS].apply(pd.to_numeric, errors="coerce") if set(COUNT_COLUMNS) <= set(frame) else None
    if frame.empty or counts is None or counts.fillna(0).to_numpy().sum() == 0:
        return alt.layer(_no_data(labels, style, width=style.px(520), height=style.px(200)))

    frame["median"] = _numbers(frame, "median")
    frame["row_label"] = _item_label(frame)
    frame["row"] = range(len(frame))
    frame["median_text"] = [format_number(value, _decimal(labels)) for value in frame["median"]]
    header_text = _wrap(labels["median"], 10)
    beside = 12 * style.font_factor + max(text_px(header_text, style.label), text_px("0,0", style.value) * 1.2) + 6
    fitting = width is not None
    width, row_lines = _fit_rows(list(frame["row_label"]), style, width, style.px(540), beside)
    legend_room = width + beside if fitting else None  # the legend starts under the plot
    row_height = _row_px(row_lines, style, style.px(46))
    height = row_height * len(frame)
    # Scale words under the numbers only when they fit between two ticks (wrapped narrower if need be).
    word_chars = int((width / 4.9 - 8) / (CHAR_WIDTH * style.label))
    score_words = _score_label_expression(score_labels, min(13, word_chars)) if word_chars >= 8 else alt.Undefined
    dots = member_positions(frame)
    dots["x"] = dots["score"] + dots["dx"]
    dots["y"] = dots["row"] + dots["dy"]
    dots["series"] = labels["member"]
    dots = dots.merge(frame[["row", "row_label"]], on="row")

    x = alt.X(
        "x:Q",
        scale=alt.Scale(domain=[0.55, 5.45], nice=False, zero=False),
        axis=_axis(
            style,
            values=list(SCORES),
            title=labels.get("x_title") or None,
            orient="bottom",
            grid=True,
            labelExpr=score_words,
            labelLineHeight=style.label * 1.2,
            labelOverlap=False,
            labelBaseline="top",
        ),
    )
    y_scale = alt.Scale(domain=[-0.5, len(frame) - 0.5], reverse=True, nice=False, zero=False)
    y = alt.Y(
        "y:Q",
        scale=y_scale,
        axis=_axis(
            style,
            values=list(range(len(frame))),
            labelExpr=_array_expression(
                [row_lines[label] for label in frame["row_label"]] if _wrapped(row_lines) else list(frame["row_label"])
            ),
            labelLineHeight=style.label * 1.2,
            labelOffset=alt.ExprRef(
                f"{json.dumps(_centring_offsets([row_lines[label] for label in frame['row_label']], style))}[datum.value] || 0"
            ) if _wrapped(row_lines) else alt.Undefined,
            title=None,
            grid=False,
            ticks=False,
            domain=False,
        ),
    )
    series = [labels["member"], labels["median"]]
    colour = alt.Color(
        "series:N", scale=alt.Scale(domain=series, range=[BLUE, BLACK]),
        legend=_legend(style, title=None, **_legend_fit(series, style, legend_room, len(series))),
    )
    shape = alt.Shape("series:N", scale=alt.Scale(domain=series, range=["circle", VERTICAL_BAR]), legend=None)

    stripes = frame[frame["row"] % 2 == 0][["row"]].assign(y=lambda f: f["row"] - 0.5, y2=lambda f: f["row"] + 0.5)
    stripe_layer = (
        alt.Chart(stripes, name="stripes")
        .mark_rect(color="#F6F6F6")
        .encode(y=alt.Y("y:Q", scale=y_scale), y2="y2:Q", x=alt.value(0), x2=alt.value(width))
    )
    dot_layer = (
        alt.Chart(dots, name="members")
        .mark_point(filled=True, size=style.area(70), opacity=0.9, stroke="#FFFFFF", strokeWidth=0.8)
        .encode(x=x, y=y, color=colour, shape=shape)
    )
    medians = frame[frame["median"].notna()].assign(
        x=lambda f: f["median"], y=lambda f: f["row"].astype(float), series=labels["median"]
    )
    median_layer = (
        alt.Chart(medians, name="median")
        .mark_tick(orient="vertical", thickness=style.px(3.5), size=row_height * 0.96, opacity=1)
        .encode(
            x=x,
            y=y,
            color=colour,
            shape=shape,
            tooltip=[alt.Tooltip("row_label:N", title=" "), alt.Tooltip("median_text:N", title=labels["median"])],
        )
    )
    # The median is printed too, right of the plot, under a header.
    value_x = width + 12 * style.font_factor
    median_values = (
        alt.Chart(medians, name="median_values")
        .mark_text(align="left", fontSize=style.value, font=FONT, fontWeight="bold", color=INK)
        .encode(x=alt.value(value_x), y=y, text="median_text:N")
    )
    header_lines = header_text.count("\n") + 1
    median_header = (
        alt.Chart(pd.DataFrame({"header": [header_text]}), name="median_header")
        .mark_text(
            align="left",
            baseline="top",
            fontSize=style.label,
            font=FONT,
            color=MUTED,
            lineBreak="\n",
            lineHeight=style.label * 1.2,
        )
        .encode(
            x=alt.value(value_x),
            y=alt.value(-6 * style.font_factor - header_lines * style.label * 1.2),
            text="header:N",
        )
    )
    # The median tick sits behind the dots and reaches beyond them, so neither hides the other.
    return alt.layer(
        stripe_layer, median_layer, dot_layer, median_values, median_header, title=_title(labels, style, width)
    ).properties(width=width, height=height, view=alt.ViewBackground(stroke=None))


# ---------------------------------------------------------------------------------------------
# blockade pairs
# ---------------------------------------------------------------------------------------------


def _score_track_axes(
    style: Style, labels: Mapping[str, str], long: pd.DataFrame, label_column: str, top: float, bottom: float,
    lines: Mapping[str, list[str]] | None = None,
):
    """Axes for rows of dots on a 1–5 track: scores along the top, one labelled row per y value
    (`lines`: wrapped labels, see _fit_rows)."""
    row_labels = [lines[label] if lines and _wrapped(lines) else label for label in long[label_column]]
    x_scale = alt.Scale(domain=[0.8, 5.6], nice=False, zero=False)
    x = alt.X(
        "value:Q",
        scale=x_scale,
        axis=_axis(
            style, values=list(SCORES), format="d", title=labels.get("x_title") or None, orient="top", grid=True
        ),
    )
    y_scale = alt.Scale(domain=[top, bottom], reverse=True, nice=False, zero=False)
    y = alt.Y(
        "y:Q",
        scale=y_scale,
        axis=_axis(
            style,
            values=list(long["y"]),
            labelExpr=_lookup_expression(dict(zip([_key(v) for v in long["y"]], row_labels)), "format(datum.value, '.1f')"),
            labelLineHeight=style.label * 1.2,
            labelOffset=alt.ExprRef(
                f"{json.dumps(dict(zip([_key(v) for v in long['y']], _centring_offsets(row_labels, style))))}"
                "[format(datum.value, '.1f')] || 0"
            ) if lines and _wrapped(lines) else alt.Undefined,
            title=None,
            grid=False,
            ticks=False,
            domain=False,
        ),
    )
    return x_scale, x, y_scale, y


def _median_marks(valued: pd.DataFrame, x, y, colour, shape, style: Style, tooltip_fields: list[str]):
    """A labelled dot per median on a 1–5 track: the dot (colour and shape), and its value beside it."""
    points = (
        alt.Chart(valued, name="medians")
        .mark_point(filled=True, size=style.area(200), opacity=1, stroke="#FFFFFF", strokeWidth=1.5)
        .encode(x=x, y=y, color=colour, shape=shape, tooltip=[alt.Tooltip(field, title=" ") for field in tooltip_fields])
    )
    values = (
        alt.Chart(valued, name="values")
        .mark_text(align="left", dx=12 * style.size_factor, fontSize=style.value, font=FONT, fontWeight="bold", color=INK)
        .encode(x=x, y=y, text="value_text:N")
    )
    return points, values


def blockade_pairs_chart(
    pairs_df: pd.DataFrame, *, labels: Mapping[str, str], big: bool = False, width: float | None = None,
    height: float | None = None,
) -> alt.LayerChart:
    """Per blockade: its median on one line and the median of the principle that answers it just
    below, both as labelled dots on a 1–5 track.

    Columns: blockade, blockade_title, blockade_median, principle, principle_title,
    principle_median. Labels: no_data, blockade, principle (legend entries); optional x_title,
    title, subtitle, decimal. `width`, `height`: the px the whole chart may take (closer rows,
    e.g. to fill a projector's screen); None for its natural size.
    """
    style = Style(big)
    _require(labels, "no_data", "blockade", "principle")
    frame = (pairs_df if pairs_df is not None else pd.DataFrame()).reset_index(drop=True)
    if frame.empty or (
        _numbers(frame, "blockade_median").isna().all() and _numbers(frame, "principle_median").isna().all()
    ):
        return alt.layer(_no_data(labels, style, width=style.px(520), height=style.px(200)))

    decimal = _decimal(labels)
    rows = []
    for index, record in frame.iterrows():
        for offset, role in enumerate(["blockade", "principle"]):
            item_id = record.get(role)
            if item_id is None or pd.isna(item_id):
                continue
            value = pd.to_numeric(pd.Series([record.get(f"{role}_median")]), errors="coerce").iloc[0]
            rows.append(
                {
                    "pair": index,
                    "y": index * 2.9 + offset,
                    "role": labels[role],
                    "row_label": f"{item_id} · {record.get(f'{role}_title')}",
                    "value": value,
                    "value_text": format_number(value, decimal),
                }
            )
    long = pd.DataFrame(rows)
    top, bottom = -0.7, long["y"].max() + 0.7
    fitting = width is not None
    width, row_lines = _fit_rows(list(long["row_label"]), style, width, style.px(420), 4)
    row_px = _row_px(row_lines, style, style.px(30))
    if height is not None:  # the score axis on top, the legend below
        around = style.label * 1.3 + 16 * style.font_factor + _legend_height(style) + _title_height(labels, style) + 2 * PADDING
        row_px = max(style.label * 1.15, min(row_px, (height - around) / (bottom - top)))
    height = (bottom - top) * row_px
    x_scale, x, y_scale, y = _score_track_axes(style, labels, long, "row_label", top, bottom, row_lines)
    roles = [labels["blockade"], labels["principle"]]
    role_scale = alt.Scale(domain=roles, range=[VERMILLION, BLUE])
    colour = alt.Color(
        "role:N", scale=role_scale,
        legend=_legend(style, title=None, **_legend_fit(roles, style, width if fitting else None, len(roles))),
    )
    shape = alt.Shape("role:N", scale=alt.Scale(domain=roles, range=["square", "circle"]), legend=None)

    blocks = pd.DataFrame({"pair": frame.index, "y": frame.index * 2.9 - 0.55, "y2": frame.index * 2.9 + 1.55})
    block_layer = (
        alt.Chart(blocks, name="pair_blocks")
        .mark_rect(color="#F5F5F5", cornerRadius=4)
        .encode(y=alt.Y("y:Q", scale=y_scale), y2="y2:Q", x=alt.value(0), x2=alt.value(width))
    )
    tracks = long.assign(start=1.0, end=long["value"])
    track_layer = (
        alt.Chart(tracks[tracks["value"].notna()], name="tracks")
        .mark_rule(strokeWidth=style.px(3), opacity=0.45)
        .encode(
            x=alt.X("start:Q", scale=x_scale),
            x2="end:Q",
            y=y,
            color=alt.condition(
                f"datum.role == {json.dumps(labels['blockade'], ensure_ascii=False)}",
                alt.value(VERMILLION),
                alt.value(BLUE),
            ),
        )
    )
    valued = long[long["value"].notna()]
    point_layer, value_layer = _median_marks(valued, x, y, colour, shape, style, ["row_label:N", "value_text:N"])
    return alt.layer(block_layer, track_layer, point_layer, value_layer, title=_title(labels, style, width)).properties(
        width=width, height=height, view=alt.ViewBackground(stroke=None)
    )


def _key(value: float) -> str:
    return f"{value:.1f}"


# ---------------------------------------------------------------------------------------------
# distribution
# ---------------------------------------------------------------------------------------------


def _own_view_names(chart: alt.TopLevelMixin, prefix: str) -> alt.TopLevelMixin:
    """Panels drawn by the same builder repeat its view names ("segments", "cells"), and
    Vega-Lite then draws every panel from the data of one of them: before panels are put side
    by side or one under the other, each one's names get a prefix of its own."""
    for attribute in ("layer", "hconcat", "vconcat"):
        parts = getattr(chart, attribute, None)
        if isinstance(parts, list):
            for part in parts:
                _own_view_names(part, prefix)
    name = getattr(chart, "name", None)
    if isinstance(name, str):
        chart.name = f"{prefix}_{name}"
    return chart


def distribution(
    disagreement_df: pd.DataFrame,
    *,
    labels: Mapping[str, str],
    score_labels: Mapping[int, str] | None = None,
    score_labels_by_kind: Mapping[str, Mapping[int, str]] | None = None,
    big: bool = False,
    width: float | None = None,
) -> alt.HConcatChart | alt.VConcatChart | alt.LayerChart:
    """Per item a segmented bar of count_1..count_5 (score 1 left, 5 right, each count printed in
    its segment) and, apart, a grey bar of "weet ik niet"; rows keep the frame's order (the
    disagreement order). The sd is printed after the bar when labels has "sd".

    Columns: item, title, count_1..count_5, n_dont_know; optional sd, kind. Labels: no_data,
    dont_know, score (legend title); optional x_title, sd, title, subtitle, decimal, and a
    heading per kind. `score_labels` (1..5 -> text) extend the legend entries. With
    `score_labels_by_kind` (kind -> 1..5 -> text) and a `kind` column, every kind gets its own
    panel with its own legend, so a blockade's 5 is never read in a principle's words.
    `width`: the px the whole chart may take; None for its natural size.
    """
    frame = disagreement_df if disagreement_df is not None else pd.DataFrame()
    if score_labels_by_kind is not None and "kind" in frame and not frame.empty:
        kinds = [kind for kind in score_labels_by_kind if (frame["kind"] == kind).any()]
        panels = [
            _own_view_names(
                distribution(
                    frame[frame["kind"] == kind],
                    labels={**labels, "title": labels.get(kind, kind), "subtitle": ""},
                    score_labels=score_labels_by_kind[kind],
                    big=big,
                    width=None if width is None else width - 4 * PADDING - 4,  # the panels' frame takes its padding
                ),
                kind,
            )
            for kind in kinds
        ]
        if len(panels) == 1:
            return panels[0]
        if panels:
            return alt.vconcat(*panels, spacing=24 * Style(big).font_factor, title=_title(labels, Style(big), width)).resolve_scale(
                color="independent"
            )
    style = Style(big)
    _require(labels, "no_data", "dont_know", "score")
    frame = (disagreement_df if disagreement_df is not None else pd.DataFrame()).reset_index(drop=True).copy()
    if frame.empty or not set(COUNT_COLUMNS) <= set(frame):
        return alt.layer(_no_data(labels, style, width=style.px(560), height=style.px(200)))
    counts = frame[COUNT_COLUMNS].apply(pd.to_numeric, errors="coerce").fillna(0)
    dont_know = _numbers(frame, "n_dont_know").fillna(0)
    if counts.to_numpy().sum() + dont_know.sum() == 0:
        return alt.layer(_no_data(labels, style, width=style.px(560), height=style.px(200)))

    decimal = _decimal(labels)
    frame["row_label"] = _item_label(frame)
    order = list(frame["row_label"])
    segments = []
    for index, record in frame.iterrows():
        start = 0.0
        for score, column in zip(SCORES, COUNT_COLUMNS):
            count = float(counts.at[index, column])
            if count > 0:
                segments.append(
                    {
                        "row_label": record["row_label"],
                        "score": str(score),
                        "count": count,
                        "start": start,
                        "end": start + count,
                        "middle": start + count / 2,
                        "count_text": str(int(count)),
                        "text_colour": SCORE_TEXT[score - 1],
                    }
                )
            start += count
    segments = pd.DataFrame(segments)
    totals = counts.sum(axis=1)
    longest = max(float(totals.max()), 1.0)
    side_width = style.px(90 if width is None or width >= 600 else 56)  # narrower on a phone
    beside = 18 * style.font_factor + side_width + 20
    fitting = width is not None
    main_width, row_lines = _fit_rows(order, style, width, style.px(420), beside)
    row_px = _row_px(row_lines, style, style.px(34))
    height = row_px * len(frame)

    score_domain = [str(score) for score in SCORES]
    legend_labels = (
        _lookup_expression({str(score): f"{score} · {text}" for score, text in score_labels.items()}, "datum.value")
        if score_labels
        else alt.Undefined
    )
    y_scale = alt.Scale(domain=order, paddingInner=0.3, paddingOuter=0.15)
    y = alt.Y(
        "row_label:N",
        sort=order,
        scale=y_scale,
        axis=_axis(style, title=None, ticks=False, domain=False, **_label_lines_axis(row_lines, style)),
    )
    x_scale = alt.Scale(domain=[0, longest * (1.18 if "sd" in labels else 1.02)], nice=False)
    legend_entries = [f"{score} · {text}" for score, text in score_labels.items()] if score_labels else score_domain
    legend_fit = _legend_fit(
        dict(zip(score_domain, legend_entries)), style, main_width + beside if fitting else None, 3 if score_labels else 5
    )
    colour = alt.Color(
        "score:N",
        scale=alt.Scale(domain=score_domain, range=SCORE_COLOURS),
        legend=_legend(
            style, title=labels["score"], symbolType="square", **{"labelExpr": legend_labels, **legend_fit},
            **({"titleOrient": "top", "titleAnchor": "start"} if legend_fit["columns"] < 3 else {}),
        ),
    )
    bar_layer = (
        alt.Chart(segments, name="segments")
        .mark_bar(stroke="#FFFFFF", strokeWidth=style.px(1.5))
        .encode(
            x=alt.X(
                "start:Q",
                scale=x_scale,
                axis=_axis(style, title=labels.get("x_title") or None, tickMinStep=1, format="d", grid=True),
            ),
            x2="end:Q",
            y=y,
            color=colour,
            tooltip=[
                alt.Tooltip("row_label:N", title=" "),
                alt.Tooltip("score:N", title=labels["score"]),
                alt.Tooltip("count_text:N", title=" "),
            ],
        )
    )
    text_layer = (
        alt.Chart(segments, name="segment_counts")
        .mark_text(fontSize=style.label, font=FONT, fontWeight="bold")
        .encode(
            x=alt.X("middle:Q", scale=x_scale),
            y=y,
            text="count_text:N",
            color=alt.condition("datum.text_colour == 'light'", alt.value("#FFFFFF"), alt.value(BLACK)),
        )
    )
    layers = [bar_layer, text_layer]
    if "sd" in labels and "sd" in frame:
        spread = frame.assign(
            total=totals,
            sd_text=[
                f"{labels['sd']} {format_number(value, decimal)}" if pd.notna(value) else ""
                for value in _numbers(frame, "sd")
            ],
        )
        layers.append(
            alt.Chart(spread, name="sd")
            .mark_text(align="left", dx=8 * style.size_factor, fontSize=style.label, font=FONT, color=MUTED)
            .encode(x=alt.X("total:Q", scale=x_scale), y=y, text="sd_text:N")
        )
    main = alt.layer(*layers).properties(width=main_width, height=height, view=alt.ViewBackground(stroke=None))

    unknown = frame[["row_label"]].assign(
        count=dont_know.astype(float), count_text=[str(int(v)) if v else "" for v in dont_know]
    )
    most_unknown = max(float(dont_know.max()), 1.0)
    unknown_scale = alt.Scale(domain=[0, most_unknown * 1.6], nice=False)
    unknown_y = alt.Y("row_label:N", sort=order, scale=y_scale, axis=None)
    unknown_bar = (
        alt.Chart(unknown[unknown["count"] > 0], name="dont_know")
        .mark_bar(color=DONT_KNOW_COLOUR, stroke=MUTED, strokeWidth=style.px(1), strokeDash=[3, 2])
        .encode(
            x=alt.X(
                "count:Q",
                scale=unknown_scale,
                axis=_axis(style, title=labels["dont_know"], tickMinStep=1, format="d", grid=True, tickCount=2),
            ),
            y=unknown_y,
            tooltip=[alt.Tooltip("row_label:N", title=" "), alt.Tooltip("count_text:N", title=labels["dont_know"])],
        )
    )
    unknown_text = (
        alt.Chart(unknown, name="dont_know_counts")
        .mark_text(align="left", dx=5 * style.size_factor, fontSize=style.label, font=FONT, color=INK)
        .encode(x=alt.X("count:Q", scale=unknown_scale), y=unknown_y, text="count_text:N")
    )
    side = alt.layer(unknown_bar, unknown_text).properties(
        width=side_width, height=height, view=alt.ViewBackground(stroke=None)
    )
    return alt.hconcat(main, side, spacing=18 * style.font_factor, title=_title(labels, style, width))


# ---------------------------------------------------------------------------------------------
# changes
# ---------------------------------------------------------------------------------------------


def changes_chart(
    changes_df: pd.DataFrame, *, labels: Mapping[str, str], big: bool = False, width: float | None = None
) -> alt.LayerChart:
    """Per item a bar from 0 to the change in mean, with ▲/▼/= and the signed change printed
    at its end, and "previous → now" beside it. Colour says whether the change is good news
    (a principle up, a blockade down), the glyph says the direction.

    Columns: item, title, delta, direction, outcome; optional mean, previous_mean. Labels:
    no_data, better, worse, same (legend entries); optional from_to (header above the
    "previous → now" column), x_title, title, subtitle, decimal. `width`: the px the whole chart
    may take; None for its natural size.
    """
    style = Style(big)
    _require(labels, "no_data", "better", "worse", "same")
    frame = (changes_df if changes_df is not None else pd.DataFrame()).reset_index(drop=True).copy()
    frame["delta"] = _numbers(frame, "delta")
    frame = frame[frame["delta"].notna()].reset_index(drop=True) if not frame.empty else frame
    if frame.empty:
        return alt.layer(_no_data(labels, style, width=style.px(560), height=style.px(200)))

    decimal = _decimal(labels)
    if "direction" not in frame:
        frame["direction"] = np.where(frame["delta"].abs() < 0.25, "same", np.where(frame["delta"] > 0, "up", "down"))
    if "outcome" not in frame:
        frame["outcome"] = frame["direction"].map({"up": "better", "down": "worse", "same": "same"})
    frame["row_label"] = _item_label(frame)
    frame["outcome_label"] = frame["outcome"].map({key: labels[key] for key in ("better", "worse", "same")})
    frame["delta_text"] = [
        f"{GLYPHS.get(direction, '')} {format_number(delta, decimal, sign=True)}".strip()
        for direction, delta in zip(frame["direction"], frame["delta"])
    ]
    mean, previous = _numbers(frame, "mean"), _numbers(frame, "previous_mean")
    frame["from_to"] = [
        (
            f"{format_number(before, decimal)} → {format_number(after, decimal)}"
            if pd.notna(before) and pd.notna(after)
            else ""
        )
        for before, after in zip(previous, mean)
    ]
    frame["zero"] = 0.0
    order = list(frame["row_label"])
    reach = max(float(frame["delta"].abs().max()), 0.5)
    beside = 14 * style.font_factor + max(
        text_px(labels.get("from_to") or "", style.label) * 1.1, *(text_px(text, style.label) for text in frame["from_to"])
    ) + 6
    fitting = width is not None
    width, row_lines = _fit_rows(order, style, width, style.px(440), beside)
    row_px = _row_px(row_lines, style, style.px(32))
    height = row_px * len(frame)
    # Leave room beyond the longest bar for its printed label: (R - reach) units >= label px.
    label_px = max(len(text) for text in frame["delta_text"]) * 0.7 * style.value + 10 * style.size_factor
    reach = reach / max(1 - 2 * label_px / width, 0.3)
    domain = [-reach, reach]

    x_scale = alt.Scale(domain=domain, nice=False, zero=True)
    x = alt.X(
        "delta:Q",
        scale=x_scale,
        axis=_axis(
            style,
            title=labels.get("x_title") or None,
            grid=True,
            format="+.1f",
            tickCount=5,
            labelExpr=f"datum.value == 0 ? '0' : replace(replace(datum.label, '.', '{decimal}'), '-', '\u2212')",
        ),
    )
    y = alt.Y(
        "row_label:N",
        sort=order,
        scale=alt.Scale(domain=order, paddingInner=0.35),
        axis=_axis(style, title=None, ticks=False, domain=False, **_label_lines_axis(row_lines, style)),
    )
    outcomes = [labels["better"], labels["worse"], labels["same"]]
    colour = alt.Color(
        "outcome_label:N",
        scale=alt.Scale(domain=outcomes, range=[BLUE, VERMILLION, "#8C8C8C"]),
        legend=_legend(
            style, title=None, symbolType="square",
            **_legend_fit(outcomes, style, width + beside if fitting else None, len(outcomes)),
        ),
    )
    tooltip = [
        alt.Tooltip("row_label:N", title=" "),
        alt.Tooltip("delta_text:N", title=" "),
        alt.Tooltip("from_to:N", title=" "),
    ]
    bars = (
        alt.Chart(frame, name="deltas")
        .mark_bar(cornerRadius=2)
        .encode(x=x, x2="zero:Q", y=y, color=colour, tooltip=tooltip)
    )
    zero = (
        alt.Chart(pd.DataFrame({"zero": [0.0]}), name="zero")
        .mark_rule(color=INK, strokeWidth=style.px(1.5))
        .encode(x=alt.X("zero:Q", scale=x_scale))
    )
    rising = frame[frame["delta"] >= 0]
    falling = frame[frame["delta"] < 0]
    texts = [
        alt.Chart(part, name=f"delta_labels_{align}")
        .mark_text(
            align=align, dx=dx * style.size_factor, fontSize=style.value, font=FONT, fontWeight="bold", color=INK
        )
        .encode(x=x, y=y, text="delta_text:N")
        for part, align, dx in [(rising, "left", 6), (falling, "right", -6)]
        if not part.empty
    ]
    from_to = (
        alt.Chart(frame, name="from_to")
        .mark_text(align="left", fontSize=style.label, font=FONT, color=MUTED)
        .encode(x=alt.value(width + 14 * style.font_factor), y=y, text="from_to:N")
    )
    layers = [bars, zero, *texts, from_to]
    if labels.get("from_to"):
        layers.append(
            alt.Chart(pd.DataFrame({"header": [labels["from_to"]]}), name="from_to_header")
            .mark_text(align="left", baseline="bottom", fontSize=style.label, font=FONT, color=MUTED, fontWeight="bold")
            .encode(x=alt.value(width + 14 * style.font_factor), y=alt.value(-6 * style.font_factor), text="header:N")
        )
    return alt.layer(*layers, title=_title(labels, style, width)).properties(
        width=width, height=height, view=alt.ViewBackground(stroke=None)
    )


# ---------------------------------------------------------------------------------------------
# small multiples
# ---------------------------------------------------------------------------------------------


def quarters_between(periods: Sequence[str]) -> list[str]:
    """Every quarter from the first to the last of `periods` ("2026-Q1" style); other period
    names are returned as given."""
    try:
        first, last = periods[0], periods[-1]
        index = [int(first[:4]) * 4 + int(first[-1]) - 1, int(last[:4]) * 4 + int(last[-1]) - 1]
        if not all(len(period) == 7 and period[4:6] == "-Q" for period in periods):
            raise ValueError(periods)
    except (IndexError, ValueError):
        return list(periods)
    return [f"{value // 4}-Q{value % 4 + 1}" for value in range(index[0], index[1] + 1)]


def small_multiples(
    history_df: pd.DataFrame,
    *,
    labels: Mapping[str, str],
    columns: int = 5,
    periods: Sequence[str] | None = None,
    big: bool = False,
    width: float | None = None,
) -> alt.FacetChart | alt.LayerChart:
    """One small line chart of the mean per item across quarters, y fixed on 1–5.

    Columns: item, title, period, mean; optional kind ("principle"/"blockade": colour + shape,
    because for a blockade higher is worse). The x axis holds every quarter from the first to
    the last (or `periods`), so a quarter without numbers shows as a gap, not as a smooth line.
    Labels: no_data, mean (y title); principle and blockade (legend entries, needed when kind
    is present); optional title, subtitle, decimal. `width`: the px the whole chart may take
    (fewer panels side by side); None for `columns` panels of their natural size.
    """
    style = Style(big)
    _require(labels, "no_data", "mean")
    frame = (history_df if history_df is not None else pd.DataFrame()).reset_index(drop=True).copy()
    frame["mean"] = _numbers(frame, "mean")
    frame = frame[frame["mean"].notna()] if not frame.empty else frame
    if frame.empty:
        return alt.layer(_no_data(labels, style, width=style.px(560), height=style.px(200)))

    decimal = _decimal(labels)
    frame["period"] = frame["period"].astype(str)
    periods = list(periods) if periods else quarters_between(sorted(frame["period"].unique()))
    panel_width = max(style.px(150 if not big else 170), len(periods) * 1.1 * style.label * 3)
    spacing = 22 * style.font_factor
    room = None if width is None else width - 2 * PADDING - (2 * style.label + 44 * style.font_factor)  # beside the y axis
    if room is not None:  # as many panels side by side as fit, each at least 3 characters per quarter
        narrowest = max(style.px(110), len(periods) * 3 * CHAR_WIDTH * style.label)
        columns = max(1, min(columns, int((room + spacing) // (narrowest + spacing))))
        panel_width = min(max(narrowest, (room - (columns - 1) * spacing) / columns), panel_width * 1.6)
    header_chars = 22 if room is None and not big else 18 if room is None else int(panel_width / (CHAR_WIDTH * style.label))
    frame["panel"] = [_wrap(label, header_chars) for label in _item_label(frame)]
    panels = list(dict.fromkeys(frame["panel"]))
    frame["mean_text"] = [format_number(value, decimal) for value in frame["mean"]]
    last = frame.sort_values("period").groupby("panel", sort=False).tail(1)
    frame["is_last"] = frame.index.isin(last.index)
    # A quarter without numbers (none held, or too few respondents) breaks the line.
    gaps = [
        {"panel": panel, "period": period, "mean": np.nan, "is_last": False, "kind": kinds_of.get(panel)}
        for kinds_of in [dict(zip(frame["panel"], frame["kind"])) if "kind" in frame else {}]
        for panel in panels
        for period in sorted(set(periods) - set(frame.loc[frame["panel"] == panel, "period"]))
    ]
    if gaps:
        frame = pd.concat([frame, pd.DataFrame(gaps)], ignore_index=True)

    has_kind = "kind" in frame and frame["kind"].notna().any()
    if has_kind:
        _require(labels, "principle", "blockade")
        frame["kind_label"] = frame["kind"].map({"principle": labels["principle"], "blockade": labels["blockade"]})
        kinds = [labels["principle"], labels["blockade"]]
        colour = alt.Color(
            "kind_label:N", scale=alt.Scale(domain=kinds, range=[BLUE, VERMILLION]),
            legend=_legend(style, title=None, **_legend_fit(kinds, style, None if room is None else room + spacing, 2)),
        )
        shape = alt.Shape("kind_label:N", scale=alt.Scale(domain=kinds, range=["circle", "square"]), legend=None)
    else:
        frame["kind_label"] = ""
        colour = alt.value(BLUE)
        shape = alt.value("circle")

    x = alt.X(
        "period:O",
        sort=periods,
        scale=alt.Scale(domain=periods, paddingOuter=0.35),
        axis=_axis(
            style, title=None, labelAngle=0, labelExpr=PERIOD_LABEL, labelLineHeight=style.label * 1.15, grid=False
        ),
    )
    y = alt.Y(
        "mean:Q",
        scale=alt.Scale(domain=[1, 5], nice=False, zero=False),
        axis=_axis(style, title=labels["mean"], values=list(SCORES), grid=True),
    )
    base = alt.Chart(frame)
    line = base.mark_line(strokeWidth=style.px(2.5)).encode(x=x, y=y, color=colour)
    points = base.mark_point(filled=True, size=style.area(60), opacity=1).encode(
        x=x,
        y=y,
        color=colour,
        shape=shape,
        tooltip=[
            alt.Tooltip("panel:N", title=" "),
            alt.Tooltip("period:N", title=" "),
            alt.Tooltip("mean_text:N", title=labels["mean"]),
        ],
    )
    value = (
        base.transform_filter(alt.datum.is_last)
        .mark_text(
            align="center",
            baseline="bottom",
            dy=-8 * style.size_factor,
            fontSize=style.label,
            font=FONT,
            fontWeight="bold",
            color=INK,
        )
        .encode(x=x, y=y, text="mean_text:N")
    )
    layered = alt.layer(line, points, value).properties(width=panel_width, height=style.px(120))
    return layered.facet(
        facet=alt.Facet(
            "panel:N",
            sort=panels,
            header=alt.Header(
                title=None,
                labelFontSize=style.label,
                labelFont=FONT,
                labelColor=INK,
                labelAnchor="start",
                labelAlign="left",
                labelExpr="split(datum.value, '\\n')",
                labelLineHeight=style.label * 1.2,
                labelPadding=6 * style.font_factor,
                labelFontWeight="bold",
            ),
        ),
        columns=columns,
        spacing={"row": 18 * style.font_factor, "column": spacing},
        title=_title(labels, style, width),
    )


# ---------------------------------------------------------------------------------------------
# heatmap
# ---------------------------------------------------------------------------------------------


def _heat_legend_title(title: str, *, width: float, style: Style) -> dict:
    """A legend title that is read in full: beside the gradient when it is short, otherwise
    above it in lines as wide as the panel (a blockade panel's title says its colours are
    reversed; cut off, it would not)."""
    characters = int(width / (style.label * 0.55))
    if len(title) * style.label * 0.55 <= LEGEND_TITLE_BESIDE:
        return {"title": title}
    lines = textwrap.wrap(title, width=max(characters, 20), break_long_words=False, break_on_hyphens=False)
    return {"title": lines, "titleOrient": "top", "titleAnchor": "start", "titleLimit": 1000}


def _heat_panels_fit(data: pd.DataFrame, items: Sequence[str], width: float, style: Style) -> bool:
    """Whether a principles panel and a blockades panel fit beside each other in `width` px with
    48 px cells: each panel repeats the team names."""
    names = max((text_px(team, style.label) for team in dict.fromkeys(data["team"])), default=0)
    needed = 2 * (names + 12 * style.font_factor + 2 * PADDING) + len(items) * style.px(48) + 28 * style.font_factor
    return needed <= width


def heatmap(
    frame: pd.DataFrame,
    *,
    labels: Mapping[str, str],
    item_order: Sequence[str] | None = None,
    kind_of: Mapping[str, str] | None = None,
    reverse_colours: bool = False,
    big: bool = False,
    width: float | None = None,
) -> alt.LayerChart | alt.HConcatChart | alt.VConcatChart:
    """Teams × items: the mean as a viridis cell colour with the value printed in every cell.

    Columns: team, item, mean; optional title (tooltip), suppressed (no colour; the cell
    shows "–", and a team without any number gets labels["suppressed"] once across its row).
    `item_order` fixes the column order (e.g. framework.item_ids). Labels: no_data, mean
    (legend title); optional suppressed, title, subtitle, decimal, heat_principle and
    heat_blockade (legend titles of the two panels). `width`: the px the whole chart may take
    (narrower cells, or the items in blocks one under the other); None for its natural size.

    With `kind_of` (item -> "principle"/"blockade") blockades get their own panel with the
    colours reversed, so bright always means good: a principle done fully, a blockade that
    hardly stands in the way. `reverse_colours` draws one panel that way. With a `width` the
    two panels stand one under the other, each as wide as the page allows.
    """
    style = Style(big)
    _require(labels, "no_data", "mean")
    data = (frame if frame is not None else pd.DataFrame()).reset_index(drop=True).copy()
    if kind_of and not data.empty and "item" in data:
        kinds = data["item"].map(kind_of)
        if (kinds == "blockade").any():
            order = list(item_order or dict.fromkeys(data["item"]))
            # Side by side when both panels fit at their natural size, else one under the other.
            beside = width is None or _heat_panels_fit(data, order, width, style)
            panel_width = None if beside else width
            panels = []
            for kind in ("principle", "blockade"):
                part = data[kinds == kind]
                if part.empty:
                    continue
                panels.append(_own_view_names(heatmap(
                    part, labels={**labels, "mean": labels.get(f"heat_{kind}", labels["mean"]), "title": "", "subtitle": ""},
                    item_order=[item for item in order if kind_of.get(item) == kind], reverse_colours=kind == "blockade", big=big,
                    width=panel_width,
                ), kind))
            if len(panels) == 1:
                return panels[0]
            concat = alt.hconcat if beside else alt.vconcat
            return concat(*panels, spacing=28 * style.font_factor, title=_title(labels, style, width)).resolve_scale(color="independent")
    if data.empty or not {"team", "item"} <= set(data):
        return alt.layer(_no_data(labels, style, width=style.px(560), height=style.px(200)))
    data["mean"] = _numbers(data, "mean")
    if "suppressed" in data:
        hidden = data["suppressed"].map(lambda value: value is True or (not pd.isna(value) and bool(value)))
        data.loc[hidden, "mean"] = np.nan
    if data["mean"].isna().all() and "suppressed" not in data:
        return alt.layer(_no_data(labels, style, width=style.px(560), height=style.px(200)))

    decimal = _decimal(labels)
    items = [item for item in (item_order or []) if item in set(data["item"])] or list(dict.fromkeys(data["item"]))
    teams = list(dict.fromkeys(data["team"]))
    data["item"] = data["item"].astype(str)
    data["value_text"] = [format_number(value, decimal) if pd.notna(value) else "–" for value in data["mean"]]
    # viridis is dark at the low end (the high end when reversed): white text there, black elsewhere.
    dark_cells = data["mean"].fillna(3) > 3.3 if reverse_colours else data["mean"].fillna(5) < 2.7
    data["text_colour"] = np.where(dark_cells, "light", "dark")
    # A team without any number gets one note across its row instead of a dash per cell.
    silent = data.groupby("team")["mean"].transform(lambda values: values.isna().all())
    notes = pd.DataFrame({"team": list(dict.fromkeys(data.loc[silent, "team"]))})
    notes["note"] = labels.get("suppressed", "–")
    data["tooltip_title"] = data["title"].astype(str) if "title" in data else data["item"]
    cell = style.px(48)
    legend_length = style.px(220)
    team_limit = 1000  # px of a team's name; a longer one ends in "…" (the tooltip and the table hold it whole)
    if width is not None:
        team_limit = max(120, 0.45 * width)
        room = width - 2 * PADDING - min(team_limit, max(text_px(team, style.label) for team in teams)) - 12 * style.font_factor
        per_row = max(1, int(room // style.px(34)))  # a cell still holds "3,4"
        if per_row < len(items):
            blocks = [items[start:start + per_row] for start in range(0, len(items), per_row)]
            untitled = {key: value for key, value in labels.items() if key not in ("title", "subtitle")}
            return alt.vconcat(
                *[
                    heatmap(frame[frame["item"].astype(str).isin(block)], labels=labels if number == 0 else untitled,
                            item_order=block, reverse_colours=reverse_colours, big=big, width=width)
                    for number, block in enumerate(blocks)
                ],
                spacing=16 * style.font_factor,
            ).resolve_scale(color="shared")
        cell = min(cell, room / len(items))
        legend_length = max(60, min(legend_length, room - text_px(labels["mean"], style.label) - 40))
    x = alt.X(
        "item:N",
        sort=items,
        scale=alt.Scale(domain=items),
        axis=_axis(style, title=None, orient="top", labelAngle=0, ticks=False, domain=False),
    )
    y = alt.Y(
        "team:N", sort=teams, scale=alt.Scale(domain=teams),
        axis=_axis(style, title=None, ticks=False, domain=False, labelLimit=team_limit),
    )
    background = (
        alt.Chart(data, name="cells_empty")
        .mark_rect(color="#F2F2F2", stroke="#FFFFFF", strokeWidth=style.px(2))
        .encode(x=x, y=y)
    )
    cells = (
        alt.Chart(data[data["mean"].notna()], name="cells")
        .mark_rect(stroke="#FFFFFF", strokeWidth=style.px(2))
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "mean:Q",
                scale=alt.Scale(scheme="viridis", domain=[1, 5], reverse=reverse_colours),
                legend=_legend(
                    style,
                    **_heat_legend_title(labels["mean"], width=max(cell * len(items), legend_length), style=style),
                    gradientLength=legend_length,
                    gradientThickness=style.px(14),
                    values=list(SCORES),
                    format="d",
                ),
            ),
            tooltip=[
                alt.Tooltip("team:N", title=" "),
                alt.Tooltip("tooltip_title:N", title=" "),
                alt.Tooltip("value_text:N", title=labels["mean"]),
            ],
        )
    )
    text = (
        alt.Chart(data[~silent], name="values")
        .mark_text(fontSize=style.label, font=FONT)
        .encode(
            x=x,
            y=y,
            text="value_text:N",
            color=alt.condition("datum.text_colour == 'light'", alt.value("#FFFFFF"), alt.value(BLACK)),
        )
    )
    layers = [background, cells, text]
    if not notes.empty:
        layers.append(
            alt.Chart(notes, name="notes")
            .mark_text(fontSize=style.label, font=FONT, color=MUTED, fontStyle="italic")
            .encode(x=alt.value(cell * len(items) / 2), y=y, text="note:N")
        )
    return alt.layer(*layers, title=_title(labels, style, width)).properties(
        width=cell * len(items), height=cell * len(teams), view=alt.ViewBackground(stroke=None)
    )


# ---------------------------------------------------------------------------------------------
# two perspectives: the team and residents
# ---------------------------------------------------------------------------------------------

PERSPECTIVE_BLOCK = 3.3  # y units per principle: its title line, the team row, the residents row


def perspectives_chart(
    frame_df: pd.DataFrame, *, labels: Mapping[str, str], big: bool = False, width: float | None = None
) -> alt.LayerChart:
    """Per principle a small block: its title, then the team's median on one line and the
    residents' median on the line below, each as a labelled mark on a 1–5 track, and the
    difference (residents − team) printed at the right.

    Columns: item, title, team_median, residents_median; optional difference (computed when
    absent). Labels: no_data, team, residents (row names and legend entries), difference (header
    of the printed differences); optional missing (printed where a median is missing), x_title,
    title, subtitle, decimal. The team is a blue
    circle, residents a vermillion square: shape, row name and printed value say the same as
    the colour. `width`: the px the whole chart may take; None for its natural size.
    """
    style = Style(big)
    _require(labels, "no_data", "team", "residents", "difference")
    frame = (frame_df if frame_df is not None else pd.DataFrame()).reset_index(drop=True).copy()
    if frame.empty or (_numbers(frame, "team_median").isna().all() and _numbers(frame, "residents_median").isna().all()):
        return alt.layer(_no_data(labels, style, width=style.px(520), height=style.px(200)))

    decimal = _decimal(labels)
    frame["team_median"] = _numbers(frame, "team_median")
    frame["residents_median"] = _numbers(frame, "residents_median")
    frame["difference"] = (
        _numbers(frame, "difference")
        if "difference" in frame and _numbers(frame, "difference").notna().any()
        else frame["residents_median"] - frame["team_median"]
    )
    frame["block"] = np.arange(len(frame)) * PERSPECTIVE_BLOCK
    frame["heading"] = _item_label(frame)

    series = [labels["team"], labels["residents"]]
    rows = []
    for _, record in frame.iterrows():
        for offset, (column, name) in enumerate(zip(["team_median", "residents_median"], series), start=1):
            value = record[column]
            rows.append(
                {
                    "y": record["block"] + offset,
                    "series": name,
                    "heading": record["heading"],
                    "value": value,
                    "value_text": format_number(value, decimal),
                }
            )
    long = pd.DataFrame(rows)
    top, bottom = -0.75, float(frame["block"].max()) + 2.75
    row_px = style.px(27)
    height = (bottom - top) * row_px
    beside = 14 * style.font_factor + max(text_px(_wrap(labels["difference"], 12), style.label), text_px("+0,0", style.value)) + 6
    fitting = width is not None
    width, _ = _fit_rows(series, style, width, style.px(460), beside)
    x_scale, x, y_scale, y = _score_track_axes(style, labels, long, "series", top, bottom)
    series_scale = alt.Scale(domain=series, range=[BLUE, VERMILLION])
    colour = alt.Color(
        "series:N", scale=series_scale,
        legend=_legend(style, title=None, **_legend_fit(series, style, width + beside if fitting else None, 2)),
    )
    shape = alt.Shape("series:N", scale=alt.Scale(domain=series, range=["circle", "square"]), legend=None)

    blocks = frame.assign(y=frame["block"] - 0.55, y2=frame["block"] + 2.55)
    block_layer = (
        alt.Chart(blocks[["y", "y2"]], name="principle_blocks")
        .mark_rect(color="#F5F5F5", cornerRadius=4)
        .encode(y=alt.Y("y:Q", scale=y_scale), y2="y2:Q", x=alt.value(0), x2=alt.value(width))
    )
    heading_layer = (
        alt.Chart(frame[["block", "heading"]], name="principle_titles")
        .mark_text(
            align="left", baseline="middle", dx=6 * style.font_factor, fontSize=style.label, font=FONT, fontWeight="bold", color=INK,
            limit=width - 8 * style.font_factor if fitting else 0,  # the full title is in the tooltip and the table
        )
        .encode(x=alt.value(0), y=alt.Y("block:Q", scale=y_scale), text="heading:N", tooltip=alt.Tooltip("heading:N", title=" "))
    )
    valued = long[long["value"].notna()]
    track_layer = (
        alt.Chart(valued.assign(start=1.0), name="tracks")
        .mark_rule(strokeWidth=style.px(3), opacity=0.45)
        .encode(x=alt.X("start:Q", scale=x_scale), x2="value:Q", y=y, color=alt.Color("series:N", scale=series_scale, legend=None))
    )
    point_layer, value_layer = _median_marks(
        valued, x, y, colour, shape, style, ["heading:N", "series:N", "value_text:N"]
    )
    missing = long[long["value"].isna()].assign(start=1.0, text=labels.get("missing") or "\u2014")
    missing_layer = (
        alt.Chart(missing[["start", "y", "text"]], name="missing")
        .mark_text(align="left", fontSize=style.label, font=FONT, fontStyle="italic", color=MUTED)
        .encode(x=alt.X("start:Q", scale=x_scale), y=y, text="text:N")
    )
    # The difference, right of the plot between the two rows it compares, under a header.
    value_x = width + 14 * style.font_factor
    differences = frame.assign(
        y=frame["block"] + 1.5, text=[format_number(value, decimal, sign=True) for value in frame["difference"]]
    )
    difference_layer = (
        alt.Chart(differences[["y", "text"]], name="differences")
        .mark_text(align="left", baseline="middle", fontSize=style.value, font=FONT, fontWeight="bold", color=INK)
        .encode(x=alt.value(value_x), y=alt.Y("y:Q", scale=y_scale), text="text:N")
    )
    header_layer = (
        alt.Chart(pd.DataFrame({"header": [_wrap(labels["difference"], 12)]}), name="difference_header")
        .mark_text(align="left", baseline="bottom", fontSize=style.label, font=FONT, color=MUTED, lineBreak="\n")
        .encode(x=alt.value(value_x), y=alt.value(-4 * style.font_factor), text="header:N")
    )
    return alt.layer(
        block_layer, heading_layer, track_layer, point_layer, value_layer, missing_layer, difference_layer, header_layer,
        title=_title(labels, style, width),
    ).properties(
        width=width,
        height=height,
        view=alt.ViewBackground(stroke=None),
        # "pad": the plot keeps its width and the row names and differences come around it (a
        # viewer that fits the whole chart into `width` would squeeze the 1–5 track instead).
        autosize=alt.AutoSizeParams(type="pad", contains="padding"),
    )
