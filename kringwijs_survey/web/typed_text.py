"""The one way to show text people typed (team names, areas, comments, notes, actions, messages
to the organisation, workshop and group names): exactly as typed, on every screen.

Streamlit's markdown (st.markdown, st.title, st.caption, alerts, widget labels, radio options)
turns URLs, `www.`, e-mail addresses, `<https://…>`, `:material/x:`, `->`, `$x$` and `:red[…]`
into links, icons, arrows, formulas and colours, and backslash escapes do not stop its
autolinks (they run after parsing). So typed text never goes through markdown here: it is
HTML-escaped into a fixed element and shown with `st.html`, which does not parse markdown (and
sanitises HTML on top). `white-space: pre-wrap` keeps line breaks and spaces; `overflow-wrap:
anywhere` wraps a 300-character word instead of running off a phone screen.

Interface texts from the locale files that hold a typed value (`sentence`) keep the little
formatting they use (**bold**, *italic*, paragraphs); the values go in afterwards, escaped, so
they are never read as formatting.
"""

from __future__ import annotations

import html
import re
import string
from collections.abc import Mapping

import streamlit as st

_KEEP = "margin:0;white-space:pre-wrap;overflow-wrap:anywhere;word-break:normal"

# kind -> (tag, extra style). Sizes follow Streamlit's own title, header, subheader and caption;
# colours have a contrast of at least 7:1 on their background.
_KINDS = {
    "title": ("h1", "font-size:2.75rem;font-weight:700;line-height:1.2;padding:1.25rem 0 1rem 0"),
    "header": ("h2", "font-size:2.25rem;font-weight:600;line-height:1.2;padding:1rem 0"),
    "subheader": ("h3", "font-size:1.75rem;font-weight:600;line-height:1.2;padding:0.75rem 0 1rem 0"),
    "text": ("p", "font-size:1rem;line-height:1.6"),
    "strong": ("p", "font-size:1rem;line-height:1.6;font-weight:700"),
    "caption": ("p", "font-size:0.875rem;line-height:1.6;color:#4d4d4d"),
    "success": ("div", "padding:1rem;border-radius:0.5rem;background:#e6f4ee;color:#0b523e"),
    "warning": ("div", "padding:1rem;border-radius:0.5rem;background:#fffae5;color:#5c4300"),
    "error": ("div", "padding:1rem;border-radius:0.5rem;background:#fff1f2;color:#8a1f2c"),
}
_ROLES = {"success": "status", "warning": "alert", "error": "alert"}
KINDS = tuple(_KINDS)


def escape(text: object) -> str:
    """Typed text as HTML text: every `<`, `>`, `&` and quote escaped, nothing else changed."""
    return html.escape("" if text is None else str(text), quote=True)


def _element(inner_html: str, kind: str, tag: str | None = None) -> str:
    own_tag, style = _KINDS[kind]
    tag = tag or own_tag
    role = f' role="{_ROLES[kind]}"' if kind in _ROLES else ""
    return f'<{tag} class="kw-typed kw-typed-{kind}"{role} style="{_KEEP};{style}">{inner_html}</{tag}>'


def as_html(text: object, kind: str = "text") -> str:
    """One piece of typed text in its fixed element (pure: for the tests and for `show`)."""
    return _element(escape(text), kind)


# Placeholders for values while the locale text's own formatting is turned into HTML: characters
# from the Private Use Area, which no locale text holds (the values go in only afterwards).
_SLOT = 0xE000
_BOLD = re.compile(r"\*\*(.+?)\*\*", re.DOTALL)
_ITALIC = re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", re.DOTALL)
_PARAGRAPHS = re.compile(r"\n[ \t]*\n")


def sentence_html(template: str, values: Mapping[str, object], kind: str = "text") -> str:
    """A locale text with `{name}` slots filled with typed values.

    The template's **bold**, *italic* and blank-line paragraphs become HTML; everything else in
    it is shown as written. Each value is formatted (with the slot's format spec), escaped and
    put in last, so no value can add formatting, a link or an element."""
    filled: list[str] = []
    slots: list[str] = []
    for literal, field, spec, conversion in string.Formatter().parse(template):
        filled.append(escape(literal))
        if field is None:
            continue
        value = values[field]
        if conversion:
            value = {"r": repr, "s": str, "a": ascii}[conversion](value)
        filled.append(chr(_SLOT + len(slots)))
        slots.append(escape(format(value, spec or "")))
    text = _ITALIC.sub(r"<em>\1</em>", _BOLD.sub(r"<strong>\1</strong>", "".join(filled).strip()))
    paragraphs = [" ".join(part.split("\n")) for part in _PARAGRAPHS.split(text)]
    if len(paragraphs) > 1:
        body = "".join(f'<p style="margin:0 0 1rem 0">{part}</p>' for part in paragraphs)
        result = _element(body, kind, tag="div")
    else:
        result = _element(paragraphs[0], kind)
    if not slots:
        return result
    # One pass, so a value that itself holds such a character is never filled in again.
    slot = re.compile(f"[{chr(_SLOT)}-{chr(_SLOT + len(slots) - 1)}]")
    return slot.sub(lambda found: slots[ord(found.group()) - _SLOT], result)


def show(text: object, kind: str = "text") -> None:
    """Show typed text exactly as typed. kind: title, header, subheader, text, strong, caption,
    success, warning or error."""
    st.html(as_html(text, kind))


def sentence(template: str, kind: str = "text", **values: object) -> None:
    """Show a locale text (already looked up, not yet filled in) with typed values in its slots."""
    st.html(sentence_html(template, values, kind))
