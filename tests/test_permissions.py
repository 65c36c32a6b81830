"""Use cases know who is asking (issue 12): every use case that changes a team's data takes the
principal and refuses what it does not own (access.ensure_permission), so a page cannot forget."""

from pathlib import Path

import pytest

from kringwijs_survey.core.i18n import t
from kringwijs_survey.domain import notes, rounds, teams, workshop
from kringwijs_survey.rules import access
from kringwijs_survey.rules.access import NotAllowed, Principal, Role

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def two_teams(app_engine):
    alfa = teams.create_team(app_engine, "Team Alfa")
    bravo = teams.create_team(app_engine, "Team Bravo")
    return app_engine, rounds.start_round(app_engine, alfa.id, "2026-Q1"), bravo


def attempts(engine, survey_round):
    """Every changing use case, aimed at Team Alfa's round."""
    return {
        "close": lambda who: rounds.close_round(engine, survey_round.id, actor=who),
        "reopen": lambda who: rounds.set_round_status(engine, survey_round.id, "open", actor=who),
        "invite": lambda who: rounds.create_invitations(engine, survey_round.id, 3, actor=who),
        "note": lambda who: notes.save_note(engine, survey_round.id, "AB1", "Ingebroken", actor=who),
        "action": lambda who: notes.add_action(engine, survey_round.id, notes.ActionInput("Ingebroken"), actor=who),
        "residents": lambda who: rounds.open_residents_round(engine, survey_round.id, actor=who),
        "workshop": lambda who: workshop.open_team_round_for_workshop(engine, survey_round.id, actor=who),
        "address residents": lambda who: teams.set_residents_informal(engine, survey_round.team_id, True, actor=who),
    }


def test_only_the_owning_team_changes_its_data(two_teams):
    engine, survey_round, bravo = two_teams
    outsiders = [
        Principal(Role.TEAM, team_id=bravo.id),  # another team's link
        Principal(Role.PARTICIPANT, team_id=survey_round.team_id, round_id=survey_round.id, respondent="x"),
        Principal(Role.FACILITATOR),
        Principal(Role.MANAGER),
        Principal(Role.ADMIN),  # manages teams, does not run their rounds
        access.ANONYMOUS,
    ]
    for name, attempt in attempts(engine, survey_round).items():
        for who in outsiders:
            with pytest.raises(NotAllowed) as refused:
                attempt(who)
            assert str(refused.value) == t("access.not_allowed"), (name, who)
    # Nothing changed, and asking about a round that does not exist says the same.
    assert rounds.get_round(engine, survey_round.id).status == "open"
    assert notes.round_notes(engine, survey_round.id) == {} and notes.round_actions(engine, survey_round.id) == []
    assert rounds.invitation_count(engine, survey_round.id).invited == 0
    assert not teams.get_team(engine, survey_round.team_id).residents_informal
    with pytest.raises(NotAllowed):
        rounds.close_round(engine, 987654, actor=Principal(Role.TEAM, team_id=bravo.id))

    owner = Principal(Role.TEAM, team_id=survey_round.team_id)
    for name, attempt in attempts(engine, survey_round).items():
        if name not in ("close", "reopen"):
            attempt(owner)
    rounds.close_round(engine, survey_round.id, actor=owner)
    assert rounds.get_round(engine, survey_round.id).status == "closed"
    action = notes.round_actions(engine, survey_round.id)[0]
    with pytest.raises(NotAllowed):
        notes.review_action(engine, action.id, "done", actor=Principal(Role.TEAM, team_id=bravo.id))
    notes.review_action(engine, action.id, "done", actor=owner)


def test_the_refusal_speaks_the_persons_language():
    assert t("access.not_allowed", "en").startswith("Not allowed")
    assert t("access.not_allowed", "nl").startswith("Dit mag niet")


def test_pages_pass_the_principal_the_guard_admitted_and_never_the_command_line():
    for page in sorted((REPO / "pages").glob("*.py")):
        code = page.read_text(encoding="utf-8")
        assert "SYSTEM" not in code and "Role.SYSTEM" not in code, page.name
    for name in ("team.py", "results.py"):
        code = (REPO / "pages" / name).read_text(encoding="utf-8")
        assert "actor=who" in code and "actor=" not in code.replace("actor=who", ""), name
