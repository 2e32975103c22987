"""The README's quick start is what CI runs, and names only commands that exist."""

from __future__ import annotations

import re

from tests.places import ROOT


def _quick_start_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section)


def test_quick_start_is_exactly_two_commands_launch_and_test():
    launch, test = _quick_start_commands()
    assert launch.endswith(".venv/bin/critics")
    assert test.endswith("-m pytest")


def test_ci_runs_the_readmes_test_command():
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert _quick_start_commands()[1] in ci


def test_every_command_in_the_reference_exists():
    from tui.cli import build_parser

    readme = (ROOT / "README.md").read_text()
    documented = set(re.findall(r"^\| `critics ([a-z-]+)", readme, flags=re.MULTILINE))
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    assert documented and documented <= set(commands)


def test_every_key_of_the_help_screen_is_in_the_readme():
    from tui.keys import KEY_HELP

    readme = (ROOT / "README.md").read_text()
    for _section, rows in KEY_HELP:
        for _key, what in rows:
            assert f"| {what} |" in readme, what
