"""The browser's fixtures: the fixed store (tests/fixed_store.py) and a browser on it."""

from __future__ import annotations

import pytest

from tests.fixed_store import browser, build_store, fixed_dir
from tui.app import CriticsApp


@pytest.fixture
def store(tmp_path):
    repository = build_store(tmp_path / "critics.json")
    yield repository
    repository.close()


@pytest.fixture
def snapshot_store(request):
    """The fixed store at a fixed path, so the status line reads the same in every snapshot."""
    repository = build_store(fixed_dir(request.node.name[:40]) / "critics.json")
    yield repository
    repository.close()


@pytest.fixture
def app(store) -> CriticsApp:
    return browser(store)
