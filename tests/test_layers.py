"""The layers hold: import-linter's contracts in pyproject.toml (store never imports the browser,
the benchmark or Textual; the browser never imports the benchmark but for `critics bench`; no
import cycles), checked on every test run as CI checks them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.places import ROOT


def _lint_imports() -> str:
    found = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))
    assert Path(found).exists(), "lint-imports is missing: install the test extra (pip install -e '.[test]')"
    return found


def test_import_linter_contracts_are_kept():
    run = subprocess.run([_lint_imports(), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout, run.stdout


def test_every_contract_is_checked():
    # A contract naming a module that no longer exists would be dropped silently by a rename.
    run = subprocess.run([_lint_imports(), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    kept = run.stdout.count(" KEPT")
    assert kept == (ROOT / "pyproject.toml").read_text().count("[[tool.importlinter.contracts]]"), run.stdout


def test_numpy_is_imported_only_when_the_taste_match_computes():
    # Its import (~100 ms) would count against every launch of the browser and every command.
    code = (
        "import sys, tui.app, tui.cli, store.repository, tui.screens.taste; "
        "assert 'numpy' not in sys.modules, 'numpy imported at start'; "
        "import store.taste; assert 'numpy' not in sys.modules"
    )
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
