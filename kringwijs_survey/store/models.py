"""Database tables. The database itself enforces score ranges, uniqueness and links."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlmodel import Field, SQLModel

from kringwijs_survey.core.vocabulary import (
    AUDIENCE_TEAM,
    CURRENT_SCALES,
    FIRST_SCALES,
    ROUND_OPEN,
    SOURCE_OPEN,
)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION
metadata: MetaData = SQLModel.metadata



class Team(SQLModel, table=True):
    __tablename__ = "team"
    __table_args__ = (
        CheckConstraint("length(name) BETWEEN 1 AND 100", name="name_length"),
        CheckConstraint("origin IN ('admin', 'self', 'import', 'group')", name="origin_value"),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(String(100), nullable=False, unique=True))
    area: str | None = Field(default=None, sa_column=Column(String(100), nullable=True))
    # SHA-256 of the team's secret key (128+ random bits, so a fast hash cannot be brute-forced).
    key_hash: str | None = Field(default=None, sa_column=Column(String(64), nullable=True, unique=True))
    # A workshop group that is not a standing team (mixed group at a training day).
    is_group: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))
    # How the residents' page addresses residents: "u" (the default; many Wmo users expect it) or "jij".
    residents_informal: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))
    origin: str = Field(default="admin", sa_column=Column(String(10), nullable=False, server_default="admin"))
    # A self-made team stays out of every organisation view until an admin approves it.
    approved: bool = Field(default=True, sa_column=Column(Boolean, nullable=False, server_default=true()))


class Round(SQLModel, table=True):
    __tablename__ = "round"
    __table_args__ = (
        UniqueConstraint("team_id", "period", "framework", "audience", name="uq_round_team_period_framework_audience"),
        CheckConstraint(
            "period LIKE '____-Q_' AND substr(period, 7, 1) IN ('1', '2', '3', '4')", name="period_format"
        ),
        CheckConstraint("status IN ('open', 'closed')", name="status_value"),
        CheckConstraint("audience IN ('team', 'residents')", name="audience_value"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(
        sa_column=Column(Integer, ForeignKey("team.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    period: str = Field(sa_column=Column(String(7), nullable=False))
    framework: str = Field(sa_column=Column(String(100), nullable=False))
    status: str = Field(default=ROUND_OPEN, sa_column=Column(String(10), nullable=False))
    audience: str = Field(default=AUDIENCE_TEAM, sa_column=Column(String(10), nullable=False, server_default=AUDIENCE_TEAM))
    join_code: str | None = Field(default=None, sa_column=Column(String(6), nullable=True, unique=True))
    published: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))
    # The short message a team wrote for the organisation with a shared round.
    shared_message: str | None = Field(default=None, sa_column=Column("shared_summary", Text, nullable=True))
    # Which item (an index into the framework's items) is on the projector; the column keeps its first name.
    live_index: int | None = Field(default=None, sa_column=Column("live_item", Integer, nullable=True))
    live_revealed: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))
    live_snapshot: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # The answer scales this round was answered on: its numbers mean what those words say.
    scales: str = Field(
        default=CURRENT_SCALES, sa_column=Column(String(20), nullable=False, server_default=FIRST_SCALES)
    )
    # Team rounds made since invitations exist take answers only through an unused invitation;
    # older rounds, workshops and residents' rounds keep their open join code.
    invitation_only: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))
    # SHA-256 of the secret that lets a facilitator steer and project this round (workshops only).
    presenter_key_hash: str | None = Field(default=None, sa_column=Column(String(64), nullable=True))
    # The version of an organisation's own framework this round was answered with (FrameworkVersion);
    # NULL: the built-in file in principles/ named by `framework`.
    framework_version: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))


class Response(SQLModel, table=True):
    """One person's answers to one round, known only by a random pseudonymous key."""

    __tablename__ = "response"
    __table_args__ = (
        UniqueConstraint("round_id", "respondent", name="uq_response_round_respondent"),
        CheckConstraint("source IN ('invited', 'open', 'paper', 'import')", name="source_value"),
    )

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(sa_column=Column(Integer, ForeignKey("round.id", ondelete="CASCADE"), nullable=False))
    respondent: str = Field(sa_column=Column(String(64), nullable=False))
    # A draft is kept so a person can resume; only submitted responses count.
    submitted: bool = Field(default=True, sa_column=Column(Boolean, nullable=False, server_default=true()))
    source: str = Field(default=SOURCE_OPEN, sa_column=Column(String(10), nullable=False, server_default=SOURCE_OPEN))


