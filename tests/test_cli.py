"""The admin command line against a real database file: in this process through `cli_runner`, and
once as a real `python -m kringwijs_survey` process."""

import csv
import io
import os
import subprocess
import sys

import pytest
from sqlalchemy import create_engine, text

from kringwijs_survey.domain import teams

from cli_runner import run_cli

GOOD_CSV = (
    "team,period,respondent,item,score,comment\n"
    'Wijkteam Noord,2026-Q1,r1,AB1,4,"Goed, maar ""soms"" lastig"\n'
    'Wijkteam Noord,2026-Q1,r1,AB2,,"Twee\nregels, één met accent é en emoji 🙂👩🏽‍⚕️"\n'
    "Wijkteam Noord,2026-Q1,r2,AB1,2,\n"
    "Wijkteam Noord,2026-Q1,r3,AB1,5,\n"
    "Wijkteam Zuid,2026-Q2,z1,B3,1,Tijdsdruk\n"
)


def run_module(db_url, *args):
    env = {**os.environ, "DATABASE_URL": db_url}
    return subprocess.run([sys.executable, "-m", "kringwijs_survey", *args], env=env, capture_output=True, text=True, timeout=120)


def counts(db_url):
    engine = create_engine(db_url)
    with engine.connect() as connection:
        result = {table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar() for table in ("team", "round", "response", "answer")}
    engine.dispose()
    return result


@pytest.fixture
def csv_file(tmp_path):
    def write(content, name="answers.csv"):
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")
        return path

    return write


def test_import_creates_teams_rounds_and_answers(db_url, csv_file):
    result = run_cli(db_url, "import-csv", str(csv_file(GOOD_CSV)))
    assert result.returncode == 0, result.stderr
    assert counts(db_url) == {"team": 2, "round": 2, "response": 4, "answer": 5}


def test_reimporting_the_same_file_changes_nothing(db_url, csv_file, tmp_path):
    path = csv_file(GOOD_CSV)
    assert run_cli(db_url, "import-csv", str(path)).returncode == 0
    before_counts = counts(db_url)
    assert run_cli(db_url, "export-csv", str(tmp_path / "first.csv")).returncode == 0
    assert run_cli(db_url, "import-csv", str(path)).returncode == 0
    assert run_cli(db_url, "export-csv", str(tmp_path / "second.csv")).returncode == 0
    assert counts(db_url) == before_counts
    assert (tmp_path / "first.csv").read_bytes() == (tmp_path / "second.csv").read_bytes()


def test_import_export_import_is_lossless(db_url, csv_file, tmp_path):
    assert run_cli(db_url, "import-csv", str(csv_file(GOOD_CSV))).returncode == 0
    exported = tmp_path / "export.csv"
    assert run_cli(db_url, "export-csv", str(exported)).returncode == 0
    original = sorted(csv.DictReader(io.StringIO(GOOD_CSV)), key=lambda r: (r["team"], r["respondent"], r["item"]))
    round_trip = sorted(csv.DictReader(exported.open(encoding="utf-8", newline="")), key=lambda r: (r["team"], r["respondent"], r["item"]))
    assert [row.pop("scales") for row in round_trip] == ["2026"] * len(original)  # the scales they were stored with
    assert round_trip == original

    second_db = f"sqlite:///{tmp_path / 'second.db'}"
    assert run_cli(second_db, "import-csv", str(exported)).returncode == 0
    again = tmp_path / "again.csv"
    assert run_cli(second_db, "export-csv", str(again)).returncode == 0
    assert again.read_bytes() == exported.read_bytes()


