"""What a team sees about itself: pure derivations from the output of `aggregation.summarize()`.

Every function takes the summary frame of ONE team (it may hold several periods, and rows of
other frameworks, which are ignored) plus the `Framework`, and returns a tidy DataFrame with the
item titles in the requested language. Nothing here names an item: order, kind, group and the
blockade/principle pairs all come from the Framework.

Privacy rule: a period whose rows say ``suppressed == True`` never contributes a number, even if
a hand-built frame still carries values there. Such a period is also never used as "the previous
period"; the latest earlier period that is *not* suppressed is used instead.

Numeric outputs use pandas' nullable ``Float64`` (missing = ``pd.NA``), like `summarize()`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from kringwijs_survey.rules.content import COUNT_COLUMNS, SCORES, Framework
from kringwijs_survey.stats.aggregation import FLAG_COLUMNS

NUMERIC_COLUMNS = [
    "respondents",
    "n",
    "mean",
    "median",
    "sd",
    "n_dont_know",
    *COUNT_COLUMNS,
    "n_discuss",
    "target_n",
    "target_mean",
]
# Everything except the respondent count is hidden for a suppressed period.
HIDDEN_WHEN_SUPPRESSED = [column for column in NUMERIC_COLUMNS if column != "respondents"]
ITEM_COLUMNS = ["item", "title", "kind", "group", "group_title"]
SAME_THRESHOLD = 0.25

PROFILE_COLUMNS = [
    "item",
    "title",
    "group",
    "group_title",
    "median",
    "mean",
    "sd",
    "n",
    "n_dont_know",
    *COUNT_COLUMNS,
    "target_mean",
    "previous_period",
    "previous_median",
]
PAIR_COLUMNS = [
    "blockade",
    "blockade_title",
    "blockade_median",
    "blockade_mean",
    "principle",
    "principle_title",
    "principle_median",
    "principle_mean",
]
DISAGREEMENT_COLUMNS = [
    *ITEM_COLUMNS,
    "sd",
    "range",
    "lowest",
    "highest",
    "median",
    "mean",
    "n",
    "n_dont_know",
    *COUNT_COLUMNS,
]
CHANGE_COLUMNS = [
    *ITEM_COLUMNS,
    "period",
    "previous_period",
    "median",
    "mean",
    "previous_median",
    "previous_mean",
    "delta",
    "direction",
    "outcome",
]
AGENDA_COLUMNS = [*ITEM_COLUMNS, "rank", "n_discuss", "sd", "median", "mean", "n"]
HISTORY_COLUMNS = [*ITEM_COLUMNS, "period", "mean", "median", "n"]


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series(dtype="object") for column in columns})


def _is_suppressed(frame: pd.DataFrame) -> pd.Series:
    if "suppressed" not in frame:
        return pd.Series(False, index=frame.index)
    return frame["suppressed"].map(lambda value: value is True or (not pd.isna(value) and bool(value)))


def _prepared(summary: pd.DataFrame, framework: Framework, lang: str) -> pd.DataFrame:
    """The framework's rows of `summary`, with item metadata, numbers blanked where suppressed."""
    frame = summary[summary["item"].isin(framework.item_ids)].copy() if "item" in summary else summary.iloc[0:0].copy()
    if "round_id" in frame and frame.duplicated(["period", "item"]).any():
        # More than one round of the same framework in one quarter: the latest round counts.
        frame = frame.sort_values("round_id").drop_duplicates(["period", "item"], keep="last")
    suppressed = _is_suppressed(frame).astype(bool)
    for column in NUMERIC_COLUMNS:
        values = pd.to_numeric(frame[column], errors="coerce") if column in frame else pd.Series(pd.NA, index=frame.index)
        values = values.astype("Float64")
        frame[column] = values.mask(suppressed) if column in HIDDEN_WHEN_SUPPRESSED else values
    frame["suppressed"] = suppressed
    frame["period"] = frame["period"].astype(str) if "period" in frame else pd.Series(dtype="object")

    order = {item_id: index for index, item_id in enumerate(framework.item_ids)}
    groups = {group.id: group for group in framework.groups}
    items = frame["item"].map(framework.item)
    frame["order"] = frame["item"].map(order)
    frame["title"] = items.map(lambda item: item.title.get(lang))
    frame["kind"] = items.map(lambda item: item.kind)
    frame["group"] = items.map(lambda item: item.group)
    frame["group_title"] = frame["group"].map(lambda group: groups[group].title.get(lang))
    return frame.sort_values(["period", "order"], ignore_index=True)


