"""Admin command line: python -m kringwijs_survey <command>."""

from __future__ import annotations

import argparse
import functools
import sys
from pathlib import Path

import pandas as pd

from kringwijs_survey.core import links
from kringwijs_survey.core.i18n import t
from kringwijs_survey.core.settings import load_settings
from kringwijs_survey.core.spreadsheet import csv_row
from kringwijs_survey.core.validation import InvalidInput
from kringwijs_survey.domain import privacy
from kringwijs_survey.domain.csv_io import ImportFailed, export_csv, import_csv
from kringwijs_survey.rules import own_frameworks, policy
from kringwijs_survey.rules.access import SYSTEM
from kringwijs_survey.stats.aggregation import SUMMARY_COLUMNS, Scope, summarize
from kringwijs_survey.store.backup import backup, restore
from kringwijs_survey.store.database import get_engine, migrate


def _engine():
    settings = load_settings()
    migrate(settings.database_url)
    return get_engine(settings.database_url)


def cmd_migrate(_args) -> int:
    migrate(load_settings().database_url)
    print(t("cli.migrated"))
    return 0


def cmd_import_csv(args) -> int:
    try:
        result = import_csv(_engine(), Path(args.file), into=args.into or (), scales=args.scales)
    except FileNotFoundError:
        print(t("cli.file_not_found", path=args.file), file=sys.stderr)
        return 2
    except ImportFailed as failure:
        for problem in failure.problems:
            print(problem, file=sys.stderr)
        print(t("cli.import_failed", count=len(failure.problems)), file=sys.stderr)
        return 1
    print(t("cli.imported", rows=result.rows, teams=result.teams_created, rounds=result.rounds_created))
    if result.scales:
        print(t("cli.imported_scales", versions=", ".join(result.scales)))
    return 0


def cmd_export_csv(args) -> int:
    count = export_csv(_engine(), Path(args.file))
    print(t("cli.exported", rows=count, path=args.file))
    return 0


def _format_number(value) -> str:
    if pd.isna(value):
        return ""
    if float(value).is_integer():
        return str(int(value))
    return f"{float(value):.3f}".rstrip("0")


def summary_table(frame) -> list[list[str]]:
    """Rows of `summary`; suppressed is true when the round is too small, the item had too few
    actual scores or changed after a workshop reveal (the policy's round, item and reveal
    rules): its statistics are then empty."""
    withheld = frame["suppressed"].astype(bool)
    for flag in ("too_few_scores", "changed_since_reveal"):
        if flag in frame:
            withheld = withheld | frame[flag].fillna(False).astype(bool)
    rows = []
    for record, hidden in zip(frame[SUMMARY_COLUMNS].itertuples(index=False), withheld):
        values = record._asdict()
        rows.append(
            [str(values["team"]), str(values["period"]), str(values["item"])]
            + [_format_number(values[column]) for column in SUMMARY_COLUMNS[3:-1]]
            + ["true" if hidden else "false"]
        )
    return rows


def cmd_summary(args) -> int:
    settings = load_settings()
    scope = Scope.of(teams=args.team, periods=args.period, **policy.rounds_in_view(policy.View.CLI))
    frame = summarize(_engine(), scope, min_group=settings.min_group)
    rows = summary_table(frame)
    if args.format == "table":
        widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(SUMMARY_COLUMNS)]
        print("  ".join(h.ljust(w) for h, w in zip(SUMMARY_COLUMNS, widths)))
        for row in rows:
            print("  ".join(v.ljust(w) for v, w in zip(row, widths)))
    else:
        import csv

        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(SUMMARY_COLUMNS)
        writer.writerows(csv_row(row) for row in rows)
    return 0


def _refusals_printed(command):
    """The command, with an InvalidInput it raises printed to stderr (exit status 1)."""

    @functools.wraps(command)
    def run(args) -> int:
        try:
            return command(args)
        except InvalidInput as problem:
            print(str(problem), file=sys.stderr)
            return 1

    return run


@_refusals_printed
def cmd_demo_data(_args) -> int:
    from kringwijs_survey.domain.demo import create_demo_data

    totals = create_demo_data(_engine())
    print(t("cli.demo_made", teams=totals["teams"], rounds=totals["rounds"], responses=totals["responses"]))
    base_url = load_settings().base_url
    print(t("cli.team_links"))
    for name, key in totals["keys"].items():
        print(f"  {name}: {links.team_link(base_url, key)}")
    return 0


