"""Who sees what: every registered page, under every kind of visitor.

The matrix is built from the page registry, so a page added later is visited without
editing this file. A page that is not registered cannot be opened by anyone.
"""

from pathlib import Path

import pytest

from kringwijs_survey.domain import responses, rounds, sharing, teams
from kringwijs_survey.rules.access import SYSTEM, Principal, Role, new_respondent_key
from kringwijs_survey.web.navigation import PAGES, page_for_file

import factories
from app_helpers import all_text, open_page

REPO = Path(__file__).resolve().parents[1]
SECRET_COMMENT_A = "Vertrouwelijke opmerking van team Alfa"
SECRET_COMMENT_B = "Vertrouwelijke opmerking van team Bravo"


@pytest.fixture
def world(app_engine, monkeypatch):
    for role in ("facilitator", "manager", "admin"):
        monkeypatch.setenv(f"KRINGWIJS_{role.upper()}_PASSPHRASE_HASH", factories.passphrase_hash(f"{role}-geheim"))
    engine, url = app_engine, app_engine.url.render_as_string(hide_password=False)
    keys, codes = {}, {}
    for name, secret in (("Team Alfa", SECRET_COMMENT_A), ("Team Bravo", SECRET_COMMENT_B)):
        team = teams.create_team(engine, name)
        keys[name] = teams.issue_team_key(engine, team.id)
        closed = rounds.start_round(engine, team.id, "2026-Q1")
        for index in range(5 if name == "Team Alfa" else 4):
            answers = [responses.AnswerInput("AB1", 3 + index % 2, secret if index == 0 else None)]
            factories.submit(engine, closed.id, f"{name}-{index}", answers)
        rounds.close_round(engine, closed.id, actor=SYSTEM)
        if name == "Team Alfa":  # Alfa shares its round with the organisation; Bravo never does
            sharing.publish_round(engine, closed.id)
        codes[f"{name} closed"] = closed.join_code
        still_open = rounds.start_round(engine, team.id, "2026-Q2")
        codes[f"{name} open"] = still_open.join_code
        codes[f"{name} invitation"] = rounds.create_invitations(engine, still_open.id, 1, actor=SYSTEM)[0]
    for name in ("Team Charlie", "Team Delta"):  # two more sharing teams, so the manager view shows figures
        shared = rounds.start_round(engine, teams.create_team(engine, name).id, "2026-Q1")
        for index in range(5):
            factories.submit(engine, shared.id, f"{name}-{index}", [responses.AnswerInput("AB1", 2 + index % 3)])
        rounds.close_round(engine, shared.id, actor=SYSTEM)
        sharing.publish_round(engine, shared.id)
    return {"url": url, "keys": keys, "codes": codes}


def visitors(world):
    """(name, query params, injected principal, teams whose data they may see, secrets they may see)."""
    keys, codes = world["keys"], world["codes"]
    return [
        ("no role", {}, None, set(), set()),
        ("wrong team key", {"team": "x" * 32}, None, set(), set()),
        ("team Alfa", {"team": keys["Team Alfa"]}, None, {"Team Alfa"}, {SECRET_COMMENT_A}),
        ("team Bravo", {"team": keys["Team Bravo"]}, None, {"Team Bravo"}, {SECRET_COMMENT_B}),
        ("participant Alfa", {"invite": codes["Team Alfa invitation"]}, None, {"Team Alfa"}, set()),
        ("join code of an invitation round", {"join": codes["Team Alfa open"]}, None, set(), set()),
        ("expired join code", {"join": codes["Team Alfa closed"]}, None, set(), set()),
        ("facilitator", {}, Principal(Role.FACILITATOR), set(), set()),
        ("manager", {}, Principal(Role.MANAGER), {"Team Alfa"}, set()),  # only teams that published
        ("admin", {}, Principal(Role.ADMIN), {"Team Alfa", "Team Bravo"}, set()),
    ]


def role_of(name, principal):
    if principal is not None:
        return principal.role.value
    return {"team Alfa": "team", "team Bravo": "team", "participant Alfa": "participant"}.get(name)


