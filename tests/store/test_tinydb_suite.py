"""TinyDB's own test suite, from the source distribution of the pinned version, passes with
JournaledStorage as the storage under test.

The suite runs in a subprocess, in a copy of its tests/ folder whose conftest.py is ours
(tests/store/tinydb_suite/journaled_conftest.py: the ``db`` fixture on JournaledStorage,
``TinyDB(path)`` opening one too, and the stated rules that deselect TinyDB's tests of its
own storages). A minimal pytest.ini, ``--rootdir`` at the copy and no plugin autoloading keep
Critics' conftest.py and pytest settings (asyncio_mode, addopts) out of that run.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
import tinydb

import store.storage

HERE = Path(__file__).parent
OUR_CONFTEST = HERE / "tinydb_suite" / "journaled_conftest.py"
PROJECT = HERE.parent.parent

# Measured with tinydb 4.9.0: 119 passed (74 of them open a JournaledStorage; test_queries.py
# and test_utils.py never open a storage), 33 deselected (22 in test_storages.py and
# test_middlewares.py, 9 naming TinyDB's storages, 2 passing json.dumps options).
MIN_PASSED = 119
MIN_PASSED_ON_OURS = 74

PIP_TIMEOUT = 90


def _pip_error(output: str) -> str:
    """pip's last ERROR line, after the first network complaint if there was one."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("ERROR")] or lines or ["pip said nothing"]
    network = [line for line in lines if re.search(r"Retrying|Could not fetch URL|NewConnectionError|Network", line)]
    return "; ".join([*network[:1], errors[-1]])[:400]


@pytest.fixture(scope="session")
def tinydb_tests(tmp_path_factory) -> Path:
    """The tests/ folder of the sdist of the installed (pinned) tinydb, fetched once a session."""
    version = tinydb.__version__
    folder = tmp_path_factory.mktemp("tinydb-sdist")
    command = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
        "--disable-pip-version-check", "--timeout", "15", "--retries", "1",
        f"tinydb=={version}", "-d", str(folder),
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=PIP_TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.skip(f"could not fetch the tinydb {version} sdist: pip download took over {PIP_TIMEOUT} s")
    archives = sorted(folder.glob(f"tinydb-{version}.tar.gz"))
    if done.returncode != 0 or not archives:
        pytest.skip(f"could not fetch the tinydb {version} sdist with pip (no network?): {_pip_error(done.stderr + done.stdout)}")
    prefix = f"tinydb-{version}/tests/"
    with tarfile.open(archives[0]) as archive:
        members = [member for member in archive.getmembers() if member.name.startswith(prefix)]
        safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}  # Python 3.11.4+
        archive.extractall(folder, members=members, **safe)
    tests = folder / prefix
    assert (tests / "conftest.py").is_file(), f"no tests/conftest.py in {archives[0].name}"
    return tests


def _summary(output: str) -> tuple[str, dict[str, int]]:
    lines = [line for line in output.splitlines() if re.search(r"\d+ (passed|failed|error)", line)]
    last = lines[-1].strip("= ") if lines else "(no summary line)"
    return last, {word: int(n) for n, word in re.findall(r"(\d+) (\w+)", last)}


def test_tinydbs_own_test_suite_passes_against_journaled_storage(tinydb_tests, tmp_path):
    run = tmp_path / "suite"
    shutil.copytree(tinydb_tests, run / "tests")
    (run / "tests" / "conftest.py").rename(run / "tests" / "tinydb_conftest.py")
    shutil.copyfile(OUR_CONFTEST, run / "tests" / "conftest.py")
    (run / "pytest.ini").write_text("[pytest]\n# TinyDB's suite on JournaledStorage: none of Critics' pytest settings.\n")
    env = dict(
        os.environ,
        PYTEST_DISABLE_PLUGIN_AUTOLOAD="1",  # no pytest-asyncio, textual snapshots or hypothesis
        JOURNALED_STORAGE_FILE=store.storage.__file__,  # our conftest checks it imports this one
        PYTHONPATH=os.pathsep.join(filter(None, [os.environ.get("PYTHONPATH"), str(PROJECT)])),
    )
    command = [
        sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-c", "pytest.ini",
        "--rootdir", str(run), "--basetemp", str(tmp_path / "basetemp"), "tests",
    ]
    done = subprocess.run(command, cwd=run, env=env, capture_output=True, text=True, timeout=120)
    output = done.stdout + done.stderr
    last, counts = _summary(output)
    # What failed and why, and our summary without its list of deselected tests.
    tail = "\n".join([line for line in output.splitlines() if not line.startswith("    tests/")][-80:])
    assert done.returncode == 0, f"TinyDB's suite on JournaledStorage: {last} (exit {done.returncode})\n{tail}"
    assert f"rootdir: {run}; configfile: {run / 'pytest.ini'}" in output, f"{last}: not run in the copy alone\n{tail}"
    assert counts.get("passed", 0) >= MIN_PASSED, f"{last}: fewer than the {MIN_PASSED} measured\n{tail}"
    on_ours = re.search(r"passed on JournaledStorage: (\d+) of", output)
    assert on_ours and int(on_ours.group(1)) >= MIN_PASSED_ON_OURS, f"{last}: {on_ours and on_ours.group(0)}\n{tail}"
    print(f"TinyDB {tinydb.__version__} suite on JournaledStorage: {last}")
