"""Admin command line: python -m kringwijs_survey <command>."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from .aggregation import SUMMARY_COLUMNS, Scope, summarize
from .csv_io import ImportFailed, export_csv, import_csv
from .database import get_engine, migrate
from .settings import load_settings
from .validation import InvalidInput


def _engine():
    settings = load_settings()
    migrate(settings.database_url)
    return get_engine(settings.database_url)


def cmd_migrate(_args) -> int:
    migrate(load_settings().database_url)
    print("Database is bijgewerkt.")
    return 0


def cmd_import_csv(args) -> int:
    try:
        result = import_csv(_engine(), Path(args.file))
    except FileNotFoundError:
        print(f"Bestand niet gevonden: {args.file}", file=sys.stderr)
        return 2
    except ImportFailed as failure:
        for problem in failure.problems:
            print(problem, file=sys.stderr)
        print(f"Niets ingelezen: {len(failure.problems)} probleem/problemen.", file=sys.stderr)
        return 1
    print(f"Ingelezen: {result.rows} antwoorden; {result.teams_created} nieuwe teams, {result.rounds_created} nieuwe rondes.")
    return 0


def cmd_export_csv(args) -> int:
    count = export_csv(_engine(), Path(args.file))
    print(f"Geschreven: {count} antwoorden naar {args.file}.")
    return 0


def _format_number(value) -> str:
    if pd.isna(value):
        return ""
    if float(value).is_integer():
        return str(int(value))
    return f"{float(value):.3f}".rstrip("0")


def summary_table(frame) -> list[list[str]]:
    rows = []
    for record in frame[SUMMARY_COLUMNS].itertuples(index=False):
        values = record._asdict()
        rows.append(
            [str(values["team"]), str(values["period"]), str(values["item"])]
            + [_format_number(values[column]) for column in SUMMARY_COLUMNS[3:-1]]
            + ["true" if values["suppressed"] else "false"]
        )
    return rows


def cmd_summary(args) -> int:
    settings = load_settings()
    frame = summarize(_engine(), Scope.of(teams=args.team, periods=args.period), min_group=settings.min_group)
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
        writer.writerows(rows)
    return 0


def cmd_demo_data(_args) -> int:
    from .demo import create_demo_data

    try:
        totals = create_demo_data(_engine())
    except InvalidInput as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(f"Demogegevens gemaakt: {totals['teams']} teams, {totals['rounds']} rondes, {totals['responses']} deelnemers.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m kringwijs_survey", description="Beheer van de reflectie-app.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="bring the database schema up to date").set_defaults(run=cmd_migrate)
    p = commands.add_parser("import-csv", help="import answers (team,period,respondent,item,score,comment)")
    p.add_argument("file")
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
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)
