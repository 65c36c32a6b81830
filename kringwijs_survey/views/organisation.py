"""What the organisation sees: one view of the teams that chose to share (OrgView), and of the
residents' rounds teams published (ResidentsView), computed once from the one aggregation and
used by the manager page, the PDF, the CSV and the XLSX alike. Only shown teams count; a group
below the policy's minimum never appears, not even with its count.

No differencing: every organisation figure is computed from the teams that are themselves
shown in the same view, never from a wider set; with fewer than ``MIN_TEAMS`` teams in view
there are no team figures and no organisation figures at all, only an explanation.

Residents' rounds follow the same rules, and the team decides (``residents_view``): a manager
sees what residents think only from a closed residents' round the team published, with at least
max(``MIN_GROUP_RESIDENTS``, ``MIN_GROUP_ORG``) residents, and then only the residents' middle
score per principle. Never single answers, never the team's own numbers through this door.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from sqlalchemy import Engine, select

from kringwijs_survey.core import i18n
from kringwijs_survey.core.vocabulary import AUDIENCE_RESIDENTS, ROUND_CLOSED
from kringwijs_survey.domain import teams
from kringwijs_survey.rules import policy
from kringwijs_survey.rules.content import DEFAULT_FRAMEWORK, framework_named
from kringwijs_survey.stats.aggregation import Scope, pool_by_principle, pooled, summarize
from kringwijs_survey.store.cache import cached_per_revision
from kringwijs_survey.store.database import read_session
from kringwijs_survey.store.models import Action, Round

MIN_TEAMS = policy.MIN_TEAMS

ORG_SCOPES = ("organisation", "municipality")

HIGH_PRESSURE = 4  # a blockade with a team median of 4 ("veel last") or more weighs on that team

# The columns that count people: they are left out where a team's size would give it away.
PEOPLE_COLUMNS = ["respondents", "n", "n_dont_know", "count_1", "count_2", "count_3", "count_4", "count_5"]

NUMBER_COLUMNS = ["respondents", "n", "mean", "median", "sd", "n_dont_know", "count_1", "count_2", "count_3", "count_4", "count_5"]

TEAM_COLUMNS = ["team", "area", "period", "item", "title", "kind", *NUMBER_COLUMNS]

ORG_COLUMNS = ["item", "title", "kind", "teams", "median", "mean", "sd_teams", "lowest", "highest"]

PRESSURE_COLUMNS = ["item", "title", "answered_by", "teams", "teams_high", "mean", "median"]

ACTION_COLUMNS = ["team", "period", "item", "title", "what", "scope", "status", "due"]

RESIDENT_TEAM_COLUMNS = ["team", "area", "period", "item", "title", "respondents", "n", "median"]

RESIDENT_ORG_COLUMNS = ["item", "title", "teams", "median", "lowest_median", "highest_median"]


@dataclass(frozen=True)
class SharedMessage:
    team: str
    period: str
    text: str


class _TeamsShown:
    """What OrgView and ResidentsView share: figures only when at least MIN_TEAMS teams are shown."""

    team_count: int

    @property
    def enough(self) -> bool:
        return policy.enough_teams(self.team_count)

    def _too_few(self, key: str, min_group: int, lang: str) -> str | None:
        """The text `key` saying why there are no figures, or None when there are."""
        if self.enough:
            return None
        return i18n.t(key, lang, count=self.team_count, minimum=MIN_TEAMS, min_group=min_group)


@dataclass(frozen=True)
class OrgView(_TeamsShown):
    """What a manager may see for a choice of areas and quarter.

    latest: per shown team the rows of ONE round (the chosen quarter, or else the team's latest
    shown quarter), columns TEAM_COLUMNS. history: the same teams' rows in every shown quarter
    (for trends). organisation: per item, figures from ``latest`` only (ORG_COLUMNS).
    org_history: per quarter and item, organisation figures from the teams of this view that are
    shown in that quarter, only where there are at least MIN_TEAMS of them. org_principles: per
    such quarter the mean of all principle scores of those teams together (the trend's line).
    Organisation figures pool everyone's scores (aggregation.pooled), never a mean of team means.
    With fewer than MIN_TEAMS teams every frame is empty and ``teams`` is empty.
    """

    framework: str
    min_group_org: int
    period: str | None
    team_count: int
    teams: tuple[str, ...]
    latest: pd.DataFrame
    history: pd.DataFrame
    organisation: pd.DataFrame
    org_history: pd.DataFrame
    messages: tuple[SharedMessage, ...] = ()
    anonymous: bool = False
    # Quarters of this view with rounds answered on older answer scales (Round.scales): their
    # numbers mean something else, so the view says so instead of comparing them silently.
    older_scales: tuple[str, ...] = ()
    org_principles: pd.DataFrame = field(default_factory=lambda: _empty(["period", "mean"]))
    _round_teams: tuple[tuple[int, str], ...] = field(default=(), repr=False)
    _aliases: dict[str, str] = field(default_factory=dict, repr=False)

    def explanation(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str | None:
        """Why there are no figures (plain Dutch or English), or None when there are."""
        return self._too_few("manager.too_few_teams", self.min_group_org, lang)

    @property
    def periods(self) -> list[str]:
        return sorted(self.history["period"].unique()) if not self.history.empty else []


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series(dtype="object") for column in columns})


def _with_items(frame: pd.DataFrame, framework_id: str, lang: str) -> pd.DataFrame:
    framework = framework_named(framework_id, None)
    order = {item_id: index for index, item_id in enumerate(framework.item_ids)}
    frame = frame[frame["item"].isin(order)].copy()
    frame["title"] = frame["item"].map({item.id: item.title.get(lang) for item in framework.items})
    frame["kind"] = frame["item"].map({item.id: item.kind for item in framework.items})
    frame["_order"] = frame["item"].map(order)
    return frame


def _org_figures(frame: pd.DataFrame) -> pd.DataFrame:
    """Per item from one row per team: the organisation's median and mean of everyone's scores
    together (aggregation.pooled: every person counts once, a big team as much as its people),
    and between the teams: how many, how far their means lie apart (sd), the lowest and highest."""
    if frame.empty:
        return _empty(ORG_COLUMNS)
    keys = ["item", "title", "kind", "_order"]
    between = frame.groupby(keys, sort=False).agg(
        teams=("mean", "count"), sd_teams=("mean", "std"), lowest=("mean", "min"), highest=("mean", "max"),
    ).reset_index()
    together = pooled(frame, keys)[[*keys, "median", "mean"]]
    result = between.merge(together, on=keys, how="left").sort_values("_order", ignore_index=True)
    for column in ["median", "mean", "sd_teams", "lowest", "highest"]:
        result[column] = pd.to_numeric(result[column], errors="coerce").astype("Float64")
    result["teams"] = result["teams"].astype(int)
    return result[ORG_COLUMNS]


def available_filters(engine: Engine, *, min_group_org: int, framework: str = DEFAULT_FRAMEWORK) -> tuple[list[str], list[str]]:
    """Areas and quarters that hold at least one shown round (for the manager's filters)."""
    shown = _shown_rows(engine, min_group_org=min_group_org, framework=framework, lang=i18n.DEFAULT_LANGUAGE)
    areas = sorted(area for area in shown["area"].dropna().unique()) if not shown.empty else []
    periods = sorted(shown["period"].unique(), reverse=True) if not shown.empty else []
    return areas, periods


def _shown_rows(engine: Engine, *, min_group_org: int, framework: str, lang: str, areas=None) -> pd.DataFrame:
    """Every row of every shown round: published, closed, enough respondents, a standing team."""
    return _cached_shown_rows(engine, min_group_org=min_group_org, framework=framework, lang=lang, areas=tuple(areas or ()))


@cached_per_revision
def _cached_shown_rows(engine: Engine, *, min_group_org: int, framework: str, lang: str, areas: tuple) -> pd.DataFrame:
    shown_teams = teams.organisation_teams(engine)
    if areas:
        shown_teams = [team for team in shown_teams if team.area in set(areas)]
    if not shown_teams:
        return _empty(["round_id", *TEAM_COLUMNS])
    area_of = {team.name: team.area for team in shown_teams}
    summary = summarize(
        engine,
        Scope.of(teams=sorted(area_of), frameworks=framework, **policy.rounds_in_view(policy.View.ORGANISATION)),
        min_group=min_group_org,
    )
    if summary.empty:
        return _empty(["round_id", *TEAM_COLUMNS])
    # A round below the threshold does not appear at all, not even with its count. An item that
    # too few people scored is already blanked by the policy's item rule.
    summary = summary[~summary["suppressed"].astype(bool)]
    summary = summary[summary["team"].isin(area_of)].copy()
    summary["area"] = summary["team"].map(area_of)
    return _with_items(summary, framework, lang)


def organisation_view(
    engine: Engine,
    *,
    min_group_org: int,
    periods=None,
    areas=None,
    framework: str = DEFAULT_FRAMEWORK,
    lang: str = i18n.DEFAULT_LANGUAGE,
) -> OrgView:
    """The manager's view. `periods` (a quarter or a list) chooses the snapshot quarter(s);
    without it each team shows its latest shown round. `areas` limits the teams.
    Cached until the next write; the view's frames are read-only for callers."""
    periods = (periods,) if isinstance(periods, str) else tuple(periods or ())
    return _organisation_view(
        engine, min_group_org=min_group_org, periods=periods, areas=tuple(areas or ()), framework=framework, lang=lang
    )


@cached_per_revision
def _organisation_view(
    engine: Engine, *, min_group_org: int, periods: tuple, areas: tuple, framework: str, lang: str
) -> OrgView:
    periods = list(periods)
    rows = _shown_rows(engine, min_group_org=min_group_org, framework=framework, lang=lang, areas=areas)
    empty_view = OrgView(
        framework=framework, min_group_org=min_group_org, period=periods[0] if len(periods) == 1 else None,
        team_count=0, teams=(), latest=_empty(TEAM_COLUMNS), history=_empty(TEAM_COLUMNS),
        organisation=_empty(ORG_COLUMNS), org_history=_empty(["period", *ORG_COLUMNS]),
    )
    if rows.empty:
        return empty_view
    candidates = rows[rows["period"].isin(periods)] if periods else rows
    if candidates.empty:
        return empty_view
    # One round per team: the latest quarter among the candidates.
    last_period = candidates.groupby("team")["period"].transform("max")
    latest = candidates[candidates["period"] == last_period]
    team_list = tuple(sorted(latest["team"].unique()))
    if not policy.enough_teams(len(team_list)):
        return replace(empty_view, team_count=len(team_list))

    history = rows[rows["team"].isin(team_list)]
    org_history = []
    for period, in_period in history.groupby("period"):
        if policy.enough_teams(in_period["team"].nunique()):
            org_history.append(_org_figures(in_period).assign(period=period))
    org_history = pd.concat(org_history, ignore_index=True) if org_history else _empty(["period", *ORG_COLUMNS])
    principles_shown = history[(history["kind"] == "principle") & history["period"].isin(set(org_history["period"]))]
    org_principles = pooled(principles_shown, ["period"])[["period", "mean"]] if not principles_shown.empty else _empty(["period", "mean"])

    current = framework_named(framework, engine).scales_version
    older = history[history["scales"].fillna(current) != current] if "scales" in history else history.iloc[0:0]
    messages = _messages(engine, tuple(latest["round_id"].unique()), dict(zip(latest["round_id"], latest["team"])))
    ordered = lambda frame: frame.sort_values(["team", "period", "_order"], ignore_index=True)  # noqa: E731
    return OrgView(
        framework=framework,
        min_group_org=min_group_org,
        period=periods[0] if len(periods) == 1 else None,
        team_count=len(team_list),
        teams=team_list,
        latest=ordered(latest)[TEAM_COLUMNS],
        history=ordered(history)[TEAM_COLUMNS],
        organisation=_org_figures(latest),
        org_history=org_history[["period", *ORG_COLUMNS]],
        org_principles=org_principles,
        messages=messages,
        older_scales=tuple(sorted(older["period"].unique())),
        _round_teams=tuple(sorted({(int(rid), team) for rid, team in zip(latest["round_id"], latest["team"])})),
    )


def _messages(engine: Engine, round_ids: tuple, team_of: dict) -> tuple[SharedMessage, ...]:
    if not round_ids:
        return ()
    with read_session(engine) as session:
        rows = session.execute(
            select(Round.id, Round.period, Round.shared_message).where(
                Round.id.in_([int(r) for r in round_ids]), Round.shared_message.is_not(None)
            )
        ).all()
    return tuple(sorted((SharedMessage(team_of[rid], period, text) for rid, period, text in rows), key=lambda m: m.team))


@dataclass(frozen=True)
class ResidentsView(_TeamsShown):
    """What residents think, for the manager.

    teams_frame: per shown team and principle the residents' middle score (RESIDENT_TEAM_COLUMNS),
    from the team's latest shown residents' round. organisation: per principle, figures from those
    shown teams only (RESIDENT_ORG_COLUMNS). With fewer than MIN_TEAMS shown teams both frames are
    empty and ``teams`` is empty; ``explanation`` says why."""

    minimum: int
    team_count: int
    teams: tuple[str, ...]
    teams_frame: pd.DataFrame
    organisation: pd.DataFrame

    def explanation(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str | None:
        """Why there are no figures (plain Dutch or English), or None when there are."""
        return self._too_few("manager.residents_too_few", self.minimum, lang)


def residents_view(
    engine: Engine,
    *,
    min_group_org: int,
    min_group_residents: int,
    lang: str = i18n.DEFAULT_LANGUAGE,
    periods=None,
    areas=None,
    framework: str = DEFAULT_FRAMEWORK,
) -> ResidentsView:
    """The residents' view for managers. A team is shown when its residents' round (the chosen
    quarter, or else its latest shown quarter) is closed, published and has at least
    max(min_group_residents, min_group_org) residents. Cached until the next write."""
    periods = (periods,) if isinstance(periods, str) else tuple(periods or ())
    return _residents_view(
        engine, min_group_org=min_group_org, min_group_residents=min_group_residents, lang=lang,
        periods=periods, areas=tuple(areas or ()), framework=framework,
    )


@cached_per_revision
def _residents_view(
    engine: Engine, *, min_group_org: int, min_group_residents: int, lang: str, periods: tuple, areas: tuple, framework: str
) -> ResidentsView:
    minimum = policy.at_least(max(min_group_residents, min_group_org))
    empty = ResidentsView(minimum, 0, (), _empty(RESIDENT_TEAM_COLUMNS), _empty(RESIDENT_ORG_COLUMNS))
    chosen = framework_named(framework, engine)
    principle_of = {statement.id: statement.principle for statement in chosen.resident_statements}
    chosen_teams = [team for team in teams.organisation_teams(engine) if not areas or team.area in set(areas)]
    if not chosen_teams or not principle_of:
        return empty
    area_of = {team.name: team.area for team in chosen_teams}
    voices = summarize(
        engine,
        Scope.of(
            teams=sorted(area_of), frameworks=framework, audience=AUDIENCE_RESIDENTS,
            **policy.rounds_in_view(policy.View.ORGANISATION_RESIDENTS),
        ),
        min_group=minimum,
    )
    if voices.empty:
        return empty
    # A round below the threshold does not appear at all, not even with its count.
    voices = voices[~voices["suppressed"].astype(bool) & voices["team"].isin(area_of)]
    if periods:
        voices = voices[voices["period"].isin(periods)]
    voices = voices[voices["item"].isin(principle_of)]
    if voices.empty:
        return empty
    # One round per team: its latest quarter.
    voices = voices[voices["period"] == voices.groupby("team")["period"].transform("max")]
    shown = tuple(sorted(voices["team"].unique()))
    if not policy.enough_teams(len(shown)):
        return replace(empty, team_count=len(shown))

    # The statements of one principle pooled (summed score counts), then the one aggregation's
    # statistics, as residents.perspectives does for the team itself; the policy's item rule
    # blanks a principle too few residents scored (the rest chose "weet ik niet").
    pooled = pool_by_principle(voices, principle_of, minimum, by=("team", "period"))
    pooled["area"] = pooled["team"].map(area_of)
    pooled = _with_items(pooled, framework, lang).sort_values(["team", "_order"], ignore_index=True)
    pooled["median"] = pd.to_numeric(pooled["median"], errors="coerce").astype("Float64")

    grouped = pooled.groupby(["item", "title", "_order"], sort=False)
    organisation = grouped.agg(
        teams=("median", "count"), median=("median", "median"), lowest_median=("median", "min"), highest_median=("median", "max")
    ).reset_index().sort_values("_order", ignore_index=True)
    for column in ["median", "lowest_median", "highest_median"]:
        organisation[column] = pd.to_numeric(organisation[column], errors="coerce").astype("Float64")
    organisation["teams"] = organisation["teams"].astype(int)
    pooled["respondents"] = pooled["respondents"].astype(int)
    return ResidentsView(minimum, len(shown), shown, pooled[RESIDENT_TEAM_COLUMNS], organisation[RESIDENT_ORG_COLUMNS])


def residents_heatmap_frame(view: ResidentsView) -> pd.DataFrame:
    """The rows for charts.heatmap: team, item, title and the residents' median as `mean`
    (the value the heatmap colours), teams A–Z and principles in framework order."""
    frame = view.teams_frame[["team", "item", "title", "median"]].rename(columns={"median": "mean"})
    return frame.sort_values("team", key=lambda names: names.map(team_sort_key), kind="stable", ignore_index=True)


def blockade_pressure(view: OrgView, lang: str = i18n.DEFAULT_LANGUAGE) -> pd.DataFrame:
    """Per blockade (framework order): how many shown teams score it 4 or higher (median), out
    of how many, and the mean and median of everyone's scores together (aggregation.pooled)."""
    if not view.enough:
        return _empty(PRESSURE_COLUMNS)
    framework = framework_named(view.framework, None)
    rows = []
    for blockade in framework.items_of_kind("blockade"):
        medians = pd.to_numeric(view.latest.loc[view.latest["item"] == blockade.id, "median"], errors="coerce").dropna()
        together = view.organisation[view.organisation["item"] == blockade.id]
        rows.append(
            {
                "item": blockade.id,
                "title": blockade.title.get(lang),
                "answered_by": blockade.answered_by,
                "teams": int(len(medians)),
                "teams_high": int((medians >= HIGH_PRESSURE).sum()),
                "mean": together["mean"].iloc[0] if len(together) and len(medians) else np.nan,
                "median": together["median"].iloc[0] if len(together) and len(medians) else np.nan,
            }
        )
    result = pd.DataFrame(rows, columns=PRESSURE_COLUMNS)
    result[["mean", "median"]] = result[["mean", "median"]].astype("Float64")
    return result


def organisation_actions(engine: Engine, view: OrgView, lang: str = i18n.DEFAULT_LANGUAGE) -> pd.DataFrame:
    """The organisation's to-do list: open or ongoing actions with scope organisation or
    municipality, agreed in a round that is shown in this view. Never the owner."""
    if not view.enough or not view._round_teams:
        return _empty(ACTION_COLUMNS)
    with read_session(engine) as session:
        rows = session.execute(
            select(Action.round_id, Action.item_id, Action.what, Action.scope, Action.status, Action.due, Round.period)
            .join(Round, Action.round_id == Round.id)
            .where(
                Action.round_id.in_([round_id for round_id, _ in view._round_teams]),
                Action.scope.in_(ORG_SCOPES),
                Action.status.in_(("open", "ongoing")),
                Round.published.is_(True),
                Round.status == ROUND_CLOSED,
            )
            .order_by(Action.due.is_(None), Action.due, Action.id)
        ).all()
    team_of = _team_of_round(view)
    framework = framework_named(view.framework, engine)
    records = [
        {
            "team": team_of[row.round_id],
            "period": row.period,
            "item": row.item_id,
            "title": framework.item(row.item_id).title.get(lang) if row.item_id in framework.item_ids else None,
            "what": row.what,
            "scope": row.scope,
            "status": row.status,
            "due": row.due,
        }
        for row in rows
        if row.round_id in team_of
    ]
    frame = pd.DataFrame(records, columns=ACTION_COLUMNS)
    if view.anonymous:
        frame["period"] = pd.NA
    if frame.empty:
        return frame
    return frame.sort_values("team", key=lambda names: names.map(team_sort_key), kind="stable", ignore_index=True)


def _team_of_round(view: OrgView) -> dict[int, str]:
    """Round id -> the name this view shows for its team (a letter in the anonymous view)."""
    return {round_id: view._aliases.get(team, team) for round_id, team in view._round_teams}


def most_different(view: OrgView) -> dict:
    """The item on which the shown teams lie furthest apart: item, title, sd_teams."""
    ranked = view.organisation.sort_values("sd_teams", ascending=False, na_position="last")
    if ranked.empty:
        return {"item": "", "title": "", "sd_teams": pd.NA}
    return ranked.iloc[0][["item", "title", "sd_teams"]].to_dict()


def heatmap_order(view: OrgView, by: str = "team", item: str | None = None) -> tuple[list[str], list[str]]:
    """Row (team) and column (item) order of the heatmap.

    by="team": teams A–Z, items in framework order. by="item": teams from the highest to the
    lowest mean on `item`. by="spread": items where teams differ most (sd of team means) first.
    """
    framework = framework_named(view.framework, None)
    team_list = sorted(view.teams, key=team_sort_key)
    present = set(view.latest["item"])
    items = [item_id for item_id in framework.item_ids if item_id in present]
    if by == "item" and item is not None:
        of_item = view.latest[view.latest["item"] == item].set_index("team")["mean"]
        values = {team: of_item.get(team, pd.NA) for team in team_list}
        team_list = sorted(team_list, key=lambda team: (pd.isna(values[team]), -(0 if pd.isna(values[team]) else float(values[team])), team))
    elif by == "spread":
        spread = view.organisation.set_index("item")["sd_teams"]
        items = sorted(items, key=lambda i: (pd.isna(spread.get(i, pd.NA)), -(0 if pd.isna(spread.get(i, pd.NA)) else float(spread[i]))))
    return team_list, items


def heatmap_frame(view: OrgView, team_order: list[str], items: list[str]) -> pd.DataFrame:
    """The rows for charts.heatmap in the given order: team, item, title, mean."""
    frame = view.latest[view.latest["item"].isin(items)][["team", "item", "title", "mean"]].copy()
    frame["_team"] = frame["team"].map({team: index for index, team in enumerate(team_order)})
    frame["_item"] = frame["item"].map({item: index for index, item in enumerate(items)})
    return frame.sort_values(["_team", "_item"], ignore_index=True)[["team", "item", "title", "mean"]]


def team_profile(view: OrgView, team: str) -> pd.DataFrame:
    """One team's principles for charts.radar: item, title, median (the team), and the
    organisation's median of team medians as previous_median (the grey comparison polygon)."""
    rows = view.latest[(view.latest["team"] == team) & (view.latest["kind"] == "principle")]
    org = view.organisation.set_index("item")["median"]
    frame = rows[["item", "title", "median", "mean"]].reset_index(drop=True)
    frame["previous_median"] = frame["item"].map(org).astype("Float64")
    return frame


def item_spread(view: OrgView, highlight: str | None = None) -> pd.DataFrame:
    """Per item every shown team's mean (one row per team and item) with the organisation's
    mean (everyone's scores together) beside it; `highlighted` marks one team."""
    frame = view.latest[["team", "item", "title", "kind", "mean", "median"]].copy()
    frame["org_mean"] = frame["item"].map(view.organisation.set_index("item")["mean"]).astype("Float64")
    frame["highlighted"] = frame["team"] == highlight
    return frame.reset_index(drop=True)


def trend(view: OrgView, item: str | None = None, lang: str = i18n.DEFAULT_LANGUAGE) -> pd.DataFrame:
    """Per team and for the organisation, per quarter: the mean of the scores on `item`, or
    without an item on all principles together (aggregation.pooled, for a team and for the
    organisation alike). Columns: series, is_organisation, period, mean.
    Empty for teams in the anonymous view (changes over time are left out there)."""
    framework = framework_named(view.framework, None)
    chosen = [item] if item else [i.id for i in framework.items_of_kind("principle")]
    parts = []
    if not view.history.empty:
        team_list = view.history[view.history["item"].isin(chosen)]
        per_team = pooled(team_list, ["team", "period"])[["team", "period", "mean"]].rename(columns={"team": "series"})
        parts.append(per_team.assign(is_organisation=False))
    if not view.org_history.empty:
        # The organisation's line: the quarters with enough teams, everyone's scores together.
        per_period = view.org_history[view.org_history["item"] == item][["period", "mean"]] if item else view.org_principles
        parts.append(per_period.assign(series=i18n.t("manager.organisation", lang), is_organisation=True))
    if not parts:
        return _empty(["series", "is_organisation", "period", "mean"])
    result = pd.concat(parts, ignore_index=True)[["series", "is_organisation", "period", "mean"]]
    result["mean"] = pd.to_numeric(result["mean"], errors="coerce").astype("Float64")
    return result.sort_values(["is_organisation", "series", "period"], ascending=[False, True, True], ignore_index=True)


def team_sort_key(name: str) -> tuple:
    """Letters sort A … Z, AA … ; real names alphabetically."""
    return (len(name), name) if name.isupper() and name.isalpha() and len(name) <= 2 else (3, name.casefold())


def letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA …"""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(ord("A") + rest) + name
    return name


def new_seed() -> int:
    """A random seed for one session's letters (kept by the page, so letters stay put)."""
    return secrets.randbits(32)


def anonymise(view: OrgView, seed: int) -> OrgView:
    """Team names become letters (A, B, C … in an order shuffled by `seed`, so the same session
    keeps the same letters) and everything over time is dropped: no history, no per-team
    quarter, no area, and no counts of people (a team's size can name it). The organisation's own figures and trend stay. Messages keep the team's
    letter; their text is the team's own words."""
    if view.anonymous:
        return view
    shuffled = list(view.teams)
    random.Random(seed).shuffle(shuffled)
    aliases = {team: letter(index) for index, team in enumerate(shuffled)}
    latest = view.latest.copy()
    latest["team"] = latest["team"].map(aliases)
    latest["area"] = pd.NA
    latest["period"] = pd.NA
    # How many people answered gives a team's size away, and a size can name the team.
    latest[PEOPLE_COLUMNS] = pd.NA
    latest = latest.sort_values(["team"], key=lambda names: names.map(team_sort_key), kind="stable", ignore_index=True)
    return replace(
        view,
        teams=tuple(sorted(aliases.values(), key=team_sort_key)),
        latest=latest,
        history=_empty(TEAM_COLUMNS),
        messages=tuple(
            sorted((SharedMessage(aliases[m.team], "", m.text) for m in view.messages), key=lambda m: team_sort_key(m.team))
        ),
        anonymous=True,
        _aliases=aliases,
    )