class Invitation(SQLModel, table=True):
    """One personal, single-use invitation to a team round. Only a digest of its code is kept,
    and nothing links it to the response it allowed: the row only says whether it was used."""

    __tablename__ = "invitation"

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(
        sa_column=Column(Integer, ForeignKey("round.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    code_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    used: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))


class Answer(SQLModel, table=True):
    __tablename__ = "answer"
    __table_args__ = (
        UniqueConstraint("response_id", "item_id", name="uq_answer_response_item"),
        CheckConstraint("score BETWEEN 1 AND 5", name="score_range"),
        CheckConstraint("length(comment) <= 2000", name="comment_length"),
        CheckConstraint("target BETWEEN 1 AND 5", name="target_range"),
    )

    id: int | None = Field(default=None, primary_key=True)
    response_id: int = Field(
        sa_column=Column(Integer, ForeignKey("response.id", ondelete="CASCADE"), nullable=False)
    )
    item_id: str = Field(sa_column=Column(String(20), nullable=False))
    score: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    comment: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    discuss: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))
    target: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))


class Note(SQLModel, table=True):
    """What a team discussed about an item in a round. Stays inside the team."""

    __tablename__ = "note"
    __table_args__ = (
        UniqueConstraint("round_id", "item_id", name="uq_note_round_item"),
        CheckConstraint("length(text) <= 2000", name="text_length"),
    )

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(sa_column=Column(Integer, ForeignKey("round.id", ondelete="CASCADE"), nullable=False))
    item_id: str = Field(sa_column=Column(String(20), nullable=False))
    text: str = Field(sa_column=Column(Text, nullable=False))


class Action(SQLModel, table=True):
    """An agreed action; it comes back every round until the team closes it."""

    __tablename__ = "action"
    __table_args__ = (
        CheckConstraint("scope IN ('team', 'organisation', 'municipality')", name="scope_value"),
        CheckConstraint("status IN ('open', 'ongoing', 'done', 'dropped')", name="status_value"),
        CheckConstraint("length(what) BETWEEN 1 AND 500", name="what_length"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(
        sa_column=Column(Integer, ForeignKey("team.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    round_id: int = Field(sa_column=Column(Integer, ForeignKey("round.id", ondelete="CASCADE"), nullable=False))
    item_id: str | None = Field(default=None, sa_column=Column(String(20), nullable=True))
    what: str = Field(sa_column=Column(String(500), nullable=False))
    owner: str | None = Field(default=None, sa_column=Column(String(100), nullable=True))
    due: dt.date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    scope: str = Field(default="team", sa_column=Column(String(20), nullable=False))
    status: str = Field(default="open", sa_column=Column(String(10), nullable=False))
    closed_in_round_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("round.id", ondelete="SET NULL"), nullable=True)
    )


class RetainedAggregate(SQLModel, table=True):
    """The summary of one item in a round whose raw answers were deleted by the retention rule.

    The numbers are those of aggregation.summarize at the moment of deletion; statistics of a
    group that was too small are empty (NULL), only the respondent count is kept.
    """

    __tablename__ = "retained_aggregate"
    __table_args__ = (UniqueConstraint("round_id", "item_id", name="uq_retained_aggregate_round_item"),)

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(sa_column=Column(Integer, ForeignKey("round.id", ondelete="CASCADE"), nullable=False))
    item_id: str = Field(sa_column=Column(String(20), nullable=False))
    respondents: int = Field(sa_column=Column(Integer, nullable=False))
    n: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    mean: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    median: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    sd: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    n_dont_know: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    count_1: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    count_2: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    count_3: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    count_4: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    count_5: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))


class FrameworkVersion(SQLModel, table=True):
    """One published version of an organisation's own framework: the uploaded file itself, as it
    was checked. A version never changes; a new upload of the same id is the next version."""

    __tablename__ = "framework_version"
    __table_args__ = (
        UniqueConstraint("framework_id", "version", name="uq_framework_version_framework_id_version"),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    id: int | None = Field(default=None, primary_key=True)
    framework_id: str = Field(sa_column=Column(String(100), nullable=False, index=True))
    version: int = Field(sa_column=Column(Integer, nullable=False))
    yaml_text: str = Field(sa_column=Column(Text, nullable=False))
    uploaded_by: str = Field(sa_column=Column(String(100), nullable=False))
    created_at: dt.datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class DataRevision(SQLModel, table=True):
    """One row whose value goes up with every write, so cached aggregates know when to refresh."""

    __tablename__ = "data_revision"

    id: int = Field(default=1, primary_key=True)
    value: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