def test_a_bad_file_names_every_bad_line_and_writes_nothing(db_url, csv_file):
    assert run_cli(db_url, "import-csv", str(csv_file(GOOD_CSV, "good.csv"))).returncode == 0
    before = counts(db_url)
    bad = (
        "team,period,respondent,item,score,comment\n"
        "Wijkteam Oost,2026-Q1,o1,AB1,3,prima\n"  # line 2: fine, but must not be written
        "Wijkteam Oost,2026-Q1,o1,XX9,3,\n"  # line 3: unknown item
        "Wijkteam Oost,2026-Q1,o2,AB1,6,\n"  # line 4: score out of range
        "Wijkteam Oost,2026-Q5,o3,AB1,3,\n"  # line 5: bad period
        "Wijkteam Oost,2026-Q1,o4\n"  # line 6: missing fields
        f"Wijkteam Oost,2026-Q1,o5,AB1,3,{'x' * 2001}\n"  # line 7: comment too long
        f"{'T' * 101},2026-Q1,o6,AB1,3,\n"  # line 8: team name too long
        "Wijkteam Oost,2026-Q1,o7,AB1,drie,\n"  # line 9: not a number
    )
    result = run_cli(db_url, "import-csv", str(csv_file(bad, "bad.csv")))
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.startswith("regel")]
    assert [line.split(":")[0] for line in lines] == [f"regel {n}" for n in (3, 4, 5, 6, 7, 8, 9)]
    assert "XX9" in lines[0] and "6" in lines[1] and "2026-Q5" in lines[2] and "ontbreekt" in lines[3]
    assert counts(db_url) == before


def test_summary_prints_the_aggregation_with_suppression(db_url, csv_file):
    assert run_cli(db_url, "import-csv", str(csv_file(GOOD_CSV))).returncode == 0
    result = run_cli(db_url, "summary")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == "team,period,item,respondents,n,mean,median,sd,n_dont_know,count_1,count_2,count_3,count_4,count_5,suppressed".split(",")
    noord_ab1 = next(r for r in rows if r["team"] == "Wijkteam Noord" and r["item"] == "AB1")
    assert noord_ab1["respondents"] == "3" and noord_ab1["n"] == "3"
    assert noord_ab1["mean"] == "3.667" and noord_ab1["median"] == "4" and noord_ab1["suppressed"] == "false"
    zuid = next(r for r in rows if r["team"] == "Wijkteam Zuid")
    assert zuid["respondents"] == "1" and zuid["suppressed"] == "true" and zuid["mean"] == "" and zuid["count_1"] == ""

    filtered = run_cli(db_url, "summary", "--team", "Wijkteam Zuid", "--format", "table")
    assert filtered.returncode == 0 and "Wijkteam Noord" not in filtered.stdout and "Wijkteam Zuid" in filtered.stdout


def test_demo_data_fills_an_empty_database_and_refuses_a_second_time(db_url):
    first = run_cli(db_url, "demo-data")
    assert first.returncode == 0, first.stderr
    filled = counts(db_url)
    assert filled["team"] >= 5 and filled["round"] >= 20 and filled["answer"] > 1000
    second = run_cli(db_url, "demo-data")
    assert second.returncode != 0 and "niet leeg" in second.stderr
    assert counts(db_url) == filled


def test_hash_passphrase_prints_an_argon2_hash_that_verifies(db_url):
    from kringwijs_survey.rules.access import Role, check_passphrase

    result = run_cli(db_url, "hash-passphrase", stdin="een lange zin als wachtwoord\n")
    assert result.returncode == 0, result.stderr
    hashed = result.stdout.strip()
    assert hashed.startswith("$argon2") and check_passphrase(Role.ADMIN, "een lange zin als wachtwoord", {Role.ADMIN: hashed})
    short = run_cli(db_url, "hash-passphrase", stdin="kort\n")
    assert short.returncode != 0 and "minstens 12 tekens" in short.stderr


def test_demo_data_prints_a_working_link_per_team_and_team_link_replaces_it(db_url):
    from kringwijs_survey.store.database import dispose_engines, get_engine

    result = run_module(db_url, "demo-data")  # the real entry point, in its own process
    assert result.returncode == 0, result.stderr
    links = [line.split(": ", 1)[1] for line in result.stdout.splitlines() if "/team?team=" in line]
    assert len(links) >= 5
    engine = get_engine(db_url)
    assert teams.team_by_key(engine, links[0].split("team=")[1]).name
    renewed = run_cli(db_url, "team-link", "Wijkteam Noord")
    assert renewed.returncode == 0
    new_key = renewed.stdout.strip().split("team=")[1]
    assert teams.team_by_key(engine, new_key).name == "Wijkteam Noord"
    old_noord = next(line for line in result.stdout.splitlines() if "Wijkteam Noord:" in line).split("team=")[1]
    assert teams.team_by_key(engine, old_noord) is None
    dispose_engines()


