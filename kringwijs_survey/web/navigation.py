"""The registry of pages: every page the app can show, and who may open it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kringwijs_survey.core.settings import REPO_ROOT

EVERYONE = "everyone"


@dataclass(frozen=True)
class PageSpec:
    """url_path equals the file's stem: on the first request after a start Streamlit may still
    route by file name (pages/ folder), and both routes must lead to the same page."""

    path: str
    url_path: str
    title_key: str
    icon: str
    section_key: str
    roles: tuple[str, ...] = (EVERYONE,)
    default: bool = False
    # A participant's questionnaire page: only participants of a round with this audience
    # ("team" or "residents") may answer there (guard.guard_page refuses the others).
    audience: str | None = None


PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/welcome.py", "welcome", "nav.welcome", ":material/home:", "nav.section.start", default=True),
    PageSpec("pages/principles.py", "principles", "nav.principles", ":material/menu_book:", "nav.section.start"),
    PageSpec("pages/join.py", "join", "nav.join", ":material/edit_note:", "nav.section.start", audience="team"),
    PageSpec("pages/residents.py", "residents", "residents.nav", ":material/sentiment_satisfied:", "nav.section.start", audience="residents"),
    PageSpec("pages/login.py", "login", "nav.login", ":material/login:", "nav.section.start"),
    PageSpec("pages/new_team.py", "new_team", "nav.new_team", ":material/group_add:", "nav.section.start"),
    PageSpec("pages/team.py", "team", "nav.team", ":material/groups:", "nav.section.team", roles=("team",)),
    PageSpec("pages/results.py", "results", "nav.results", ":material/insights:", "nav.section.team", roles=("team",)),
    PageSpec("pages/admin.py", "admin", "nav.admin", ":material/settings:", "nav.section.admin", roles=("admin",)),
    PageSpec("pages/manager.py", "manager", "nav.manager", ":material/compare:", "nav.section.organisation", roles=("manager",)),
    PageSpec("pages/workshop.py", "workshop", "nav.workshop", ":material/co_present:", "nav.section.workshop", roles=("facilitator",)),
    PageSpec("pages/presenter.py", "presenter", "nav.presenter", ":material/connected_tv:", "nav.section.workshop", roles=("facilitator",)),
)


def page_for_file(page_file: str) -> PageSpec:
    """The registered page for a page file; an unregistered page is nobody's to open."""
    wanted = Path(page_file).resolve()
    for spec in PAGES:
        if (REPO_ROOT / spec.path).resolve() == wanted:
            return spec
    return PageSpec(str(wanted), "", "access.refused", "", "", roles=())


def page_for_audience(audience: str) -> PageSpec | None:
    """The page where participants of a round with this audience answer."""
    return next((spec for spec in PAGES if spec.audience == audience), None)