def cmd_hash_passphrase(_args) -> int:
    import getpass

    from kringwijs_survey.rules.access import hash_passphrase

    passphrase = getpass.getpass(t("login.passphrase") + ": ") if sys.stdin.isatty() else sys.stdin.readline().rstrip("\n")
    if len(passphrase) < 12:
        print(t("cli.passphrase_short"), file=sys.stderr)
        return 1
    print(hash_passphrase(passphrase))
    return 0


def cmd_team_link(args) -> int:
    from kringwijs_survey.domain.teams import find_team, issue_team_key

    engine = _engine()
    team = find_team(engine, args.team)
    if team is None:
        print(t("cli.team_not_found", team=args.team), file=sys.stderr)
        return 1
    print(links.team_link(load_settings().base_url, issue_team_key(engine, team.id)))
    print(t("cli.old_link_stops"), file=sys.stderr)
    return 0


@_refusals_printed
def cmd_backup(args) -> int:
    written = backup(load_settings().database_url, Path(args.file))
    print(t("cli.backup_made", path=written))
    return 0


@_refusals_printed
def cmd_restore(args) -> int:
    previous = restore(load_settings().database_url, Path(args.file))
    print(t("cli.restored", path=args.file))
    if previous is not None:
        print(t("cli.previous_kept", path=previous))
    return 0


@_refusals_printed
def cmd_export_team(args) -> int:
    data = privacy.write_team_export(_engine(), args.team, Path(args.file))
    rounds = len(data["rounds"])
    responses = sum(len(found["responses"]) for found in data["rounds"])
    print(t("cli.team_exported", team=data["team"]["name"], rounds=rounds, responses=responses, path=args.file))
    return 0


ROW_KINDS = ("rounds", "responses", "answers", "notes", "actions", "retained_aggregates")


def _row_counts_text(counts: dict[str, int]) -> str:
    return ", ".join(f"{counts[key]} {t('cli.rows.' + key)}" for key in ROW_KINDS)


def _erase_confirmed(team: str, counts: dict[str, int]) -> bool:
    print(t("cli.erase_warning", team=team, rows=_row_counts_text(counts)))
    print(t("cli.erase_confirm"), flush=True)
    try:
        typed = input()
    except EOFError:
        typed = ""
    return typed.strip() == team


@_refusals_printed
def cmd_erase_team(args) -> int:
    engine = _engine()
    team = args.team.strip()
    counts = privacy.count_team_rows(engine, team)
    if not args.yes and not _erase_confirmed(team, counts):
        print(t("admin.erase_mismatch"), file=sys.stderr)
        return 1
    erased = privacy.erase_team(engine, team)
    print(t("cli.erased", team=team, rows=_row_counts_text(erased)))
    print(t("cli.erase_backups"))
    return 0


def cmd_apply_retention(_args) -> int:
    settings = load_settings()
    if settings.retention_quarters is None:
        print(t("cli.no_retention"))
        return 0
    result = privacy.apply_retention(_engine(), settings.retention_quarters, min_group=settings.min_group)
    print(t(
        "cli.retention_applied", quarters=settings.retention_quarters, cutoff=result.cutoff, answers=result.answers,
        responses=result.responses, rounds=result.rounds, aggregates=result.aggregates,
    ))
    return 0


def cmd_bench(args) -> int:
    import json
    import os

    if args.scenario == "workshop":
        return _bench_workshop(args)
    from benchmarks.submit import report_lines, run_bench

    result = run_bench(
        args.teams, args.quarters, args.respondents, database_url=os.environ.get("DATABASE_URL"), runs=args.runs,
        submits=args.submits,
    )
    if args.json:
        print(json.dumps(result))
    else:
        print("\n".join(report_lines(result)))
    return 0


