"""Constant CSS only (never text a person typed): tables, touch targets, print."""

from __future__ import annotations

import streamlit as st

# Constant CSS only: a table's own "Download as CSV" writes typed text unprotected (a team named
# =HYPERLINK(…) would run in a spreadsheet); the app's CSV and XLSX downloads are protected.
TABLE_CSS = """<style>
[data-testid="stElementToolbar"] button[aria-label="Download as CSV"] { display: none !important; }
</style>"""

# Constant CSS only (never text a person typed): bigger touch targets for phones and tablets.
TOUCH_CSS = """<style>
[data-testid="stMain"] [data-testid="stRadioOption"] { min-height: 44px; align-items: center; padding: 4px 0; }
[data-testid="stMain"] button { min-height: 44px; }
[data-testid="stMain"] [data-testid="stCheckbox"] label { min-height: 44px; align-items: center; }
[data-testid="stMain"] [data-testid="stExpander"] summary { min-height: 44px; }
/* A form's send button stays in sight at the bottom of a phone while its form is on screen.
   (Sticky moves only inside its parent: for a row of buttons that is the row's layout wrapper.) */
[data-testid="stForm"] [data-testid="stElementContainer"]:has([data-testid="stFormSubmitButton"]),
[data-testid="stForm"] [data-testid="stLayoutWrapper"]:has(> [data-testid="stHorizontalBlock"] [data-testid="stFormSubmitButton"]) {
  position: sticky; bottom: 0; z-index: 3; background: #ffffff; padding: 6px 0;
}
</style>"""


def touch_friendly() -> None:
    """Touch targets of at least 44 by 44 pixels (WCAG 2.5.5) on the pages people use on a phone."""
    st.html(TOUCH_CSS)

# Constant CSS only: the printed results are the page itself, without the app around it.
PRINT_CSS = """<style>


@media print {
  @page { size: A4 portrait; margin: 14mm; }
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"],
  [data-testid="stDecoration"], [data-testid="stSidebarCollapsedControl"],
  [data-testid="stElementToolbar"], [data-testid="stMain"] button, [data-testid="stMain"] [data-testid="stCheckbox"],
  [data-testid="stMain"] [data-baseweb="select"], [data-testid="stMain"] [data-testid="stToggle"] { display: none !important; }
  [data-testid="stMain"] { padding: 0 !important; }
  [data-testid="stMainBlockContainer"] { max-width: 100% !important; padding: 0 !important; }
  [data-testid="stVegaLiteChart"], [data-testid="stExpander"] { break-inside: avoid; }
  h1, h2, h3 { break-after: avoid; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
</style>"""


def print_friendly() -> None:
    """Results laid out for A4 paper, for teams that talk on paper."""
    st.html(PRINT_CSS)
