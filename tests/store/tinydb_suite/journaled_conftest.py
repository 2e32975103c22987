"""TinyDB's own test suite with JournaledStorage as the storage under test.

Not a test module of ours: tests/store/test_tinydb_suite.py copies this file over the
``tests/conftest.py`` of TinyDB's source distribution (keeping TinyDB's file beside it as
``tinydb_conftest.py``) and runs that suite in a subprocess.

- The ``db`` fixture is TinyDB's (parametrized there over its memory and json storages) on
  ``TinyDB(tmp_path / "test.json", storage=JournaledStorage)``.
- ``TinyDB(path)`` without ``storage=`` (the suite's tests on a file) gets JournaledStorage too:
  ``TinyDB.default_storage_class`` is JSONStorage otherwise.
- TinyDB's other fixtures are kept, except those that name its own storage classes.
- Tests about TinyDB's own storages are deselected, each group by one rule (the rules below);
  the run's summary lists every rule with the tests it took, and how many of the tests that
  passed opened a JournaledStorage (test_queries.py, for one, never opens a storage).
"""

from __future__ import annotations

import ast
import inspect
import os
import re
import textwrap
from pathlib import Path

import pytest
from tinydb import TinyDB

import store.storage
from store.storage import JournaledStorage

from . import tinydb_conftest as theirs

_expected = os.environ.get("JOURNALED_STORAGE_FILE")
if _expected and Path(_expected).resolve() != Path(store.storage.__file__).resolve():
    raise RuntimeError(f"store.storage was imported from {store.storage.__file__}, not {_expected}")

THEIR_STORAGES = re.compile(r"\b(MemoryStorage|JSONStorage|CachingMiddleware|Middleware)\b")
THEIR_STORAGE_MODULES = ("test_storages.py", "test_middlewares.py")
_RULES = pytest.StashKey[dict]()
_OPENED_OURS = pytest.StashKey[set]()


def _their_fixtures() -> tuple[dict[str, object], set[str]]:
    """TinyDB's conftest fixtures that we keep, and the names of those we drop."""
    source = inspect.getsource(theirs)
    kept, dropped = {}, set()
    for node in ast.parse(source).body:
        if not isinstance(node, ast.FunctionDef):
            continue
        if not any("fixture" in ast.unparse(decorator) for decorator in node.decorator_list):
            continue
        if node.name == "db" or THEIR_STORAGES.search(ast.get_source_segment(source, node) or ""):
            dropped.add(node.name)
        else:
            kept[node.name] = getattr(theirs, node.name)
    return kept, dropped


_KEPT, DROPPED_FIXTURES = _their_fixtures()
DROPPED_FIXTURES.discard("db")  # replaced below, not dropped
globals().update(_KEPT)


def _storage_options(source: str) -> list[str]:
    """Keyword arguments other than storage= passed to TinyDB(...): TinyDB hands them to the
    storage's constructor."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "TinyDB":
            found += [kw.arg or "**" for kw in node.keywords if kw.arg != "storage"]
    return found


def _test_source(item: pytest.Item) -> str:
    try:
        return textwrap.dedent(inspect.getsource(item.function))  # type: ignore[attr-defined]
    except (AttributeError, OSError, TypeError):
        return ""


# Each group of TinyDB's tests that does not run against JournaledStorage, and why.
THEIR_STORAGE_MODULE = (
    "in test_storages.py or test_middlewares.py: they test TinyDB's own storage classes "
    "(JSONStorage, MemoryStorage, CachingMiddleware, Storage subclasses defined there)"
)
NAMES_THEIR_STORAGE = (
    "names MemoryStorage, JSONStorage, CachingMiddleware or Middleware: it runs on one of "
    "TinyDB's storages, or asserts that the storage is one"
)
USES_DROPPED_FIXTURE = (
    f"uses a fixture of TinyDB's conftest that builds one of its storages ({', '.join(sorted(DROPPED_FIXTURES))})"
)
JSON_OPTIONS = (
    "passes keyword arguments other than storage= to TinyDB(path, ...), which hands them to the "
    "storage: json.dumps options of JSONStorage (ensure_ascii=); JournaledStorage takes a path "
    "only and writes with orjson, so TinyDB(path, ensure_ascii=False) is a TypeError"
)


def _rule_for(item: pytest.Item) -> str | None:
    """The rule that deselects this test, or None to run it against JournaledStorage."""
    if Path(str(item.fspath)).name in THEIR_STORAGE_MODULES:
        return THEIR_STORAGE_MODULE
    source = _test_source(item)
    if THEIR_STORAGES.search(source):
        return NAMES_THEIR_STORAGE
    if DROPPED_FIXTURES & set(item.fixturenames):
        return USES_DROPPED_FIXTURE
    if _storage_options(source):
        return JSON_OPTIONS
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    kept, deselected, by_rule = [], [], {}
    for item in items:
        rule = _rule_for(item)
        if rule is None:
            kept.append(item)
        else:
            deselected.append(item)
            by_rule.setdefault(rule, []).append(item.nodeid)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept
    config.stash[_RULES] = by_rule


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # noqa: ANN001
    write = terminalreporter.write_line
    write(f"storage under test: JournaledStorage from {store.storage.__file__}")
    write(f"rootdir: {config.rootpath}; configfile: {config.inipath}")
    passed = {report.nodeid for report in terminalreporter.stats.get("passed", ()) if report.when == "call"}
    write(f"passed on JournaledStorage: {len(passed & config.stash.get(_OPENED_OURS, set()))} of {len(passed)}")
    for rule, nodeids in config.stash.get(_RULES, {}).items():
        write(f"deselected {len(nodeids)}: {rule}")
        for nodeid in nodeids:
            write(f"    {nodeid}")


@pytest.fixture(autouse=True)
def _journaled_by_default(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch):
    """TinyDB(path) opens a JournaledStorage; notes the tests that open one."""
    monkeypatch.setattr(TinyDB, "default_storage_class", JournaledStorage)
    opened = []
    real_init = JournaledStorage.__init__

    def noting_init(self, *args, **kwargs):
        opened.append(self)
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(JournaledStorage, "__init__", noting_init)
    yield
    if opened:
        request.config.stash.setdefault(_OPENED_OURS, set()).add(request.node.nodeid)


@pytest.fixture
def db(tmp_path: Path):
    """TinyDB's fixture (parametrized there over its memory and json storages) on ours."""
    db_ = TinyDB(tmp_path / "test.json", storage=JournaledStorage)
    db_.drop_tables()
    db_.insert_multiple({"int": 1, "char": c} for c in "abc")
    yield db_
    db_.close()