def _scales_of(frame: pd.DataFrame, period: str | None) -> object:
    """The answer scales `period` was answered on (NA when the frame does not say)."""
    if "scales" not in frame:
        return pd.NA
    used = frame.loc[frame["period"] == period, "scales"].dropna()
    return pd.NA if used.empty else used.iloc[-1]


def _same_scales(frame: pd.DataFrame, period: str) -> pd.Series:
    """Rows answered on the same scales as `period`: numbers on other scales mean something else."""
    scales = _scales_of(frame, period)
    if pd.isna(scales):
        return pd.Series(True, index=frame.index)
    return frame["scales"].fillna(scales) == scales


def _previous_period(frame: pd.DataFrame, period: str) -> str | None:
    """The latest period before `period` that has statistics (is not suppressed) and was
    answered on the same scales."""
    earlier = frame[(frame["period"] < period) & ~frame["suppressed"] & _same_scales(frame, period)]["period"]
    return None if earlier.empty else str(earlier.max())


def other_scale_periods(summary: pd.DataFrame, framework: Framework, period: str) -> list[str]:
    """The team's other periods of this framework that were answered on different scales than
    `period`: they are never compared with it, and the screens say so."""
    return _other_scale_periods(_prepared(summary, framework, "nl"), period)


def _other_scale_periods(frame: pd.DataFrame, period: str) -> list[str]:
    if frame.empty:
        return []
    other = frame[~_same_scales(frame, period) & (frame["period"] != period)]["period"]
    return sorted(set(other))


def _of_period(frame: pd.DataFrame, period: str | None) -> pd.DataFrame:
    if period is None:
        return frame.iloc[0:0]
    return frame[frame["period"] == period]


def _with_previous(frame: pd.DataFrame, period: str, columns: list[str]) -> tuple[pd.DataFrame, str | None]:
    current = _of_period(frame, period)
    previous_period = _previous_period(frame, period)
    previous = _of_period(frame, previous_period)[["item", *columns]]
    previous = previous.rename(columns={column: f"previous_{column}" for column in columns})
    merged = current.merge(previous, on="item", how="left")
    for column in columns:
        merged[f"previous_{column}"] = merged[f"previous_{column}"].astype("Float64")
    merged["previous_period"] = previous_period if previous_period is not None else pd.NA
    return merged.sort_values("order", ignore_index=True), previous_period


def profile(summary: pd.DataFrame, framework: Framework, period: str, lang: str) -> pd.DataFrame:
    """The principles of `period` in framework order.

    Columns: item, title, group, group_title, median, mean, sd, n, n_dont_know, count_1..count_5,
    target_mean, previous_period, previous_median (median in the latest earlier unsuppressed
    period of the frame; NA when there is none). Empty when the period is not in the frame.
    """
    return _profile(_prepared(summary, framework, lang), period)


def _profile(frame: pd.DataFrame, period: str) -> pd.DataFrame:
    frame = frame[frame["kind"] == "principle"]
    if _of_period(frame, period).empty:
        return _empty(PROFILE_COLUMNS)
    merged, _ = _with_previous(frame, period, ["median"])
    return merged[PROFILE_COLUMNS]


def blockade_pairs(summary: pd.DataFrame, framework: Framework, period: str, lang: str) -> pd.DataFrame:
    """Per blockade (framework order): its median beside the median of the principle that answers it.

    Columns: blockade, blockade_title, blockade_median, blockade_mean, principle, principle_title,
    principle_median, principle_mean. A blockade nobody answers has NA principle fields.
    """
    return _blockade_pairs(_prepared(summary, framework, lang), framework, period, lang)


def _blockade_pairs(prepared: pd.DataFrame, framework: Framework, period: str, lang: str) -> pd.DataFrame:
    frame = _of_period(prepared, period).set_index("item")
    if frame.empty:
        return _empty(PAIR_COLUMNS)

    def value(item_id: str | None, column: str):
        return frame.at[item_id, column] if item_id is not None and item_id in frame.index else pd.NA

    rows = []
    for blockade in framework.items_of_kind("blockade"):
        principle = framework.item(blockade.answered_by) if blockade.answered_by else None
        rows.append(
            {
                "blockade": blockade.id,
                "blockade_title": blockade.title.get(lang),
                "blockade_median": value(blockade.id, "median"),
                "blockade_mean": value(blockade.id, "mean"),
                "principle": principle.id if principle else pd.NA,
                "principle_title": principle.title.get(lang) if principle else pd.NA,
                "principle_median": value(principle.id if principle else None, "median"),
                "principle_mean": value(principle.id if principle else None, "mean"),
            }
        )
    result = pd.DataFrame(rows, columns=PAIR_COLUMNS)
    for column in ["blockade_median", "blockade_mean", "principle_median", "principle_mean"]:
        result[column] = result[column].astype("Float64")
    return result


