"""Long-format CSV import and export: team,period,respondent,item,score,comment,scales.

Import is all or nothing: every row is checked first; one bad row means nothing is written.
`scales` names the version of the answer scales the answers were given on (content.ScaleSet,
e.g. "2025" for the first, frequency scale); an empty or missing column takes the version the
importer names (`--scales`), else the framework's current one. The round stores it, like a live
round, so its numbers are always shown with the words they were answered on.
Export protects cells a spreadsheet would run as a formula; import removes exactly that
protection again (see spreadsheet.py), so export -> import is lossless.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, delete, insert, select, tuple_
from sqlmodel import Session

from kringwijs_survey.core.i18n import t
from kringwijs_survey.core.spreadsheet import csv_row, from_csv_cell
from kringwijs_survey.core.validation import InvalidInput, check_period, check_score, clean_comment, clean_name
from kringwijs_survey.core.vocabulary import AUDIENCE_TEAM, ROUND_CLOSED, SOURCE_IMPORT
from kringwijs_survey.rules.content import Framework, get_frameworks
from kringwijs_survey.store.database import read_session, run_write
from kringwijs_survey.store.models import Answer, Response, Round, Team

REQUIRED_COLUMNS = ["team", "period", "respondent", "item", "score"]
CSV_COLUMNS = [*REQUIRED_COLUMNS, "comment", "scales"]
RESPONDENT_MAX = 64


class ImportFailed(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Row:
    team: str
    period: str
    respondent: str
    item: str
    score: int | None
    comment: str | None
    scales: str
    framework: str = ""


@dataclass(frozen=True)
class ImportResult:
    rows: int
    teams_created: int
    rounds_created: int
    # The scales versions the imported answers were given on, as stored with their rounds.
    scales: tuple[str, ...] = ()


def known_scales(framework_id: str | None = None, frameworks: dict[str, Framework] | None = None) -> list[str]:
    """The scales versions a file may name: of one framework, or of any (current first)."""
    frameworks = frameworks or get_frameworks()
    chosen = [frameworks[framework_id]] if framework_id else list(frameworks.values())
    versions: list[str] = []
    for framework in chosen:
        for version in (framework.scales_version, *(earlier.version for earlier in framework.earlier_scales)):
            if version not in versions:
                versions.append(version)
    return versions


def _parse_scales(raw: str | None, framework: Framework, default: str | None) -> str:
    version = (raw or "").strip() or default or framework.scales_version
    try:
        framework.scale_set(version)
    except KeyError:
        raise InvalidInput(
            "error.csv.unknown_scales", value=version, known=", ".join(known_scales(framework.id, {framework.id: framework}))
        ) from None
    return version


def _parse_score(raw: str) -> int | None:
    raw = raw.strip()
    if raw == "":
        return None
    try:
        return check_score(int(raw))
    except ValueError:
        raise InvalidInput("error.csv.score", value=raw) from None


def _parse_row(record: dict[str, str | None], default_scales: str | None, frameworks: dict[str, Framework]) -> Row:
    missing = [column for column in REQUIRED_COLUMNS if record.get(column) is None]
    if missing:
        raise InvalidInput("error.csv.field_missing", fields=", ".join(missing))
    if None in record:
        raise InvalidInput("error.csv.too_many_fields")
    respondent = record["respondent"].strip()
    if not respondent:
        raise InvalidInput("error.csv.respondent_empty")
    if len(respondent) > RESPONDENT_MAX:
        raise InvalidInput("error.csv.respondent_long", maximum=RESPONDENT_MAX)
    item = record["item"].strip()
    framework = next((found for found in frameworks.values() if item in found.item_ids), None)
    if framework is None:
        raise InvalidInput("error.csv.unknown_item", item=item)
    return Row(
        team=clean_name(record["team"], "team"),
        period=check_period(record["period"]),
        respondent=respondent,
        item=item,
        score=_parse_score(record["score"]),
        comment=clean_comment(record.get("comment")),
        scales=_parse_scales(record.get("scales"), framework, default_scales),
        framework=framework.id,
    )


def parse_csv(text: str, scales: str | None = None, frameworks: dict[str, Framework] | None = None) -> list[Row]:
    """Check every row; raise ImportFailed with one line per problem, naming the line number.
    `scales`: the version of rows that do not name one (None: the framework's current one)."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    unknown = [column for column in header if column not in CSV_COLUMNS]
    if missing or unknown:
        problems = []
        if missing:
            problems.append(t("csv.missing_columns", missing=", ".join(missing), needed=",".join(CSV_COLUMNS)))
        if unknown:
            problems.append(t("csv.unknown_columns", unknown=", ".join(unknown)))
        raise ImportFailed(problems)
    rows: list[Row] = []
    problems: list[str] = []
    seen: dict[tuple[str, str, str, str], int] = {}
    round_scales: dict[tuple[str, str, str], tuple[str, int]] = {}
    while True:
        line = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(t("csv.unreadable", line=line, problem=exc))
            break
        record = {column: from_csv_cell(value) if isinstance(value, str) else value for column, value in record.items()}
        try:
            row = _parse_row(record, scales, frameworks or get_frameworks())
        except InvalidInput as exc:
            problems.append(t("csv.line_problem", line=line, problem=exc))
            continue
        key = (row.team, row.period, row.respondent, row.item)
        if key in seen:
            problems.append(t("csv.duplicate", line=line, first=seen[key]))
            continue
        version, first = round_scales.setdefault((row.team, row.period, row.framework), (row.scales, line))
        if version != row.scales:
            problems.append(t("csv.scales_mixed", line=line, scales=row.scales, first=first, first_scales=version))
            continue
        seen[key] = line
        rows.append(row)
    if problems:
        raise ImportFailed(problems)
    return rows


def _write_rows(
    session: Session, rows: list[Row], into: frozenset[str] = frozenset(), frameworks: dict[str, Framework] | None = None
) -> ImportResult:
    """Teams the file names are made (origin "import"), or must have been made by an earlier
    import: answers never land in a team someone else made (e.g. a look-alike an outsider
    registered first) unless the admin names that team explicitly (`into`)."""
    existing = session.execute(select(Team.name, Team.id, Team.origin)).all()
    team_ids = {name: team_id for name, team_id, _ in existing}
    foreign = sorted(
        {name for name, _, origin in existing if origin != "import"} & {row.team for row in rows} - set(into)
    )
    if foreign:
        raise ImportFailed([t("csv.foreign_team", team=name) for name in foreign])
    new_teams = sorted({row.team for row in rows} - team_ids.keys())
    for name in new_teams:
        team = Team(name=name, origin="import")
        session.add(team)
        session.flush()
        team_ids[name] = team.id

    round_ids: dict[tuple[int, str, str], int] = {}
    stored_scales: dict[tuple[int, str, str], str] = {}
    for round_id, team_id, period, framework, scales in session.execute(
        select(Round.id, Round.team_id, Round.period, Round.framework, Round.scales).where(Round.audience == AUDIENCE_TEAM)
    ).all():
        round_ids[(team_id, period, framework)] = round_id
        stored_scales[(team_id, period, framework)] = scales
    # Answers given on one scale never join a round answered on another: its words would lie.
    clashes = sorted(
        {
            (row.team, row.period, stored_scales[key], row.scales)
            for row in rows
            if (key := (team_ids[row.team], row.period, row.framework)) in stored_scales and stored_scales[key] != row.scales
        }
    )
    if clashes:
        raise ImportFailed(
            [t("csv.scales_conflict", team=team, period=period, stored=stored, scales=scales) for team, period, stored, scales in clashes]
        )
    rounds_created = 0
    response_keys: dict[tuple[int, str], None] = {}
    for row in rows:
        key = (team_ids[row.team], row.period, row.framework)
        if key not in round_ids:
            # An organisation's own framework: the round keeps the version the answers are imported into.
            version = (frameworks or get_frameworks())[key[2]].version
            new_round = Round(
                team_id=key[0], period=key[1], framework=key[2], framework_version=version, status=ROUND_CLOSED, scales=row.scales
            )
            session.add(new_round)
            session.flush()
            round_ids[key] = new_round.id
            rounds_created += 1
        response_keys[(round_ids[key], row.respondent)] = None

    response_ids = _ensure_responses(session, list(response_keys))
    answers_by_response: dict[int, list[Row]] = defaultdict(list)
    for row in rows:
        round_id = round_ids[(team_ids[row.team], row.period, row.framework)]
        answers_by_response[response_ids[(round_id, row.respondent)]].append(row)
    for response_id, its_rows in answers_by_response.items():
        session.execute(
            delete(Answer).where(Answer.response_id == response_id, Answer.item_id.in_([r.item for r in its_rows]))
        )
    values = [
        {"response_id": response_id, "item_id": row.item, "score": row.score, "comment": row.comment}
        for response_id, its_rows in answers_by_response.items()
        for row in its_rows
    ]
    if values:
        session.execute(insert(Answer), values)
    return ImportResult(
        rows=len(rows),
        teams_created=len(new_teams),
        rounds_created=rounds_created,
        scales=tuple(version for version in known_scales(frameworks=frameworks) if any(row.scales == version for row in rows)),
    )


def _response_ids(session: Session, keys: list[tuple[int, str]]) -> dict[tuple[int, str], int]:
    found: dict[tuple[int, str], int] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        query = select(Response.round_id, Response.respondent, Response.id).where(
            tuple_(Response.round_id, Response.respondent).in_(chunk)
        )
        found.update({(round_id, respondent): rid for round_id, respondent, rid in session.execute(query).all()})
    return found


def _ensure_responses(session: Session, keys: list[tuple[int, str]]) -> dict[tuple[int, str], int]:
    found = _response_ids(session, keys)
    missing = [key for key in keys if key not in found]
    if missing:
        session.execute(insert(Response), [{"round_id": r, "respondent": p, "source": SOURCE_IMPORT} for r, p in missing])
        found = _response_ids(session, keys)
    return found


def import_csv(engine: Engine, path: Path, into: Iterable[str] = (), scales: str | None = None) -> ImportResult:
    """All or nothing; `into` names existing teams (not made by an import) that may take answers;
    `scales` the scales version of answers whose row does not name one (None: the current one)."""
    frameworks = get_frameworks(engine)
    if scales is not None and scales.strip() not in known_scales(frameworks=frameworks):
        raise ImportFailed([t("csv.unknown_scales_option", value=scales, known=", ".join(known_scales(frameworks=frameworks)))])
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFailed([t("csv.not_utf8")]) from None
    rows = parse_csv(text, scales.strip() if scales is not None else None, frameworks)
    named = frozenset(clean_name(name, "team") for name in into)
    return run_write(engine, lambda session: _write_rows(session, rows, named, frameworks))


def export_rows(engine: Engine) -> list[list[str]]:
    order = {item_id: index for framework in get_frameworks(engine).values() for index, item_id in enumerate(framework.item_ids)}
    query = (
        select(
            Team.name, Round.period, Round.framework, Round.scales, Response.respondent, Answer.item_id, Answer.score, Answer.comment
        )
        .join(Response, Answer.response_id == Response.id)
        .join(Round, Response.round_id == Round.id)
        .join(Team, Round.team_id == Team.id)
        .where(Round.audience == AUDIENCE_TEAM)
    )
    with read_session(engine) as session:
        records = session.execute(query).all()
    records.sort(key=lambda r: (r.name, r.period, r.framework, r.respondent, order.get(r.item_id, 999), r.item_id))
    return [
        [r.name, r.period, r.respondent, r.item_id, "" if r.score is None else str(r.score), r.comment or "", r.scales]
        for r in records
    ]


def export_csv(engine: Engine, path: Path) -> int:
    rows = export_rows(engine)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        writer.writerows(csv_row(row) for row in rows)
    return len(rows)
