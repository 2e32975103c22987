"""Shared fixtures: an isolated environment, the seed page (from ../shared, skipped where absent)
and fresh databases."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.places import SEED


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch, tmp_path):
    # Never touch the user's real database or settings, and let snapshots see colour.
    monkeypatch.setenv("CRITICS_DB", str(tmp_path / "default-critics.json"))
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))


@pytest.fixture
def seed_page() -> Path:
    if not SEED.exists():
        pytest.skip(f"the seed page is not here ({SEED}); CI always has ../shared/seeds")
    return SEED


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "critics.json"


@pytest.fixture
def repository(db_path):
    from store.repository import Repository

    with Repository.open(db_path) as repo:
        yield repo


@pytest.fixture
def database(tmp_path) -> Path:
    """A database with one film and one review, in a folder of its own (bad-input tests compare
    that folder's files before and after)."""
    from store.domain import ReviewDraft
    from store.repository import Repository

    path = tmp_path / "db" / "critics.json"
    path.parent.mkdir()
    with Repository.open(path) as repository:
        film = repository.add_film("Kept", 2001)
        repository.add_review(film.id, ReviewDraft("Kept words.", "Kept Critic", "Kept Weekly", "2020-01-02", "B"))
    return path
