"""The privacy policy as a matrix: every view (page or download) × every kind of visitor × every
round state, and the one-module rule (no other module compares a count to a minimum)."""

import re
from pathlib import Path

import pandas as pd
import pytest

from kringwijs_survey.core.settings import Settings
from kringwijs_survey.rules import policy
from kringwijs_survey.rules.access import ANONYMOUS, Principal, Role
from kringwijs_survey.rules.policy import RoundState, Shown, View
from kringwijs_survey.web.navigation import PAGES

REPO = Path(__file__).resolve().parents[1]
SETTINGS = Settings(database_url="sqlite://", min_group=3, min_group_org=5, retention_quarters=None, base_url="", min_group_residents=5)
OUR_TEAM = 1

PRINCIPALS = {
    "anonymous": ANONYMOUS,
    "participant": Principal(Role.PARTICIPANT, team_id=OUR_TEAM, round_id=1, respondent="r"),
    "team member": Principal(Role.TEAM, team_id=OUR_TEAM),
    "other team": Principal(Role.TEAM, team_id=2),
    "facilitator": Principal(Role.FACILITATOR),
    "manager": Principal(Role.MANAGER),
    "admin": Principal(Role.ADMIN),
}
STATES = {
    "open": RoundState(OUR_TEAM, "open", respondents=6),
    "closed": RoundState(OUR_TEAM, "closed", respondents=6),
    "closed+published": RoundState(OUR_TEAM, "closed", respondents=6, published=True),
    "below threshold": RoundState(OUR_TEAM, "closed", respondents=2, published=True),
    # Enough people, but one item got a single actual score (the rest chose "weet ik niet").
    "item below threshold": RoundState(OUR_TEAM, "closed", respondents=6, published=True),
}
# Where each view is shown (pages and downloads), and the one kind of visitor who may look.
PAGES_OF_VIEW = {
    View.TEAM: ("results", "team PDF"),
    View.RESIDENTS: ("results: what residents think",),
    View.ORGANISATION: ("manager", "CSV", "XLSX", "organisation PDF", "PNG/SVG"),
    View.ORGANISATION_RESIDENTS: ("manager: what residents think",),
    View.WORKSHOP: ("presenter", "workshop PDF", "workshop PNG"),
    View.CLI: ("summary command",),
}
WHO_LOOKS = {
    View.TEAM: "team member",
    View.RESIDENTS: "team member",
    View.ORGANISATION: "manager",
    View.ORGANISATION_RESIDENTS: "manager",
    View.WORKSHOP: "facilitator",
    View.CLI: "admin",
}
# What the one visitor who may look sees, per round state (written out, not derived).
INSIDE = {"open": Shown.COUNT, "closed": Shown.NUMBERS, "closed+published": Shown.NUMBERS,
          "below threshold": Shown.COUNT, "item below threshold": Shown.NUMBERS}
OUTSIDE = {"open": Shown.NOTHING, "closed": Shown.NOTHING, "closed+published": Shown.NUMBERS,
           "below threshold": Shown.NOTHING, "item below threshold": Shown.NUMBERS}
SERVER = {"open": Shown.NOTHING, "closed": Shown.NUMBERS, "closed+published": Shown.NUMBERS,
          "below threshold": Shown.COUNT, "item below threshold": Shown.NUMBERS}
EXPECTED = {
    View.TEAM: INSIDE,
    View.RESIDENTS: INSIDE,
    View.WORKSHOP: INSIDE,
    View.ORGANISATION: OUTSIDE,
    View.ORGANISATION_RESIDENTS: OUTSIDE,
    View.CLI: SERVER,
}
MATRIX = [
    (page, view, who, state)
    for view, pages in PAGES_OF_VIEW.items()
    for page in pages
    for who in PRINCIPALS
    for state in STATES
]


def one_round_frame(respondents: int, scores_of_thin_item: int) -> pd.DataFrame:
    """Two items of one round as the aggregation counts them: AB1 scored by everyone (all 4s),
    AB2 scored by `scores_of_thin_item` people (all 1s), the others chose "weet ik niet"."""
    rows = [
        {"respondents": respondents, "item": "AB1", "n": respondents, "n_dont_know": 0, "mean": 4.0, "median": 4.0, "sd": 0.0,
         "count_1": 0, "count_4": respondents, "target_n": respondents, "target_mean": 4.5},
        {"respondents": respondents, "item": "AB2", "n": scores_of_thin_item, "n_dont_know": respondents - scores_of_thin_item,
         "mean": 1.0, "median": 1.0, "sd": 0.0, "count_1": scores_of_thin_item, "count_4": 0,
         "target_n": scores_of_thin_item, "target_mean": 2.0},
    ]
    return pd.DataFrame(rows)