@pytest.mark.parametrize("spec", PAGES, ids=[spec.url_path for spec in PAGES])
def test_every_page_under_every_visitor(world, spec):
    for name, query, principal, teams_seen, secrets_seen in visitors(world):
        session = {"principal": principal} if principal else None
        app = open_page(spec.path, query=query, session=session)
        assert not app.exception, (name, app.exception)
        text = all_text(app)
        role = role_of(name, principal)
        allowed = "everyone" in spec.roles or role in spec.roles
        refused = "Je hebt geen toegang" in text
        assert refused != allowed, f"{spec.path} as {name}: allowed={allowed} but refused={refused}"
        for team in {"Team Alfa", "Team Bravo"} - teams_seen:
            assert team not in text, f"{spec.path} as {name} shows {team}"
        for secret in {SECRET_COMMENT_A, SECRET_COMMENT_B} - secrets_seen:
            assert secret not in text, f"{spec.path} as {name} shows a comment it must not see"


def test_every_page_file_is_registered_and_starts_with_the_access_check():
    registered = {spec.path for spec in PAGES}
    for page_file in sorted((REPO / "pages").glob("*.py")):
        relative = f"pages/{page_file.name}"
        assert relative in registered, f"{relative} is not in navigation.PAGES"
        code = page_file.read_text(encoding="utf-8")
        assert "who = guard.guard_page(__file__)" in code, f"{relative} does not call the access check"


def test_an_unregistered_page_is_nobodys_to_open(tmp_path):
    assert page_for_file(str(tmp_path / "sneaky.py")).roles == ()


def test_wrong_key_and_expired_code_say_why_in_dutch(world):
    app = open_page("pages/team.py", query={"team": "verkeerd"})
    assert "Deze teamlink klopt niet" in all_text(app)
    closed = all_text(open_page("pages/join.py", query={"join": world["codes"]["Team Alfa closed"]}))
    unknown = all_text(open_page("pages/join.py", query={"join": "ZZZZZZ"}))
    # Unknown and closed codes answer alike (finding 8): a guesser learns nothing from the text.
    assert "Deze code werkt niet" in closed and closed == unknown


def test_passphrase_sign_in_and_a_wrong_passphrase(world):
    app = open_page("pages/login.py")
    form = app.tabs[1]
    form.selectbox[0].set_value(Role.ADMIN)
    form.text_input[0].input("fout")
    form.button[0].click().run()
    assert "Dit wachtwoord klopt niet" in all_text(app)
    app.tabs[1].text_input[0].input("admin-geheim")
    app.tabs[1].button[0].click().run()
    assert "Je bent ingelogd als beheerder" in all_text(app)
    app.switch_page("pages/admin.py").run()
    assert "Team Alfa" in all_text(app) and "Je hebt geen toegang" not in all_text(app)


def test_team_key_typed_on_the_login_page_opens_only_that_team(world):
    app = open_page("pages/login.py")
    app.tabs[0].text_input[0].input(world["keys"]["Team Bravo"])
    app.tabs[0].button[0].click().run()
    app.switch_page("pages/team.py").run()
    text = all_text(app)
    assert "Team Bravo" in text and "Team Alfa" not in text


def test_url_paths_match_file_names_so_first_requests_route_the_same():
    for spec in PAGES:
        assert spec.url_path == Path(spec.path).stem


def test_the_answer_cookie_takes_only_what_the_app_writes():
    from kringwijs_survey.rules.access import answer_cookie_value, parse_answer_cookie

    key = new_respondent_key()
    assert parse_answer_cookie(answer_cookie_value(key, "ABCDEFGHJKMN")) == (key, "ABCDEFGHJKMN")
    assert parse_answer_cookie(answer_cookie_value(key, None)) == (key, None)
    assert parse_answer_cookie(f"{key}.ABCD-EFGH-JKMN") == (key, "ABCDEFGHJKMN")
    assert parse_answer_cookie(f"{key}.TOO-SHORT") == (key, None)
    for junk in (None, "", "short.ABCDEFGHJKMN", "<script>x</script>." , "a" * 65, "key with spaces" * 2):
        assert parse_answer_cookie(junk) is None
