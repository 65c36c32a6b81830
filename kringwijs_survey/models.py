"""Database tables. The database itself enforces score ranges, uniqueness and links."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, ForeignKey, Integer, MetaData, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION
metadata: MetaData = SQLModel.metadata

ROUND_OPEN = "open"
ROUND_CLOSED = "closed"


class Team(SQLModel, table=True):
    __tablename__ = "team"
    __table_args__ = (CheckConstraint("length(name) BETWEEN 1 AND 100", name="name_length"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(String(100), nullable=False, unique=True))
    area: str | None = Field(default=None, sa_column=Column(String(100), nullable=True))


class Round(SQLModel, table=True):
    __tablename__ = "round"
    __table_args__ = (
        UniqueConstraint("team_id", "period", "framework", name="uq_round_team_period_framework"),
        CheckConstraint(
            "period LIKE '____-Q_' AND substr(period, 7, 1) IN ('1', '2', '3', '4')", name="period_format"
        ),
        CheckConstraint("status IN ('open', 'closed')", name="status_value"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(
        sa_column=Column(Integer, ForeignKey("team.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    period: str = Field(sa_column=Column(String(7), nullable=False))
    framework: str = Field(sa_column=Column(String(100), nullable=False))
    status: str = Field(default=ROUND_OPEN, sa_column=Column(String(10), nullable=False))


class Response(SQLModel, table=True):
    """One person's answers to one round, known only by a random pseudonymous key."""

    __tablename__ = "response"
    __table_args__ = (UniqueConstraint("round_id", "respondent", name="uq_response_round_respondent"),)

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(sa_column=Column(Integer, ForeignKey("round.id", ondelete="CASCADE"), nullable=False))
    respondent: str = Field(sa_column=Column(String(64), nullable=False))


class Answer(SQLModel, table=True):
    __tablename__ = "answer"
    __table_args__ = (
        UniqueConstraint("response_id", "item_id", name="uq_answer_response_item"),
        CheckConstraint("score BETWEEN 1 AND 5", name="score_range"),
        CheckConstraint("length(comment) <= 2000", name="comment_length"),
    )

    id: int | None = Field(default=None, primary_key=True)
    response_id: int = Field(
        sa_column=Column(Integer, ForeignKey("response.id", ondelete="CASCADE"), nullable=False)
    )
    item_id: str = Field(sa_column=Column(String(20), nullable=False))
    score: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    comment: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
