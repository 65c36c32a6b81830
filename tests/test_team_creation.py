"""Teams are made by an admin by default (issue 12, finding 6): "Nieuw team" is a setting, a
self-made team waits for approval before it counts for the organisation, and import-csv never
writes into a team it did not make unless the admin names that team."""


from kringwijs_survey.domain import responses, rounds, sharing, teams
from kringwijs_survey.rules.access import SYSTEM, Principal, Role
from kringwijs_survey.rules.content import get_frameworks
from kringwijs_survey.views import organisation

import factories
from app_helpers import all_text, open_page
from cli_runner import run_cli

FRAMEWORK = get_frameworks()["verklaring-van-eindhoven"]
ADMIN = {"principal": Principal(Role.ADMIN)}
MANAGER = {"principal": Principal(Role.MANAGER)}


def shared_round(engine, team, scores, period="2026-Q1"):
    survey_round = rounds.start_round(engine, team.id, period)
    for index, score in enumerate(scores):
        factories.submit(engine, survey_round.id, f"{team.name}-{index}", [responses.AnswerInput(i.id, score) for i in FRAMEWORK.items])
    rounds.close_round(engine, survey_round.id, actor=SYSTEM)
    sharing.publish_round(engine, survey_round.id)


def make_team_on_the_page(name):
    app = open_page("pages/new_team.py")
    if not app.text_input:
        return app, None
    app.text_input[0].input(name)
    app.button[0].click().run()
    links = [c.value for c in app.code if "team=" in c.value]
    return app, (links[0].split("team=")[1] if links else None)


def test_nieuw_team_is_off_by_default(app_engine, monkeypatch):
    monkeypatch.delenv("SELF_SERVICE_TEAMS", raising=False)
    app, key = make_team_on_the_page("Wijkteam Zuid")
    assert key is None and "Nieuwe teams maakt de beheerder" in all_text(app)
    assert teams.list_teams(app_engine) == []


def test_a_self_made_team_never_moves_the_organisations_figures_until_approved(app_engine, monkeypatch):
    """Finding 6: a made-up team with five self-made answers published and moved the
    organisation's figures and to-do list."""
    monkeypatch.setenv("SELF_SERVICE_TEAMS", "1")
    for name, score in (("Wijkteam Noord", 3), ("Wijkteam Oost", 3), ("Wijkteam West", 3)):
        shared_round(app_engine, teams.create_team(app_engine, name), [score] * 5)
    before = organisation.organisation_view(app_engine, min_group_org=5)
    app, key = make_team_on_the_page("Wijkteam Nep")
    assert key and "Tot de beheerder je team goedkeurt" in all_text(app)
    fake = teams.team_by_key(app_engine, key)
    assert fake.origin == "self" and not fake.approved
    shared_round(app_engine, fake, [1] * 5)
    after = organisation.organisation_view(app_engine, min_group_org=5)
    assert "Wijkteam Nep" not in after.teams and after.teams == before.teams
    assert after.organisation.equals(before.organisation)
    manager = open_page("pages/manager.py", session=MANAGER)
    assert "Wijkteam Nep" not in all_text(manager)

    admin = open_page("pages/admin.py", session=ADMIN)
    assert "nog niet goedgekeurd" in all_text(admin)
    next(b for b in admin.button if b.label == "Goedkeuren").click().run()
    assert "Het team 'Wijkteam Nep' is goedgekeurd" in all_text(admin)
    assert "Wijkteam Nep" in organisation.organisation_view(app_engine, min_group_org=5).teams


GOOD_CSV = "team,period,respondent,item,score\nWijkteam Zuid,2026-Q1,r1,AB1,4\nWijkteam Zuid,2026-Q1,r2,AB1,2\n"


def test_import_never_writes_into_a_team_someone_else_made(app_engine, tmp_path):
    """Finding 6: an outsider made "Wijkteam Zuid" before the admin imported it; import-csv then
    wrote the real team's answers into the outsider's team, readable with the outsider's key."""
    url = app_engine.url.render_as_string(hide_password=False)
    outsider = teams.create_team(app_engine, "Wijkteam Zuid", origin="self")
    teams.issue_team_key(app_engine, outsider.id)
    path = tmp_path / "zuid.csv"
    path.write_text(GOOD_CSV, encoding="utf-8")
    refused = run_cli(url, "import-csv", str(path))
    assert refused.returncode == 1 and "--into" in refused.stderr and "Wijkteam Zuid" in refused.stderr
    assert rounds.list_rounds(app_engine, outsider.id) == []
    # Teams the import made itself take the same file again (idempotent), other teams only by name.
    other = tmp_path / "noord.csv"
    other.write_text(GOOD_CSV.replace("Zuid", "Noord"), encoding="utf-8")
    assert run_cli(url, "import-csv", str(other)).returncode == 0
    assert run_cli(url, "import-csv", str(other)).returncode == 0
    assert teams.find_team(app_engine, "Wijkteam Noord").origin == "import"
    named = run_cli(url, "import-csv", str(path), "--into", "Wijkteam Zuid")
    assert named.returncode == 0, named.stderr
    (survey_round,) = rounds.list_rounds(app_engine, outsider.id)
    assert rounds.response_sources(app_engine, survey_round.id) == {"import": 2}