def round_scales(db_url):
    """(team, period, scales) of every round."""
    engine = create_engine(db_url)
    with engine.connect() as connection:
        query = text("SELECT team.name, round.period, round.scales FROM round JOIN team ON team.id = round.team_id")
        result = {tuple(row) for row in connection.execute(query).all()}
    engine.dispose()
    return result


def test_import_labels_rounds_with_the_scales_the_answers_were_given_on(db_url, csv_file, tmp_path):
    """Answers collected on the first (2025) frequency scale keep those words after an import;
    without a version the current scales are meant; export writes the version back."""
    old = csv_file(GOOD_CSV.replace("2026-Q1", "2025-Q3").replace("2026-Q2", "2025-Q4"), "old.csv")
    result = run_cli(db_url, "import-csv", str(old), "--scales", "2025")
    assert result.returncode == 0, result.stderr
    assert "2025" in result.stdout
    assert round_scales(db_url) == {("Wijkteam Noord", "2025-Q3", "2025"), ("Wijkteam Zuid", "2025-Q4", "2025")}
    # A column names the version per row; an empty cell falls back to the default (current).
    new = csv_file("team,period,respondent,item,score,scales\nWijkteam West,2026-Q3,w1,AB1,4,\nWijkteam Oost,2026-Q3,o1,AB1,3,2025\n", "new.csv")
    assert run_cli(db_url, "import-csv", str(new)).returncode == 0
    assert {("Wijkteam West", "2026-Q3", "2026"), ("Wijkteam Oost", "2026-Q3", "2025")} <= round_scales(db_url)

    exported = tmp_path / "export.csv"
    assert run_cli(db_url, "export-csv", str(exported)).returncode == 0
    rows = list(csv.DictReader(exported.open(encoding="utf-8", newline="")))
    assert {(row["period"], row["scales"]) for row in rows} == {("2025-Q3", "2025"), ("2025-Q4", "2025"), ("2026-Q3", "2026"), ("2026-Q3", "2025")}
    second_db = f"sqlite:///{tmp_path / 'second.db'}"
    assert run_cli(second_db, "import-csv", str(exported)).returncode == 0
    assert round_scales(second_db) == round_scales(db_url)


def test_import_refuses_unknown_mixed_or_clashing_scales(db_url, csv_file):
    assert run_cli(db_url, "import-csv", str(csv_file(GOOD_CSV, "good.csv"))).returncode == 0
    before = counts(db_url)

    unknown_option = run_cli(db_url, "import-csv", str(csv_file(GOOD_CSV, "again.csv")), "--scales", "1999")
    assert unknown_option.returncode == 1
    assert "'1999'" in unknown_option.stderr and "2025" in unknown_option.stderr and "2026" in unknown_option.stderr

    bad = (
        "team,period,respondent,item,score,comment,scales\n"
        "Wijkteam Oost,2026-Q1,o1,AB1,3,,2026\n"
        "Wijkteam Oost,2026-Q1,o2,AB1,3,,2025\n"  # line 3: another scale in the same round
        "Wijkteam Oost,2026-Q1,o3,AB1,3,,oud\n"  # line 4: unknown version
    )
    result = run_cli(db_url, "import-csv", str(csv_file(bad, "bad.csv")))
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.startswith("regel")]
    assert [line.split(":")[0] for line in lines] == ["regel 3", "regel 4"]
    assert "regel 2" in lines[0] and "'oud'" in lines[1] and "2026, 2025" in lines[1]

    clash = run_cli(db_url, "import-csv", str(csv_file(GOOD_CSV, "clash.csv")), "--scales", "2025")
    assert clash.returncode == 1
    assert "Wijkteam Noord" in clash.stderr and "2026-Q1" in clash.stderr and "2025" in clash.stderr
    assert counts(db_url) == before