def _used_range(frame: pd.DataFrame) -> pd.DataFrame:
    """Lowest and highest score anyone used, and the distance between them."""
    used = frame[COUNT_COLUMNS].fillna(0).to_numpy(dtype=float) > 0
    any_used = used.any(axis=1)
    lowest = pd.Series(used.argmax(axis=1) + 1, index=frame.index, dtype="Float64").where(any_used)
    highest = pd.Series(len(SCORES) - used[:, ::-1].argmax(axis=1), index=frame.index, dtype="Float64").where(any_used)
    return frame.assign(lowest=lowest, highest=highest, range=highest - lowest)


def disagreement(summary: pd.DataFrame, framework: Framework, period: str, lang: str) -> pd.DataFrame:
    """All items of `period`, most disagreement first.

    Order: sd descending; ties broken by the wider range between the lowest and highest score
    used; then framework order. Items without an sd (fewer than two scores) come last.
    Columns: item, title, kind, group, group_title, sd, range, lowest, highest, median, mean, n,
    n_dont_know, count_1..count_5.
    """
    return _disagreement(_prepared(summary, framework, lang), period)


def _disagreement(prepared: pd.DataFrame, period: str) -> pd.DataFrame:
    frame = _of_period(prepared, period)
    if frame.empty:
        return _empty(DISAGREEMENT_COLUMNS)
    frame = _used_range(frame)
    frame = frame.sort_values(["sd", "range", "order"], ascending=[False, False, True], na_position="last")
    return frame[DISAGREEMENT_COLUMNS].reset_index(drop=True)


def _round_half_away(values: pd.Series) -> pd.Series:
    """Round to 1 decimal the way people do by hand (0.55 -> 0.6, -0.55 -> -0.6), ignoring the
    float noise of a subtraction such as 3.75 - 3.2 = 0.54999..."""
    numbers = values.astype("Float64")
    magnitude = (numbers.abs() * 10 + 0.5 + 1e-9).apply(lambda value: value if pd.isna(value) else float(int(value)))
    sign = numbers.map(lambda value: pd.NA if pd.isna(value) else (-1.0 if value < 0 else 1.0))
    return (magnitude.astype("Float64") * sign.astype("Float64") / 10).astype("Float64")


def _direction(delta) -> object:
    if pd.isna(delta):
        return pd.NA
    if abs(delta) < SAME_THRESHOLD:
        return "same"
    return "up" if delta > 0 else "down"


def changes(summary: pd.DataFrame, framework: Framework, period: str, lang: str) -> pd.DataFrame:
    """Per item (framework order): this period against the previous one.

    The previous period is the latest earlier period in the frame that is not suppressed.
    delta = current mean − previous mean, rounded to 1 decimal; direction is "up", "down" or
    "same" (|delta| < 0.25), NA without a previous value. outcome reads the direction by kind:
    a principle going up and a blockade going down are "better"; "same" stays "same".
    Columns: item, title, kind, group, group_title, period, previous_period, median, mean,
    previous_median, previous_mean, delta, direction, outcome.
    """
    return _changes(_prepared(summary, framework, lang), period)


def _changes(frame: pd.DataFrame, period: str) -> pd.DataFrame:
    if _of_period(frame, period).empty:
        return _empty(CHANGE_COLUMNS)
    merged, _ = _with_previous(frame, period, ["median", "mean"])
    merged["delta"] = _round_half_away(merged["mean"] - merged["previous_mean"])
    merged["direction"] = merged["delta"].map(_direction).astype("object")

    def outcome(row) -> object:
        if pd.isna(row["direction"]):
            return pd.NA
        if row["direction"] == "same":
            return "same"
        improving = "up" if row["kind"] == "principle" else "down"
        return "better" if row["direction"] == improving else "worse"

    merged["outcome"] = merged.apply(outcome, axis=1).astype("object")
    return merged[CHANGE_COLUMNS]


def agenda(summary: pd.DataFrame, framework: Framework, period: str, lang: str) -> pd.DataFrame:
    """All items of `period` ranked for the team conversation.

    Order: most "hier wil ik over praten" flags (n_discuss) first, then largest sd, then
    framework order. rank counts from 1. Columns: item, title, kind, group, group_title, rank,
    n_discuss, sd, median, mean, n.
    """
    return _agenda(_prepared(summary, framework, lang), period)


