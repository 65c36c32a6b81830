"""Configuration from the environment, with privacy floors that cannot be lowered."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATABASE_PATH = REPO_ROOT / "data" / "kringwijs.db"

PRIVACY_FLOOR = 3
NAME_MAX = 100
COMMENT_MAX = 2000


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite database URL; None for other databases and for one in memory."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


@dataclass(frozen=True)
class Settings:
    database_url: str
    min_group: int
    min_group_org: int
    retention_quarters: int | None
    base_url: str
    # Fewest residents before a team sees the residents' view of a round (floor 3).
    min_group_residents: int = 5
    # "Nieuw team" for anyone: off unless SELF_SERVICE_TEAMS is set; such teams wait for approval.
    self_service_teams: bool = False


def _int_env(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be a whole number, got {raw!r}") from exc


def _bool_env(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on", "ja"}


def load_settings() -> Settings:
    retention = _int_env("RETENTION_QUARTERS", 0)
    return Settings(
        database_url=os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_DATABASE_PATH}",
        min_group=max(PRIVACY_FLOOR, _int_env("MIN_GROUP", 3)),
        min_group_org=max(PRIVACY_FLOOR, _int_env("MIN_GROUP_ORG", 5)),
        retention_quarters=retention if retention > 0 else None,
        base_url=os.environ.get("BASE_URL", "http://localhost:8501").rstrip("/"),
        min_group_residents=max(PRIVACY_FLOOR, _int_env("MIN_GROUP_RESIDENTS", 5)),
        self_service_teams=_bool_env("SELF_SERVICE_TEAMS"),
    )
