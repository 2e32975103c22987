"""Where the database lives: --db, else $CRITICS_DB, else the user's data folder."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

ENVIRONMENT_VARIABLE = "CRITICS_DB"
DATABASE_NAME = "critics.json"


def default_database() -> Path:
    return platformdirs.user_data_path("critics", appauthor=False) / DATABASE_NAME


def resolve_database(explicit: str | os.PathLike[str] | None) -> tuple[Path, bool]:
    """The database path, and whether it is the default one (which starts with sample data)."""
    if explicit:
        return Path(explicit).expanduser(), False
    from_environment = os.environ.get(ENVIRONMENT_VARIABLE)
    if from_environment:
        return Path(from_environment).expanduser(), False
    path = default_database()
    path.parent.mkdir(parents=True, exist_ok=True)
    return path, True
