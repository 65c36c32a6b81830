"""What may be shown, to whom, at what size: every privacy rule of Kringwijs in one module.

This module is the privacy description for a privacy officer. Every screen, download and
command asks it; no other module compares a count of people to a minimum (a test checks this).
The numbers themselves come from the one aggregation (``aggregation.summarize``); this module
decides which of them anyone may see. Who may *act* (answer, close, invite, share) is decided by
``access``; this module only decides what may be *seen*.

The promises
------------
1. Nobody can trace a score to a person: numbers are only shown about groups of at least a
   minimum number of people, and a group's numbers never change on screen by one person.
2. The team decides what leaves the team: outside the team only rounds the team published
   are shown, only as aggregates, and only after the round closed.
3. Numbers mean what they say: a mean, a middle score or a spread is always computed from
   actual scores ("weet ik niet" is not a score), from at least the group minimum of them.

The minimums (environment variables, read by ``settings``; none can go below ``PRIVACY_FLOOR``)
----------------------------------------------------------------------------------------------
* ``PRIVACY_FLOOR`` = 3. No setting can lower a minimum below three people.
* ``MIN_GROUP`` (default 3): the team's own results, a workshop's reveal and summary, the
  ``summary`` command and the aggregates kept by the retention rule.
* ``MIN_GROUP_ORG`` (default 5): everything a manager sees of a team's round.
* ``MIN_GROUP_RESIDENTS`` (default 5): what residents think, shown to the team.
* What residents think, shown to a manager: the larger of ``MIN_GROUP_RESIDENTS`` and
  ``MIN_GROUP_ORG``.
* ``MIN_TEAMS`` = 3: a manager sees team figures and organisation figures only when at least
  three teams are in view, so one team's numbers cannot be worked out from an organisation
  figure.

Three rules apply the minimum (``withhold_small_groups``, ``withhold_changed_since_reveal``)
-----------------------------------------------------------------------------------------
* **The round rule.** A round with fewer respondents (people who sent their answers) than the
  minimum shows only how many people answered, nothing else: no means, no middle scores, no
  spread, no score counts, no targets, no "hier wil ik over praten" counts, no comments.
* **The item rule.** Within a round that is large enough, one question (a principle or a
  blockade), one target and one comparison needs at least the minimum of *actual scores*.
  With five respondents of whom four chose "weet ik niet", that question shows "te weinig
  antwoorden" instead of the one remaining score, in every view: the team's table and charts,
  its PDF, the workshop screen, the manager's views and downloads, the ``summary`` command, the
  targets and the comparison with residents. The count of scores and of "weet ik niet" stays
  visible (it tells how many answered, never what they chose). A target is shown only when at
  least the minimum of people set one. A residents' principle with several statements counts
  the statement with the most scores (a resident answering two statements is one person).
* **The reveal rule.** A workshop item a facilitator revealed while the round was open showed a
  frozen snapshot. After closing, that item shows numbers only if they equal the snapshot or
  include at least the minimum of people more; otherwise (someone changed an answer after the
  reveal, or one or two answered late) it shows no numbers but a note that it changed after it
  was shown, in every view (``shown_after_reveal``). The app stores no answer times, so it
  cannot tell which answers came after the reveal; this rule needs none.
* **Reopening.** A closed round that reached three respondents never opens again: one more
  answer and a second close would show that person's scores (``may_reopen``).

When a round is shown at all (``what_is_shown``)
-----------------------------------------------
* **Team** (the team's own results, its PDF, its residents' comparison): only the team itself
  (its secret link). While a round is open only the number of answers shows, so nobody can
  read the last person's score from a change; once the round is closed its numbers show if
  the round rule allows.
* **Organisation** (the manager's page, its CSV, XLSX, PDF and PNG/SVG downloads): only
  managers; only rounds that are closed AND published by the team AND have at least
  ``MIN_GROUP_ORG`` respondents. Other rounds do not appear at all, not even with their count.
* **Residents, for the team**: the team itself; open residents' rounds show only the count.
* **Residents, for the organisation**: only managers; only closed, published residents' rounds
  with enough residents, and only the residents' middle score per principle.
* **Workshop** (the projector, its PDF and PNG): only facilitators. While open only counts,
  except an item the facilitator reveals once at least ``MIN_GROUP`` people sent their answers;
  the reveal is a frozen snapshot, taken anew only after at least ``MIN_GROUP`` more people sent
  theirs. After closing, the summary follows the round, item and reveal rules. (Which
  facilitator may open which workshop is decided by ``access``.)
* **Command line** (``summary``): whoever runs it on the server (the admin). Closed rounds only,
  never open ones; the round, item and reveal rules apply as on screen.
* Nobody else (an anonymous visitor, a participant, another team) sees any number of a round.
  A participant sees only their own answers, and only while the round is open.
* The welcome page tells how many teams and rounds exist only to signed-in staff
  (``shows_app_counts``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import pandas as pd

from kringwijs_survey.core.settings import PRIVACY_FLOOR, Settings
from kringwijs_survey.core.vocabulary import ROUND_CLOSED
from kringwijs_survey.rules.access import Principal, Role
from kringwijs_survey.rules.content import COUNT_COLUMNS

MIN_TEAMS = 3

SCORE_COUNTS = COUNT_COLUMNS
# What would tell a single person's score when too few people gave one.
FROM_SCORES = ["mean", "median", "sd", *SCORE_COUNTS]
# What a round below the minimum hides: everything but the respondent count.
FROM_ROUND = ["n", "n_dont_know", *FROM_SCORES, "n_discuss", "target_n", "target_mean"]


class View(StrEnum):
    """Where numbers are shown. Each download belongs to the view it is offered in."""

    TEAM = "team"  # results page, team PDF, blockades, changes, agenda, comments
    RESIDENTS = "residents"  # what residents think, on the team's results page
    ORGANISATION = "organisation"  # manager page; CSV, XLSX, PDF, PNG/SVG downloads
    ORGANISATION_RESIDENTS = "organisation_residents"  # what residents think, for managers
    WORKSHOP = "workshop"  # projector reveal and summary; its PDF and PNG
    CLI = "cli"  # the `summary` command


class Shown(StrEnum):
    NOTHING = "nothing"  # the round does not appear
    COUNT = "count"  # only how many people answered
    NUMBERS = "numbers"  # statistics, with the item rule applied


@dataclass(frozen=True)
class RoundState:
    """What the policy needs to know about a round."""

    team_id: int
    status: str  # "open" or "closed"
    respondents: int
    published: bool = False


def at_least(minimum: int) -> int:
    """A configured minimum, never below the privacy floor of three people."""
    return max(PRIVACY_FLOOR, int(minimum))


def enough(count: int, minimum: int) -> bool:
    """True when `count` people (or scores) reach `minimum` (never below three)."""
    return int(count) >= at_least(minimum)


def group_minimum(view: View, settings: Settings) -> int:
    """The fewest people a round needs before `view` shows its numbers."""
    minimums = {
        View.TEAM: settings.min_group,
        View.WORKSHOP: settings.min_group,
        View.CLI: settings.min_group,
        View.RESIDENTS: settings.min_group_residents,
        View.ORGANISATION: settings.min_group_org,
        View.ORGANISATION_RESIDENTS: max(settings.min_group_residents, settings.min_group_org),
    }
    return at_least(minimums[view])


def released(status: str) -> bool:
    """A round's numbers may be shown inside the team once it is closed (a workshop item the
    facilitator reveals shows its frozen snapshot on the projector only: see the reveal rule)."""
    return status == ROUND_CLOSED


def may_look(view: View, who: Principal, team_id: int | None) -> bool:
    """Whether `who` may look at a round of team `team_id` in `view` at all."""
    if view in (View.TEAM, View.RESIDENTS):
        return who.role == Role.TEAM and who.team_id is not None and who.team_id == team_id
    if view in (View.ORGANISATION, View.ORGANISATION_RESIDENTS):
        return who.role == Role.MANAGER
    if view == View.WORKSHOP:
        return who.role == Role.FACILITATOR
    if view == View.CLI:
        return who.role == Role.ADMIN
    return False


def what_is_shown(view: View, who: Principal, state: RoundState, settings: Settings) -> Shown:
    """How much of one round `who` may see in `view`: nothing, only the count, or numbers.

    Numbers always come with the item rule (``withhold_small_groups``)."""
    if not may_look(view, who, state.team_id):
        return Shown.NOTHING
    big_enough = enough(state.respondents, group_minimum(view, settings))
    if view in (View.ORGANISATION, View.ORGANISATION_RESIDENTS):
        # Outside the team: closed, published and big enough, or not there at all.
        return Shown.NUMBERS if state.status == ROUND_CLOSED and state.published and big_enough else Shown.NOTHING
    if view == View.CLI:
        if state.status != ROUND_CLOSED:
            return Shown.NOTHING
        return Shown.NUMBERS if big_enough else Shown.COUNT
    return Shown.NUMBERS if released(state.status) and big_enough else Shown.COUNT


def rounds_in_view(view: View) -> dict[str, bool]:
    """Which rounds the aggregation may read for `view` (``aggregation.Scope`` flags)."""
    if view in (View.ORGANISATION, View.ORGANISATION_RESIDENTS):
        return {"published_only": True}
    if view == View.CLI:
        return {"closed_only": True}
    return {"released_only": True}


def withhold_small_groups(frame: pd.DataFrame, minimum: int, scores: str = "n") -> pd.DataFrame:
    """Blank what a too small group would give away, in a frame of the one aggregation.

    Round rule: a row whose round has fewer respondents than `minimum` keeps only its
    respondent count and gets ``suppressed`` = true. Item rule: a row with fewer actual
    scores (column `scores`) than `minimum` loses its mean, middle score, spread and score
    counts and gets ``too_few_scores`` = true; a target set by fewer than `minimum` people
    loses its mean."""
    floor = at_least(minimum)
    frame = frame.copy()
    small = frame["respondents"] < floor
    frame["suppressed"] = small
    blank_round = [column for column in FROM_ROUND if column in frame]
    frame[blank_round] = frame[blank_round].astype("Float64")
    frame.loc[small, blank_round] = pd.NA
    thin = ~small & (pd.to_numeric(frame[scores], errors="coerce").fillna(0) < floor)
    frame["too_few_scores"] = thin
    frame.loc[thin, [column for column in FROM_SCORES if column in frame]] = pd.NA
    if "target_n" in frame:
        frame.loc[pd.to_numeric(frame["target_n"], errors="coerce").fillna(0) < floor, "target_mean"] = pd.NA
    return frame


def shown_after_reveal(snapshot: dict, row: dict, minimum: int) -> bool:
    """Whether a closed round may show an item that a facilitator revealed while it was open.

    The room saw a frozen snapshot of the item. Should the closed numbers differ from it by
    fewer than `minimum` new people (someone changed an answer after the reveal, or one or two
    people answered late), the difference would be their scores, so the item is withheld
    ("changed_since_reveal"). Shown: the same numbers as the snapshot, numbers that include at
    least `minimum` more people, or an item whose snapshot itself showed no numbers."""
    if snapshot.get("too_few_scores") or all(snapshot.get(column) is None for column in SCORE_COUNTS):
        return True
    grown = int(row["respondents"]) - int(snapshot.get("respondents") or 0)
    if enough(grown, minimum):
        return True
    same = [_whole(row.get(column)) == _whole(snapshot.get(column)) for column in [*SCORE_COUNTS, "n_dont_know"]]
    return grown == 0 and all(same)


def _whole(value) -> int:
    return 0 if value is None or pd.isna(value) else int(value)


def withhold_changed_since_reveal(frame: pd.DataFrame, snapshots: dict[int, dict[str, dict]], minimum: int) -> pd.DataFrame:
    """Apply ``shown_after_reveal`` to a frame of the one aggregation; `snapshots` holds per
    round id the stored reveal snapshots per item. Withheld rows keep only their counts of
    people, like an item with too few scores, and get ``changed_since_reveal`` = true."""
    frame = frame.copy()
    frame["changed_since_reveal"] = False
    revealed = frame[frame["round_id"].isin(list(snapshots))] if snapshots else frame.iloc[0:0]
    for index, row in revealed.iterrows():
        snapshot = snapshots[int(row["round_id"])].get(row["item"])
        if snapshot is not None and not row["suppressed"] and not shown_after_reveal(snapshot, row.to_dict(), minimum):
            frame.loc[index, "changed_since_reveal"] = True
    changed = frame["changed_since_reveal"]
    frame.loc[changed, [column for column in [*FROM_SCORES, "target_mean"] if column in frame]] = pd.NA
    return frame


def enough_teams(count: int) -> bool:
    """A manager's comparison needs at least MIN_TEAMS teams in view."""
    return int(count) >= MIN_TEAMS