def _bench_workshop(args) -> int:
    import json
    import os

    from benchmarks.workshop import DEFAULT_PHONES, run_workshop_bench, workshop_report_lines

    for phones in [args.phones] if args.phones else DEFAULT_PHONES:
        result = run_workshop_bench(phones, database_url=os.environ.get("DATABASE_URL"))
        print(json.dumps(result) if args.json else "\n".join(workshop_report_lines(result)), flush=True)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m kringwijs_survey", description=t("cli.description"))
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="bring the database schema up to date").set_defaults(run=cmd_migrate)
    p = commands.add_parser("import-csv", help="import answers (team,period,respondent,item,score,comment)")
    p.add_argument("file")
    p.add_argument(
        "--into", action="append", metavar="TEAM",
        help="an existing team not made by an import that may take these answers (repeat for more teams)",
    )
    p.add_argument(
        "--scales", metavar="VERSION",
        help="the answer scales the answers were given on, e.g. 2025 for the first (frequency) scales; "
        "rows with a 'scales' column say it themselves; default: the current scales",
    )
    p.set_defaults(run=cmd_import_csv)
    p = commands.add_parser("export-csv", help="export all answers in the import format")
    p.add_argument("file")
    p.set_defaults(run=cmd_export_csv)
    p = commands.add_parser("summary", help="the aggregation per team, period and item")
    p.add_argument("--team")
    p.add_argument("--period")
    p.add_argument("--format", choices=["csv", "table"], default="csv")
    p.set_defaults(run=cmd_summary)
    commands.add_parser("demo-data", help="fill an empty database with a demo municipality").set_defaults(run=cmd_demo_data)
    commands.add_parser(
        "hash-passphrase", help="print the Argon2 hash of a passphrase (read from stdin) for secrets.toml"
    ).set_defaults(run=cmd_hash_passphrase)
    p = commands.add_parser("bench", help="measure the app against its floors on a synthetic organisation")
    p.add_argument(
        "scenario", nargs="?", choices=["organisation", "workshop"], default="organisation",
        help="workshop: a real workshop through a real Streamlit server (facilitator, projector, phones)",
    )
    p.add_argument("--phones", type=int, help="workshop: this many phones (default: 10, 20 and 40 in turn)")
    p.add_argument("--teams", type=int, default=200)
    p.add_argument("--quarters", type=int, default=12)
    p.add_argument("--respondents", type=int, default=12)
    p.add_argument("--runs", type=int, default=5, help="warm runs per timing (at least 5)")
    p.add_argument("--submits", type=int, default=100, help="submissions at the same moment, per burst")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_bench)
    p = commands.add_parser("team-link", help="make a new secret link for a team (the old link stops working)")
    p.add_argument("team")
    p.set_defaults(run=cmd_team_link)
    _add_backup_commands(commands)
    _add_privacy_commands(commands)
    _add_framework_commands(commands)
    return parser


def _add_framework_commands(commands) -> None:
    p = commands.add_parser("framework", help="an organisation's own framework (a YAML file like those in principles/)")
    actions = p.add_subparsers(dest="framework_command", required=True)
    _add_file_command(actions, "validate", cmd_framework_validate, "check FILE with the rules of the built-in files; prints every problem")
    _add_file_command(actions, "add", cmd_framework_add, "check FILE and publish it as the next version of its framework")


def _read_framework_file(path: str) -> bytes | None:
    try:
        return Path(path).read_bytes()
    except OSError:
        print(t("cli.file_not_found", path=path), file=sys.stderr)
        return None


def _print_problems(problems) -> None:
    for problem in problems:
        print(problem.text(), file=sys.stderr)
    print(t("cli.framework_problems", count=len(problems)), file=sys.stderr)


def cmd_framework_validate(args) -> int:
    data = _read_framework_file(args.file)
    if data is None:
        return 2
    checked = own_frameworks.check_upload(_engine(), data)
    if not checked.ok:
        _print_problems(checked.problems)
        return 1
    print(t("cli.framework_ok", title=checked.framework.title.nl, id=checked.framework.id))
    return 0


def cmd_framework_add(args) -> int:
    data = _read_framework_file(args.file)
    if data is None:
        return 2
    try:
        framework = own_frameworks.publish(_engine(), data, actor=SYSTEM)
    except own_frameworks.UploadRefused as refused:
        _print_problems(refused.problems)
        return 1
    print(t("cli.framework_added", title=framework.title.nl, id=framework.id, version=framework.version))
    return 0


def _add_file_command(commands, name: str, run, help_text: str) -> None:
    """A command that takes one FILE."""
    p = commands.add_parser(name, help=help_text)
    p.add_argument("file")
    p.set_defaults(run=run)


def _add_backup_commands(commands) -> None:
    _add_file_command(commands, "backup", cmd_backup, "copy the SQLite database to FILE (PostgreSQL: use pg_dump)")
    _add_file_command(commands, "restore", cmd_restore, "replace the SQLite database with the backup FILE (PostgreSQL: pg_restore)")


def _add_privacy_commands(commands) -> None:
    p = commands.add_parser("export-team", help="everything stored about one team, as JSON (access request)")
    p.add_argument("team")
    p.add_argument("file")
    p.set_defaults(run=cmd_export_team)
    p = commands.add_parser("erase-team", help="erase one team completely; asks to type the team name")
    p.add_argument("team")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.set_defaults(run=cmd_erase_team)
    p = commands.add_parser("apply-retention", help="delete raw answers older than RETENTION_QUARTERS, keep aggregates")
    p.set_defaults(run=cmd_apply_retention)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)
