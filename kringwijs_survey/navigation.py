"""The registry of pages: every page the app can show, and who may open it."""

from __future__ import annotations

from dataclasses import dataclass

EVERYONE = "everyone"


@dataclass(frozen=True)
class PageSpec:
    path: str
    url_path: str
    title_key: str
    icon: str
    section_key: str
    roles: tuple[str, ...] = (EVERYONE,)
    default: bool = False


PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/welcome.py", "welkom", "nav.welcome", ":material/home:", "nav.section.start", default=True),
    PageSpec("pages/principles.py", "beginselen", "nav.principles", ":material/menu_book:", "nav.section.start"),
)


def page_for(path: str) -> PageSpec:
    return next(spec for spec in PAGES if spec.path == path)
