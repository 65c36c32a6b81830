"""The instrument: every number is shown with the words of its own scale (principle, blockade,
resident), rounds keep the scale they were answered on, and quarters on different scales are
never compared silently."""

from __future__ import annotations

import html
import json
import re

import altair as alt
import pytest

from kringwijs_survey.core.vocabulary import CURRENT_SCALES, FIRST_SCALES
from kringwijs_survey.domain import responses, rounds, teams
from kringwijs_survey.render import chart_words, charts, reports, workshop_report
from kringwijs_survey.rules.access import SYSTEM
from kringwijs_survey.rules.content import get_frameworks
from kringwijs_survey.store.database import run_write
from kringwijs_survey.store.models import Round
from kringwijs_survey.views import organisation, team_results, workshop_results

from app_helpers import open_page
from factories import submit

FRAMEWORK = get_frameworks()["verklaring-van-eindhoven"]
ITEM_ID = re.compile(r"\b(AB\d|AO\d|B\d|KU\d)\b")
SCORE_WORDS = re.compile(r"^[1-5] · ")


def _walk(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def legend_words(spec: dict) -> set[str]:
    """The score words a chart's legends print ("5 · Heel erg")."""
    words = set()
    for node in _walk(spec):
        expression = node.get("labelExpr")
        if isinstance(expression, str) and expression.startswith("{") and " · " in expression:
            table = json.loads(expression[: expression.rindex("}") + 1]).values()
            words |= {value for value in table if isinstance(value, str) and SCORE_WORDS.match(value)}
    return words


def panels(spec: dict) -> list[dict]:
    """The per-kind panels of a distribution chart (one panel when only one kind is shown)."""
    return spec.get("vconcat", [spec])


def expected_words(framework, version: str, kind: str) -> set[str]:
    scale = framework.scale_set(version).scales[kind]
    return {f"{score} · {label.nl}" for score, label in scale.labels.items()}


def assert_each_row_has_its_own_scale(spec: dict, framework, version: str) -> set[str]:
    """Every panel names only items of one kind and prints exactly that kind's scale words."""
    kinds_seen = set()
    for panel in panels(spec):
        panel_text = json.dumps(panel, ensure_ascii=False)
        item_kinds = {framework.item(item_id).kind for item_id in ITEM_ID.findall(panel_text) if item_id in framework.item_ids}
        assert len(item_kinds) == 1, f"one panel mixes kinds: {item_kinds}"
        (kind,) = item_kinds
        assert legend_words(panel) == expected_words(framework, version, kind), kind
        kinds_seen.add(kind)
    return kinds_seen


@pytest.fixture
def round_with_both_kinds(app_engine):
    team = teams.create_team(app_engine, "Buurtteam Schaal", "Kringstad")
    survey_round = rounds.start_round(app_engine, team.id, "2026-Q3")
    for person in range(4):
        answers = [responses.AnswerInput(item.id, 1 + (person * 2 + index) % 5) for index, item in enumerate(FRAMEWORK.items)]
        submit(app_engine, survey_round.id, f"p{person}", answers)
    rounds.close_round(app_engine, survey_round.id, actor=SYSTEM)
    return app_engine, team, survey_round


def test_a_new_round_is_answered_on_the_current_scales(round_with_both_kinds):
    _, _, survey_round = round_with_both_kinds
    assert survey_round.scales == CURRENT_SCALES == FRAMEWORK.scales_version
    question = FRAMEWORK.scale_set(survey_round.scales).scales
    assert question["principle"].question.nl == "In hoeverre werken wij zo?"
    assert question["blockade"].question.nl == "Hoeveel staat dit ons werk in de weg?"


def test_distribution_gives_blockades_their_own_words(round_with_both_kinds):
    engine, team, survey_round = round_with_both_kinds
    summary = rounds.team_summary(engine, team, FRAMEWORK.id, 3)
    spread = team_results.disagreement(summary, FRAMEWORK, survey_round.period, "nl")
    by_kind = FRAMEWORK.scale_set(survey_round.scales).score_labels("nl")
    chart = charts.distribution(spread, labels=chart_words.chart_labels("nl"), score_labels_by_kind=by_kind)
    spec = chart.to_dict()
    assert assert_each_row_has_its_own_scale(spec, FRAMEWORK, survey_round.scales) == {"principle", "blockade"}
    assert "5 · Heel erg" in legend_words(spec) and "5 · Helemaal" in legend_words(spec)


def drawn_texts(chart) -> list[str]:
    """The texts of the chart as drawn (SVG), in drawing order."""
    return [html.unescape(text) for text in re.findall(r"<text[^>]*>([^<]*)</text>", charts.chart_image(chart, "svg").decode())]


def test_each_panel_is_drawn_with_its_own_rows(round_with_both_kinds):
    """The panels come from one builder; each must be drawn from its own rows, not all from the
    rows of one of them (Vega-Lite does that when the panels' views share names)."""
    engine, team, survey_round = round_with_both_kinds
    summary = rounds.team_summary(engine, team, FRAMEWORK.id, 3)
    spread = team_results.disagreement(summary, FRAMEWORK, survey_round.period, "nl")
    by_kind = FRAMEWORK.scale_set(survey_round.scales).score_labels("nl")
    chart = charts.distribution(spread, labels=chart_words.chart_labels("nl"), score_labels_by_kind=by_kind)
    rows = [text for text in drawn_texts(chart) if ITEM_ID.match(text)]
    expected = [f"{row.item} · {row.title}" for kind in ("principle", "blockade") for row in spread.itertuples() if row.kind == kind]
    assert rows == expected

    import pandas as pd

    frame = pd.DataFrame([{"team": "Noord", "item": item.id, "title": item.title.nl, "mean": 2.0} for item in FRAMEWORK.items])
    heat = charts.heatmap(frame, labels=chart_words.chart_labels("nl", mean="Gemiddelde"), item_order=FRAMEWORK.item_ids, kind_of=FRAMEWORK.kind_of)
    columns = [text for text in drawn_texts(heat) if ITEM_ID.fullmatch(text)]
    kinds = {item_id: FRAMEWORK.item(item_id).kind for item_id in FRAMEWORK.item_ids}
    assert columns == [i for i in FRAMEWORK.item_ids if kinds[i] == "principle"] + [i for i in FRAMEWORK.item_ids if kinds[i] == "blockade"]


def spread_view_specs(engine, team, survey_round) -> list[dict]:
    """The specs of the charts the team's results page shows for this round in its spread view."""
    key = teams.issue_team_key(engine, team.id)
    app = open_page("pages/results.py", query={"team": key}, session={"results_round": survey_round.id})
    app.radio(key="results_view").set_value("spread").run()
    assert not app.exception, app.exception
    return [json.loads(chart.proto.spec) for chart in app.get("vega_lite_chart")]


def team_pdf_specs(engine, team, survey_round, monkeypatch) -> list[dict]:
    """The specs of the charts the team's PDF report of this round draws."""
    drawn = []
    real_image = charts.chart_image

    def spy(chart, *args, **kwargs):
        drawn.append(chart.to_dict() if isinstance(chart, alt.TopLevelMixin) else chart)
        return real_image(chart, *args, **kwargs)

    monkeypatch.setattr(charts, "chart_image", spy)
    reports.team_report_pdf(engine, team.id, survey_round.id, min_group=3)
    return drawn


def test_the_results_page_shows_blockades_on_their_own_scale(round_with_both_kinds):
    engine, team, survey_round = round_with_both_kinds
    specs = spread_view_specs(engine, team, survey_round)
    checked = [assert_each_row_has_its_own_scale(spec, FRAMEWORK, survey_round.scales) for spec in specs if legend_words(spec)]
    assert {"principle", "blockade"} in checked


def test_the_team_pdf_uses_each_rows_scale(round_with_both_kinds, monkeypatch):
    engine, team, survey_round = round_with_both_kinds
    drawn = team_pdf_specs(engine, team, survey_round, monkeypatch)
    with_scale_words = [spec for spec in drawn if legend_words(spec)]
    assert with_scale_words, "the report has no chart with score words"
    for spec in with_scale_words:
        assert_each_row_has_its_own_scale(spec, FRAMEWORK, survey_round.scales)
    # Where blockades and principles share one track, the legend names each kind's own question.
    labels = chart_words.chart_labels("nl")
    pairs = [spec for spec in drawn if labels["blockade"] in json.dumps(spec, ensure_ascii=False)]
    assert pairs and all(labels["principle"] in json.dumps(spec, ensure_ascii=False) for spec in pairs)


def test_an_old_round_keeps_its_words_and_is_not_compared_with_a_new_one(round_with_both_kinds):
    engine, team, new_round = round_with_both_kinds
    old_round = rounds.start_round(engine, team.id, "2026-Q2")
    run_write(engine, lambda session: setattr(session.get(Round, old_round.id), "scales", FIRST_SCALES))
    for person in range(3):
        submit(engine, old_round.id, f"old{person}", [responses.AnswerInput(item.id, 2) for item in FRAMEWORK.items])
    rounds.close_round(engine, old_round.id, actor=SYSTEM)

    summary = rounds.team_summary(engine, team, FRAMEWORK.id, 3)
    assert team_results.other_scale_periods(summary, FRAMEWORK, new_round.period) == ["2026-Q2"]
    changed = team_results.changes(summary, FRAMEWORK, new_round.period, "nl")
    assert changed["previous_period"].isna().all() and changed["delta"].isna().all()
    assert set(team_results.history(summary, FRAMEWORK, "nl", new_round.period)["period"]) == {new_round.period}

    old = rounds.get_round(engine, old_round.id)
    spread = team_results.disagreement(summary, FRAMEWORK, old.period, "nl")
    by_kind = FRAMEWORK.scale_set(old.scales).score_labels("nl")
    spec = charts.distribution(spread, labels=chart_words.chart_labels("nl"), score_labels_by_kind=by_kind).to_dict()
    assert "5 · Bijna altijd" in legend_words(spec)  # the 2025 words it was answered with
    assert_each_row_has_its_own_scale(spec, FRAMEWORK, FIRST_SCALES)


def test_the_heatmap_reads_blockades_in_their_own_direction():
    """A bright blockade cell must not look good: blockades get their own panel, their colours
    reversed, and a legend that says so; bright means favourable in both panels."""
    import pandas as pd

    frame = pd.DataFrame(
        [{"team": team, "item": item.id, "title": item.title.nl, "mean": 5.0} for team in ("Noord", "Zuid") for item in FRAMEWORK.items]
    )
    labels = chart_words.chart_labels("nl", mean="Gemiddelde score")
    spec = charts.heatmap(frame, labels=labels, item_order=FRAMEWORK.item_ids, kind_of=FRAMEWORK.kind_of).to_dict()
    assert len(spec["hconcat"]) == 2
    principle_panel, blockade_panel = spec["hconcat"]
    for panel, kind, reversed_ in ((principle_panel, "principle", False), (blockade_panel, "blockade", True)):
        shown = set(ITEM_ID.findall(json.dumps(panel)))
        assert shown and {FRAMEWORK.item(item_id).kind for item_id in shown} == {kind}
        colours = [node["color"] for node in _walk(panel) if isinstance(node.get("color"), dict) and "scale" in node["color"]]
        assert colours and all(colour["scale"].get("reverse", False) is reversed_ for colour in colours)
        titles = [colour["legend"]["title"] for colour in colours]
        # the whole legend title is read, in lines no wider than the panel, never cut off with "…"
        assert any(" ".join(title) == labels[f"heat_{kind}"] for title in titles if isinstance(title, list))
        assert all(colour["legend"].get("titleLimit", 0) >= 1000 for colour in colours)
    assert "omgedraaid" in labels["heat_blockade"]


OLD_BLOCKADE_WORDS = {"5 · Heel veel last", "1 · Geen last"}


@pytest.fixture
def imported_old_round(app_engine, tmp_path):
    """A quarter collected on the first (2025) scales, brought in with `import-csv --scales 2025`."""
    from kringwijs_survey.domain import csv_io

    lines = ["team,period,respondent,item,score"]
    for person in range(4):
        lines += [f"Buurtteam Archief,2025-Q4,oud{person},{item.id},{1 + (person + index) % 5}" for index, item in enumerate(FRAMEWORK.items)]
    path = tmp_path / "old.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = csv_io.import_csv(app_engine, path, scales=FIRST_SCALES)
    assert result.scales == (FIRST_SCALES,)
    team = teams.find_team(app_engine, "Buurtteam Archief")
    (survey_round,) = rounds.list_rounds(app_engine, team.id)
    return app_engine, team, survey_round


def test_an_imported_round_stores_the_scales_it_was_answered_on(imported_old_round):
    _, _, survey_round = imported_old_round
    assert survey_round.scales == FIRST_SCALES != CURRENT_SCALES


def test_an_imported_old_round_is_charted_with_its_own_words(imported_old_round):
    engine, team, survey_round = imported_old_round
    specs = spread_view_specs(engine, team, survey_round)
    checked = [assert_each_row_has_its_own_scale(spec, FRAMEWORK, FIRST_SCALES) for spec in specs if legend_words(spec)]
    assert {"principle", "blockade"} in checked
    words = set().union(*(legend_words(spec) for spec in specs))
    assert OLD_BLOCKADE_WORDS <= words and "5 · Heel erg" not in words and "5 · Helemaal" not in words


def test_the_pdf_of_an_imported_old_round_uses_its_own_words(imported_old_round, monkeypatch):
    engine, team, survey_round = imported_old_round
    drawn = team_pdf_specs(engine, team, survey_round, monkeypatch)
    with_scale_words = [spec for spec in drawn if legend_words(spec)]
    assert with_scale_words
    for spec in with_scale_words:
        assert_each_row_has_its_own_scale(spec, FRAMEWORK, FIRST_SCALES)


# --- every chart reads blockades in their own direction -----------------------------------------
# A principle at 5 is good, a blockade at 5 is bad. Every chart builder either keeps the two
# kinds in panels of their own under a heading that says what higher means, or gives each kind
# its own colour and shape with a legend that says it, or shows one kind under a heading that
# says it, or is only ever given principles. A new builder must be put in one of these groups.

import inspect  # noqa: E402

import pandas as pd  # noqa: E402

from kringwijs_survey.domain import sharing  # noqa: E402

LABELS = {**chart_words.chart_labels("nl", mean="Gemiddelde"), **chart_words.spread_labels("nl"), **chart_words.trend_labels("nl"), **chart_words.pressure_labels("nl")}
KIND_HEADINGS = {"principle": (LABELS["principle"], LABELS["heat_principle"]), "blockade": (LABELS["blockade"], LABELS["heat_blockade"])}


def chart_builders() -> set[str]:
    """Public functions of the charts package (render/charts/) that take labels and return a chart."""
    found = set()
    for name, function in vars(charts).items():
        if name.startswith("_") or not inspect.isfunction(function) or not function.__module__.startswith(charts.__name__):
            continue
        signature = inspect.signature(function)
        if "labels" in signature.parameters and "Chart" in str(signature.return_annotation):
            found.add(f"charts.{name}")
    return found


def mixed_rows(**values) -> pd.DataFrame:
    return pd.DataFrame(
        [{"item": item.id, "title": item.title.nl, "kind": item.kind, **values} for item in FRAMEWORK.items]
    )


def text_of(spec) -> str:
    return json.dumps(spec, ensure_ascii=False)


def assert_panels_by_kind(spec: dict) -> None:
    """Each panel shows items of one kind and names that kind's heading (with its direction)."""
    parts = spec.get("vconcat") or spec.get("hconcat")
    assert parts and len(parts) == 2, "principles and blockades in panels of their own"
    for part in parts:
        shown = {FRAMEWORK.item(item_id).kind for item_id in ITEM_ID.findall(text_of(part)) if item_id in FRAMEWORK.item_ids}
        assert len(shown) == 1, shown
        (kind,) = shown
        flat = text_of(part).replace('", "', " ")  # a heading wrapped onto lines
        assert any(heading in flat for heading in KIND_HEADINGS[kind]), f"the {kind} panel does not say what higher means"


def assert_colour_and_shape_by_kind(spec: dict) -> None:
    """Both kinds on one track: each has its own colour and shape, and the legend names both."""
    colours = [node["color"] for node in _walk(spec) if isinstance(node.get("color"), dict) and "scale" in node["color"]]
    domains = [c["scale"] for c in colours if set(c["scale"].get("domain", [])) >= {LABELS["principle"], LABELS["blockade"]}]
    assert domains, "no colour for each kind"
    for scale in domains:
        by_kind = dict(zip(scale["domain"], scale["range"]))
        assert by_kind[LABELS["principle"]] != by_kind[LABELS["blockade"]]
    shapes = [node["shape"]["scale"] for node in _walk(spec) if isinstance(node.get("shape"), dict) and "scale" in node["shape"]]
    assert any(len(set(dict(zip(s["domain"], s["range"])).values())) == 2 for s in shapes if LABELS["blockade"] in s.get("domain", []))


def check_distribution():
    frame = mixed_rows(count_1=1, count_2=1, count_3=1, count_4=1, count_5=1, n_dont_know=0, sd=1.0)
    by_kind = FRAMEWORK.current_scales.score_labels("nl")
    assert_panels_by_kind(charts.distribution(frame, labels=LABELS, score_labels_by_kind=by_kind).to_dict())


def check_heatmap():
    frame = pd.concat([mixed_rows(team=team, mean=4.0) for team in ("Noord", "Zuid")])
    spec = charts.heatmap(frame, labels=LABELS, item_order=FRAMEWORK.item_ids, kind_of=FRAMEWORK.kind_of).to_dict()
    assert_panels_by_kind(spec)  # (the reversed colours: test_the_heatmap_reads_blockades_in_their_own_direction)


def check_team_spread_chart():
    frame = pd.concat([mixed_rows(team=team, mean=mean, org_mean=3.0) for team, mean in (("Noord", 2.0), ("Zuid", 4.0))])
    for width in (None, 360):
        assert_panels_by_kind(charts.team_spread_chart(frame, labels=LABELS, highlight="Zuid", width=width).to_dict())


def check_blockade_pairs_chart():
    pairs = pd.DataFrame(
        [
            {"blockade": b.id, "blockade_title": b.title.nl, "blockade_median": 4.0, "principle": b.answered_by,
             "principle_title": FRAMEWORK.item(b.answered_by).title.nl, "principle_median": 4.0}
            for b in FRAMEWORK.items_of_kind("blockade")
        ]
    )
    assert_colour_and_shape_by_kind(charts.blockade_pairs_chart(pairs, labels=LABELS).to_dict())


def check_small_multiples():
    frame = pd.concat([mixed_rows(period=period, mean=3.0) for period in ("2026-Q1", "2026-Q2")])
    assert_colour_and_shape_by_kind(charts.small_multiples(frame, labels=LABELS).to_dict())


def check_changes_chart():
    """Colour says better or worse by kind: a blockade going up is worse, a principle going up better."""
    frame = team_results_changes_both_up()
    spec = charts.changes_chart(frame, labels=LABELS).to_dict()
    outcome = {row["item"]: row["outcome_label"] for dataset in spec["datasets"].values() for row in dataset if "outcome_label" in row}
    for item in FRAMEWORK.items:
        assert outcome[item.id] == (LABELS["worse"] if item.kind == "blockade" else LABELS["better"]), item.id


def summary_rows() -> pd.DataFrame:
    """A team's summary of two quarters in which every item went from 2 to 4."""
    rows = []
    for period, score in (("2026-Q1", 2), ("2026-Q2", 4)):
        rows += [
            {"team": "T", "period": period, "scales": CURRENT_SCALES, "item": item.id, "respondents": 5, "n": 5, "mean": float(score),
             "median": float(score), "sd": 0.0, "n_dont_know": 0, "suppressed": False, "too_few_scores": False,
             **{f"count_{s}": 5 if s == score else 0 for s in range(1, 6)}}
            for item in FRAMEWORK.items
        ]
    return pd.DataFrame(rows)


def team_results_changes_both_up() -> pd.DataFrame:
    return team_results.changes(summary_rows(), FRAMEWORK, "2026-Q2", "nl")


def check_trend_chart():
    frame = pd.DataFrame([{"series": s, "is_organisation": s == "Organisatie", "period": p, "mean": 3.0} for s in ("Noord", "Organisatie") for p in ("2026-Q1", "2026-Q2")])
    for kind in ("principle", "blockade"):
        spec = text_of(charts.trend_chart(frame, labels=LABELS, kind=kind, width=360).to_dict()).replace('", "', " ")
        assert LABELS[kind] in spec, kind


def check_pressure_chart():
    frame = pd.DataFrame([{"item": b.id, "title": b.title.nl, "teams": 6, "teams_high": 2, "mean": 3.0} for b in FRAMEWORK.items_of_kind("blockade")])
    for width in (None, 360):
        assert LABELS["blockade"] in text_of(charts.pressure_chart(frame, labels=LABELS, width=width).to_dict()).replace('", "', " ")


def check_principles_only():
    """radar, member_dots and perspectives_chart are only given principles: the team profile,
    a shared team's profile and the residents' sentences all belong to principles."""
    profile = team_results.profile(summary_rows(), FRAMEWORK, "2026-Q2", "nl")
    assert not profile.empty and {FRAMEWORK.item(item_id).kind for item_id in profile["item"]} == {"principle"}
    assert '["kind"] == "principle"' in inspect.getsource(organisation.team_profile)
    assert all(FRAMEWORK.item(s.principle).kind == "principle" for s in FRAMEWORK.resident_statements)


BUILDER_CHECKS = {
    "charts.distribution": check_distribution,
    "charts.heatmap": check_heatmap,
    "charts.team_spread_chart": check_team_spread_chart,
    "charts.blockade_pairs_chart": check_blockade_pairs_chart,
    "charts.small_multiples": check_small_multiples,
    "charts.changes_chart": check_changes_chart,
    "charts.trend_chart": check_trend_chart,
    "charts.pressure_chart": check_pressure_chart,
    "charts.radar": check_principles_only,
    "charts.member_dots": check_principles_only,
    "charts.perspectives_chart": check_principles_only,
}


def test_every_chart_builder_is_checked_for_the_direction_of_blockades():
    assert chart_builders() == set(BUILDER_CHECKS), "put a new chart builder in BUILDER_CHECKS"


@pytest.mark.parametrize("builder", sorted(BUILDER_CHECKS))
def test_each_chart_labels_and_colours_every_row_by_its_own_kind(builder):
    BUILDER_CHECKS[builder]()


def test_the_workshop_summary_says_which_kind_is_which(round_with_both_kinds):
    """The workshop's summary (projector, PNG and PDF) draws the blockade pairs: each kind its
    own colour, shape and legend entry saying what higher means."""
    engine, team, survey_round = round_with_both_kinds
    summary = rounds.team_summary(engine, team, FRAMEWORK.id, 3)
    found = workshop_results.WorkshopSummary(
        name="Workshop", period=survey_round.period, framework=FRAMEWORK, respondents=4, shown=True,
        profile=team_results.profile(summary, FRAMEWORK, survey_round.period, "nl"),
        pairs=team_results.blockade_pairs(summary, FRAMEWORK, survey_round.period, "nl"),
        agenda=team_results.agenda(summary, FRAMEWORK, survey_round.period, "nl"), too_few_scores=(), changed_since_reveal=(),
    )
    _, pairs_chart = workshop_report.summary_charts(found, chart_words.chart_labels("nl"), big=False)
    assert_colour_and_shape_by_kind(pairs_chart.to_dict())
    assert workshop_report.summary_png(found, chart_words.chart_labels("nl"), "nl").startswith(b"\x89PNG")


def test_the_manager_view_says_when_quarters_were_answered_on_older_scales(app_engine):
    """Rounds on the first scales (e.g. imported with --scales 2025) next to rounds on the current
    ones: the organisation's view names the quarters instead of comparing them silently."""
    for name in ("Noord", "Zuid", "Oost"):
        team = teams.create_team(app_engine, f"Buurtteam {name}", "Kringstad")
        for period, version in (("2025-Q4", FIRST_SCALES), ("2026-Q1", CURRENT_SCALES)):
            survey_round = rounds.start_round(app_engine, team.id, period)
            run_write(app_engine, lambda session, rid=survey_round.id, v=version: setattr(session.get(Round, rid), "scales", v))
            for person in range(5):
                submit(app_engine, survey_round.id, f"{name}-{period}-{person}", [responses.AnswerInput(item.id, 3) for item in FRAMEWORK.items])
            rounds.close_round(app_engine, survey_round.id, actor=SYSTEM)
            sharing.publish_round(app_engine, survey_round.id)
    view = organisation.organisation_view(app_engine, min_group_org=5)
    assert view.enough and view.older_scales == ("2025-Q4",)
    assert organisation.anonymise(view, seed=1).older_scales == ("2025-Q4",)
    from kringwijs_survey.rules.access import Principal, Role

    from app_helpers import all_text

    manager = open_page("pages/manager.py", session={"principal": Principal(Role.MANAGER)})
    assert not manager.exception, manager.exception
    assert "oudere antwoordschalen" in all_text(manager) and "2025-Q4" in all_text(manager)

    only_current = organisation.organisation_view(app_engine, min_group_org=5, periods="2026-Q1")
    assert only_current.older_scales == ("2025-Q4",)  # the trend still reaches back to it