def may_reopen(respondents: int) -> bool:
    """A closed round may open again only while it never showed results (fewer than three
    respondents): one more answer and a second close would reveal that person's scores."""
    return not enough(respondents, PRIVACY_FLOOR)


def comments_shown(respondents: int, minimum: int) -> bool:
    """Comments are shown only inside the team, only from a round big enough for numbers,
    shuffled, never with a time and never next to the writer's scores."""
    return enough(respondents, minimum)


def reveal_allowed(sent: int, minimum: int) -> bool:
    """A facilitator may reveal an item only once at least `minimum` people sent their answers."""
    return enough(sent, minimum)


def enough_phone_answers(phones: int, minimum: int) -> bool:
    """A reveal and a workshop's closed summary also need `minimum` answers from phones (never
    below three): paper answers are typed by the trainer, so they never make up the minimum on
    their own (a trainer could otherwise add made-up people next to one real answer)."""
    return enough(phones, minimum)


def snapshot_renewed(sent: int, at_last_snapshot: int, minimum: int) -> bool:
    """A revealed item shows its stored snapshot again; a new one is taken only once at least
    `minimum` more people sent their answers, so two snapshots always differ by a group."""
    return enough(sent - at_last_snapshot, minimum)


def shows_organisation(respondents: int, settings: Settings, *, residents: bool = False) -> bool:
    """Whether a published round of this size appears for managers (told to the team before it shares)."""
    view = View.ORGANISATION_RESIDENTS if residents else View.ORGANISATION
    return enough(respondents, group_minimum(view, settings))


def shows_app_counts(who: Principal) -> bool:
    """How many teams and rounds the app holds is told only to signed-in staff (facilitator,
    manager, admin), never to an anonymous visitor, a participant or a team."""
    return who.role in (Role.FACILITATOR, Role.MANAGER, Role.ADMIN)