def _agenda(prepared: pd.DataFrame, period: str) -> pd.DataFrame:
    frame = _of_period(prepared, period)
    if frame.empty:
        return _empty(AGENDA_COLUMNS)
    frame = frame.sort_values(
        ["n_discuss", "sd", "order"], ascending=[False, False, True], na_position="last"
    ).reset_index(drop=True)
    frame["rank"] = range(1, len(frame) + 1)
    return frame[AGENDA_COLUMNS]


def history(summary: pd.DataFrame, framework: Framework, lang: str, period: str | None = None) -> pd.DataFrame:
    """Long frame of every unsuppressed period: item, title, kind, group, group_title, period,
    mean, median, n; in framework order, then by period. With `period`, only the periods
    answered on the same scales as that one."""
    return _history(_prepared(summary, framework, lang), period)


def _history(frame: pd.DataFrame, period: str | None) -> pd.DataFrame:
    frame = frame[~frame["suppressed"] & (_same_scales(frame, period) if period is not None else True)]
    if frame.empty:
        return _empty(HISTORY_COLUMNS)
    return frame.sort_values(["order", "period"])[HISTORY_COLUMNS].reset_index(drop=True)


def _withheld_items(prepared: pd.DataFrame, period: str, flag: str) -> list[str]:
    """The items of `period` (framework order, as "ID · title") whose numbers the policy
    withheld for the reason in column `flag`: "too_few_scores" (too few people gave an actual
    score, the others chose "weet ik niet") or "changed_since_reveal" (a workshop item that
    changed by fewer than the minimum of people after it was shown)."""
    if flag not in prepared:
        return []
    frame = _of_period(prepared, period)
    withheld = frame[frame[flag].fillna(False).astype(bool) & ~frame["suppressed"]]
    return [f"{row.item} · {row.title}" for row in withheld.itertuples()]


WITHHELD_FLAGS = tuple(FLAG_COLUMNS)  # the reasons the policy withholds an item's numbers


@dataclass(frozen=True)
class Headline:
    """The principles with the highest and the lowest median of a profile."""

    best_item: str
    best_title: str
    best_median: float
    weakest_item: str
    weakest_title: str
    weakest_median: float


def headline(profile_frame: pd.DataFrame) -> Headline | None:
    """The best and weakest principle of `profile()`'s frame; None when no principle has a median.
    Ties keep framework order: the first of the lowest, the last of the highest."""
    ranked = profile_frame.dropna(subset=["median"]).sort_values("median", kind="stable")
    if ranked.empty:
        return None
    best, weakest = ranked.iloc[-1], ranked.iloc[0]
    return Headline(
        best["item"], best["title"], float(best["median"]), weakest["item"], weakest["title"], float(weakest["median"])
    )


class TeamResults:
    """What a team sees about one period, from one preparation of the summary; each frame is
    derived when first asked for (see the functions above for its columns), so a page that shows
    one view computes only that one. The results page, the team report and the workshop summary
    all show this one object."""

    def __init__(self, summary: pd.DataFrame, framework: Framework, period: str, lang: str) -> None:
        self.period = period
        self._framework = framework
        self._lang = lang
        self._frame = _prepared(summary, framework, lang)

    @cached_property
    def profile(self) -> pd.DataFrame:
        return _profile(self._frame, self.period)

    @cached_property
    def pairs(self) -> pd.DataFrame:
        return _blockade_pairs(self._frame, self._framework, self.period, self._lang)

    @cached_property
    def spread(self) -> pd.DataFrame:
        return _disagreement(self._frame, self.period)

    @cached_property
    def changes(self) -> pd.DataFrame:
        return _changes(self._frame, self.period)

    @cached_property
    def history(self) -> pd.DataFrame:
        return _history(self._frame, self.period)

    @cached_property
    def agenda(self) -> pd.DataFrame:
        return _agenda(self._frame, self.period)

    @cached_property
    def other_scales(self) -> list[str]:
        return _other_scale_periods(self._frame, self.period)

    @cached_property
    def withheld(self) -> dict[str, list[str]]:
        """Per reason (WITHHELD_FLAGS), the items whose numbers the policy withheld."""
        return {flag: _withheld_items(self._frame, self.period, flag) for flag in WITHHELD_FLAGS}

    @property
    def headline(self) -> Headline | None:
        return headline(self.profile)

    @cached_property
    def previous_period(self) -> str | None:
        """The period this one is compared with (the latest earlier one with numbers, on the same scales)."""
        previous = self.changes["previous_period"].dropna()
        return None if previous.empty else str(previous.iloc[0])


def for_period(summary: pd.DataFrame, framework: Framework, period: str, lang: str) -> TeamResults:
    """Every view of `period` from one preparation of the summary."""
    return TeamResults(summary, framework, period, lang)
