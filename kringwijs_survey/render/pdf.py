"""The one PDF builder: A4 in DejaVu Sans (accents, curly quotes and "·" print as they are),
headings with bookmarks, paragraphs, tables and charts (PNG from charts.chart_image). Used by
the team report, the organisation report and the workshop summary."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import altair as alt

from kringwijs_survey.core.validation import InvalidInput
from kringwijs_survey.render import charts

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf"}


def _font_paths() -> dict[str, Path]:
    paths = {style: FONT_DIR / name for style, name in FONT_FILES.items()}
    missing = [str(path) for path in paths.values() if not path.exists()]
    if missing:
        raise InvalidInput("error.no_font")
    return paths


class Report:
    """A small A4 layout on top of fpdf2: headings with bookmarks, paragraphs, tables, images."""

    MARGIN = 18.0
    BODY = 10.5

    def __init__(self, title: str, lang: str) -> None:
        from fpdf import FPDF

        footer_text = title

        class Document(FPDF):
            def footer(self) -> None:
                self.set_y(-12)
                self.set_font("DejaVu", "", 8)
                self.set_text_color(90, 90, 90)
                self.cell(0, 6, f"{footer_text} · {self.page_no()}/{{nb}}", align="C")

        self.lang = lang
        self.pdf = Document(format="A4", unit="mm")
        for style, path in _font_paths().items():
            self.pdf.add_font("DejaVu", style, str(path))
        self.pdf.set_margins(self.MARGIN, self.MARGIN, self.MARGIN)
        self.pdf.set_auto_page_break(True, margin=self.MARGIN)
        self.pdf.set_title(title)
        self.pdf.set_lang(lang)
        self.pdf.set_creator("Kringwijs – Verklaring van Eindhoven")
        self.pdf.add_page()
        self.pdf.set_text_color(26, 26, 26)

    @property
    def width(self) -> float:
        return self.pdf.epw

    def title(self, text: str, subtitle: str | None = None) -> None:
        self.pdf.set_font("DejaVu", "B", 20)
        self.pdf.multi_cell(0, 9, text, align="L", new_x="LMARGIN", new_y="NEXT")
        if subtitle:
            self.pdf.set_font("DejaVu", "", 12)
            self.pdf.set_text_color(77, 77, 77)
            self.pdf.multi_cell(0, 6.5, subtitle, align="L", new_x="LMARGIN", new_y="NEXT")
            self.pdf.set_text_color(26, 26, 26)
        self.pdf.ln(3)

    def heading(self, text: str, level: int = 0, *, new_page: bool = False, keep: float = 40) -> None:
        if new_page:
            self.pdf.add_page()
        elif self.pdf.get_y() + keep > self.pdf.page_break_trigger:
            self.pdf.add_page()
        self.pdf.start_section(text, level=level)
        size = self._heading_size(level)
        self.pdf.set_font("DejaVu", "B", size)
        self.pdf.ln(self._heading_space(level))
        self.pdf.multi_cell(0, size * 0.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(1.5)

    @staticmethod
    def _heading_size(level: int) -> float:
        return 15 if level == 0 else 12

    @staticmethod
    def _heading_space(level: int) -> float:
        return 2 if level else 3

    def _heading_height(self, text: str, level: int) -> float:
        """How much of the page heading() takes (measured without writing)."""
        size = self._heading_size(level)
        self.pdf.set_font("DejaVu", "B", size)
        lines = self.pdf.multi_cell(0, size * 0.5, text, dry_run=True, output="HEIGHT")
        return self._heading_space(level) + lines + 1.5

    def _paragraph_height(self, text: str, *, markdown: bool = False) -> float:
        """How much of the page paragraph() takes in body type (measured without writing)."""
        self.pdf.set_font("DejaVu", "", self.BODY)
        return self.pdf.multi_cell(0, self.BODY * 0.52, text, dry_run=True, output="HEIGHT", markdown=markdown) + 1.2

    def paragraph(
        self, text: str, *, size: float | None = None, style: str = "", colour: tuple[int, int, int] = (26, 26, 26),
        markdown: bool = False,
    ) -> None:
        """A paragraph; markdown=True only for our own texts (their **bold**), never for what
        people typed."""
        self.pdf.set_font("DejaVu", style, size or self.BODY)
        self.pdf.set_text_color(*colour)
        self.pdf.multi_cell(0, (size or self.BODY) * 0.52, text, align="L", new_x="LMARGIN", new_y="NEXT", markdown=markdown)
        self.pdf.set_text_color(26, 26, 26)
        self.pdf.ln(1.2)

    def bullets(self, lines: Sequence[str]) -> None:
        for line in lines:
            self.paragraph(f"•  {line}")

    def _size(self, png: bytes, max_width: float | None, max_height: float) -> tuple[float, float]:
        from PIL import Image

        with Image.open(io.BytesIO(png)) as picture:
            pixels_w, pixels_h = picture.size
        width = min(max_width or self.width, self.width)
        height = width * pixels_h / pixels_w
        if height > max_height:
            height, width = max_height, max_height * pixels_w / pixels_h
        return width, height

    def image(self, png: bytes, alt_text: str, *, max_width: float | None = None, max_height: float = 235) -> None:
        from PIL import Image

        width, height = self._size(png, max_width, max_height)
        if self.pdf.get_y() + height > self.pdf.page_break_trigger:
            self.pdf.add_page()
        with Image.open(io.BytesIO(png)) as picture:
            # Flattened on white: a transparent PNG prints with a grey haze in some viewers.
            flat = Image.new("RGB", picture.size, "white")
            flat.paste(picture, mask=picture.convert("RGBA").getchannel("A"))
        self.pdf.image(flat, x=self.pdf.l_margin, w=width, h=height, alt_text=alt_text)
        self.pdf.ln(3)

    def chart_section(
        self, title: str, intro: str | None, chart: alt.TopLevelMixin, alt_text: str, *,
        max_width: float | None = None, max_height: float = 235, level: int = 0,
    ) -> None:
        """A heading, an introduction and a chart, kept together on one page: a chart too tall to
        fit under its heading and introduction on a fresh page is made smaller (it used to go to
        the next page on its own, leaving the heading alone on a page)."""
        png = charts.chart_image(chart, "png", scale=2)
        above = self._heading_height(title, level) + (self._paragraph_height(intro, markdown=True) if intro else 0)
        fresh_page = self.pdf.page_break_trigger - self.pdf.t_margin
        _, height = self._size(png, max_width, min(max_height, fresh_page - above - 1))
        self.heading(title, level, keep=above + height)
        if intro:
            self.paragraph(intro, markdown=True)
        self.image(png, alt_text, max_width=max_width, max_height=height)

    def table(
        self, headers: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float],
        align: Sequence[str] | None = None, *, size: float = 9,
    ) -> None:
        if not rows:
            return
        from fpdf.fonts import FontFace

        self.pdf.set_font("DejaVu", "", size)
        with self.pdf.table(
            headings_style=FontFace(emphasis="BOLD", size_pt=size - 0.5),
            col_widths=tuple(widths),
            text_align=tuple(align or ["LEFT"] * len(headers)),
            line_height=4.6,
            borders_layout="HORIZONTAL_LINES",
            width=self.width,
            padding=(1.2, 1.5),
            first_row_as_headings=True,
            repeat_headings=1,
        ) as table:
            row = table.row()
            for header in headers:
                row.cell(str(header))
            for values in rows:
                row = table.row()
                for value in values:
                    row.cell("" if value is None else str(value))
        self.pdf.ln(4)

    def output(self) -> bytes:
        return bytes(self.pdf.output())
