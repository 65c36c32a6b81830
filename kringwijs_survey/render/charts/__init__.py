"""Chart builders: a DataFrame in, an Altair chart out. No Streamlit, no SQL, no words of its own.

One module per chart family; this package names the builders and the shared pieces callers use.

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

from kringwijs_survey.render.charts.changes import (  # noqa: F401
    changes_chart,
)
from kringwijs_survey.render.charts.distribution import (  # noqa: F401
    distribution,
)
from kringwijs_survey.render.charts.heatmap import (  # noqa: F401
    heatmap,
)
from kringwijs_survey.render.charts.history import (  # noqa: F401
    quarters_between,
    small_multiples,
)
from kringwijs_survey.render.charts.member_dots import (  # noqa: F401
    member_dots,
    member_positions,
)
from kringwijs_survey.render.charts.organisation import (  # noqa: F401
    TEAM_GREY,
    natural_size,
    pressure_chart,
    team_spread_chart,
    trend_chart,
)
from kringwijs_survey.render.charts.pairs import (  # noqa: F401
    blockade_pairs_chart,
)
from kringwijs_survey.render.charts.perspectives import (  # noqa: F401
    PERSPECTIVE_BLOCK,
    perspectives_chart,
)
from kringwijs_survey.render.charts.radar import (  # noqa: F401
    RADAR_CIRCLE_STEPS,
    RADAR_DOMAIN,
    RADAR_LABEL_RADIUS,
    RADAR_MAX,
    RADAR_MIN_UNIT,
    radar,
    radar_polygon,
)
from kringwijs_survey.render.charts.style import (  # noqa: F401
    BLACK,
    BLUE,
    BOLD_WIDTH,
    CHAR_WIDTH,
    DONT_KNOW_COLOUR,
    FAINT,
    FONT,
    FONT_FILE,
    GHOST,
    GLYPHS,
    GRID,
    INK,
    LEGEND_TITLE_BESIDE,
    MUTED,
    NARROWEST_PLOT,
    PADDING,
    PERIOD_LABEL,
    SCORE_COLOURS,
    SCORE_TEXT,
    VERMILLION,
    VERTICAL_BAR,
    Style,
    chart_image,
    text_px,
    without_mark_descriptions,
)
