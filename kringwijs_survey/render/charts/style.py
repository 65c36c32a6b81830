"""Colours, type, the Style of a chart size, label fitting and wrapping, axes, legends, titles, and
turning a chart into PNG/SVG: what every chart family shares.

The chart modules of this package use it as `shared` (`from ... import style as shared`; a builder's
own `style` is its Style). Names with a leading underscore are for those modules only; the rest of
the app takes what it needs from the package (`kringwijs_survey.render.charts`)."""

from __future__ import annotations

import functools
import json
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import altair as alt
import numpy as np
import pandas as pd
import vl_convert as vlc
from altair.utils import schemapi
from PIL import ImageFont

# Altair turns every encoding given as text ("x:Q") into its class through a table of all its ~570
# schema classes, and builds that table anew each time, writing every class's schema out as JSON to
# hash it: about half the time of building a chart (vega/altair#3547, not released). The classes do
# not change once Altair is imported, so one table per kind of schema serves every chart. The
# charts' specs are the same with and without it (tests/test_chart_fit.py compares them with
# ALTAIR_OWN_FROM_DICT, kept once even if this module is loaded again).
ALTAIR_OWN_FROM_DICT = schemapi.__dict__.setdefault("_altair_own_from_dict", schemapi.SchemaBase.__dict__["from_dict"])
_SCHEMA_TABLES: dict[object, schemapi._FromDict] = {}


@classmethod
def _from_dict_with_one_table(cls, dct, validate=True):
    if validate:
        cls.validate(dct)
    kind = cls._default_wrapper_classes.__func__
    table = _SCHEMA_TABLES.get(kind) or _SCHEMA_TABLES.setdefault(kind, schemapi._FromDict(cls._default_wrapper_classes()))
    return table.from_dict(dct, cls)


schemapi.SchemaBase.from_dict = _from_dict_with_one_table
# Altair also checks every part of a chart against the schema as it is made ("debug mode"): a
# seventh of the time of building the charts of the results and manager pages. The specs are the
# same without it; the tests check every chart builder's whole spec against the schema
# (tests/test_charts.py) and compare the specs with the check on (tests/test_chart_fit.py).
schemapi.disable_debug_mode()

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
    return _text_px(str(text), size)


@functools.lru_cache(maxsize=4096)  # fitting a chart measures the same labels at many sizes
def _text_px(text: str, size: float) -> float:
    lines = text.split("\n")
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


def _guide_text(style: Style) -> dict:
    """The type of the labels and titles of axes and legends."""
    return dict(
        labelFontSize=style.label,
        titleFontSize=style.label,
        labelFont=FONT,
        titleFont=FONT,
        labelColor=INK,
        titleColor=INK,
        titleFontWeight="normal",
        labelLimit=1000,
    )


def _axis(style: Style, **kwargs) -> alt.Axis:
    settings = dict(
        **_guide_text(style),
        domainColor=MUTED,
        tickColor=MUTED,
        gridColor=FAINT,
        titlePadding=10 * style.font_factor,
        labelPadding=6 * style.font_factor,
    )
    settings.update(kwargs)
    return alt.Axis(**settings)


def _legend(style: Style, **kwargs) -> alt.Legend:
    settings = dict(
        orient="bottom",
        direction="horizontal",
        **_guide_text(style),
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
    browser. An SVG does not describe each mark by its field names ("row_label: …") to screen readers.
    Altair's schema check is skipped (it took half the time of a chart's PNG): the tests check every
    chart builder's spec against the schema."""
    if fmt not in ("png", "svg"):
        raise ValueError(f"fmt must be 'png' or 'svg', not {fmt!r}")
    spec = json.dumps(without_mark_descriptions(chart if isinstance(chart, dict) else chart.to_dict(validate=False)))
    return _rendered(spec, fmt, scale)


# The same chart is often asked for again (the projector's summary and its PDF, a report after
# its page). The key is the whole spec, data included, so a hit only ever returns the picture of
# exactly what the caller already holds; 64 pictures are a few megabytes at most.
@functools.lru_cache(maxsize=64)
def _rendered(spec: str, fmt: str, scale: float) -> bytes:
    if fmt == "png":
        return vlc.vegalite_to_png(spec, scale=scale)
    return vlc.vegalite_to_svg(spec).encode("utf-8")