@pytest.mark.parametrize(("page", "view", "who", "state"), MATRIX, ids=[f"{p}|{w}|{s}" for p, _, w, s in MATRIX])
def test_what_each_visitor_sees_of_each_round_on_each_page(page, view, who, state):
    shown = policy.what_is_shown(view, PRINCIPALS[who], STATES[state], SETTINGS)
    expected = EXPECTED[view][state] if who == WHO_LOOKS[view] else Shown.NOTHING
    assert shown == expected
    if shown == Shown.NUMBERS and state == "item below threshold":
        # The item rule: the item one person scored shows no numbers in this view; the other does.
        frame = policy.withhold_small_groups(one_round_frame(6, 1), policy.group_minimum(view, SETTINGS)).set_index("item")
        assert frame.at["AB2", "too_few_scores"] and not frame.at["AB1", "too_few_scores"]
        for column in ["mean", "median", "sd", "count_1", "count_4", "target_mean"]:
            assert pd.isna(frame.at["AB2", column]), column
        assert frame.at["AB1", "mean"] == 4.0 and frame.at["AB1", "target_mean"] == 4.5
        assert frame.at["AB2", "n"] == 1 and frame.at["AB2", "n_dont_know"] == 5  # how many, never what


def test_the_page_registry_lets_in_exactly_who_the_policy_lets_look():
    pages_of_view = {"results": View.TEAM, "manager": View.ORGANISATION, "presenter": View.WORKSHOP}
    for spec in PAGES:
        if spec.url_path not in pages_of_view:
            continue
        for name, who in PRINCIPALS.items():
            may_open = who.may_open(spec.roles)
            # The team page opens for every team, but only ever with its own rounds.
            looks = policy.may_look(pages_of_view[spec.url_path], who, who.team_id if who.role == Role.TEAM else OUR_TEAM)
            assert may_open == looks, (spec.url_path, name)


@pytest.mark.parametrize("minimum", [0, 1, 2, 3])
def test_no_setting_goes_below_three_people(minimum):
    assert policy.at_least(minimum) == 3
    frame = policy.withhold_small_groups(one_round_frame(2, 2), minimum)
    assert frame["suppressed"].all() and frame["mean"].isna().all() and frame["n"].isna().all()
    assert (frame["respondents"] == 2).all()  # only the count stays


def test_a_target_set_by_too_few_people_is_not_shown():
    frame = policy.withhold_small_groups(one_round_frame(6, 6).assign(target_n=[6, 2]), 3).set_index("item")
    assert frame.at["AB1", "target_mean"] == 4.5 and pd.isna(frame.at["AB2", "target_mean"])
    assert frame.at["AB2", "mean"] == 1.0  # the scores themselves are from six people


def test_reveal_and_snapshot_rules_need_a_whole_group():
    assert not policy.reveal_allowed(2, 3) and policy.reveal_allowed(3, 3)
    assert not policy.snapshot_renewed(5, 3, 3) and policy.snapshot_renewed(6, 3, 3)
    assert policy.may_reopen(2) and not policy.may_reopen(3)
    assert not policy.enough_teams(2) and policy.enough_teams(3)


def test_only_signed_in_staff_are_told_how_many_teams_exist():
    told = {name for name, who in PRINCIPALS.items() if policy.shows_app_counts(who)}
    assert told == {"facilitator", "manager", "admin"}


# The privacy floor itself, a minimum on either side of a comparison, or max(3, …) written out.
MINIMUM = r"(\w+\.)*(\w*min(imum)?(_group)?\w*|MIN_\w+|threshold\w*)(?!\()"
COMPARISON = re.compile(rf"PRIVACY_FLOOR|\b{MINIMUM}\s*[<>]=?|[<>]=?\s*{MINIMUM}\b|max\(\s*3\s*,\s*\w*min")


def test_no_module_but_the_policy_compares_a_count_to_a_minimum():
    """Every "is this group big enough?" lives in policy.py; settings.py only applies the floor
    to the configured values."""
    offenders = []
    for path in [*sorted(path for path in (REPO / "kringwijs_survey").rglob("*.py") if "migrations" not in path.parts), *sorted((REPO / "pages").glob("*.py")), REPO / "app.py"]:
        if path.name in ("policy.py", "settings.py"):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            code = line.split("#")[0]
            if COMPARISON.search(code):
                offenders.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert offenders == []
