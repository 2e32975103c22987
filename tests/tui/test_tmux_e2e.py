"""End to end in a real terminal: tmux runs `critics --db` as a process, keys add a review, q quits,
and `critics stats --json` / `critics export` show the review stored."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.fixed_store import build_store

TMUX = shutil.which("tmux")
# The console script of the environment running the tests, else whatever `critics` is on PATH.
_BESIDE_PYTHON = Path(sys.executable).with_name("critics")
CRITICS = str(_BESIDE_PYTHON) if _BESIDE_PYTHON.exists() else (shutil.which("critics") or str(_BESIDE_PYTHON))

pytestmark = [
    pytest.mark.skipif(TMUX is None, reason="tmux is not installed: the real-terminal test needs it"),
    pytest.mark.skipif(
        not Path(CRITICS).exists(),
        reason="the `critics` console script is not installed (pip install -e .)",
    ),
]


class Terminal:
    """One tmux server of our own (its own socket and config), one window running a command."""

    def __init__(self, socket: str, config: Path) -> None:
        self.socket = socket
        # remain-on-exit from the start: the pane (and the exit line) stays however fast the command ends.
        config.write_text("set -g remain-on-exit on\n", encoding="utf-8")
        self.config = config

    def tmux(self, *args: str) -> str:
        result = subprocess.run(
            [TMUX, "-L", self.socket, "-f", str(self.config), *args],
            capture_output=True, text=True, timeout=10, check=True,
        )
        return result.stdout

    def start(self, command: list[str], width: int = 80, height: int = 24) -> None:
        # A script of its own (no quoting through tmux): run the command, then put its exit
        # status on the screen once the browser has given the terminal back.
        script = self.config.with_name("run.sh")
        script.write_text(
            "#!/bin/sh\nunset NO_COLOR\nexport TERM=xterm-256color\n"
            + " ".join(shlex.quote(part) for part in command)
            + '\necho "[exited $?]"\n',
            encoding="utf-8",
        )
        script.chmod(0o755)
        self.tmux("new-session", "-d", "-s", "e2e", "-x", str(width), "-y", str(height), str(script))

    def screen(self, history: bool = False) -> str:
        """The visible screen; with history, the scrolled-off lines above it too."""
        return self.tmux("capture-pane", "-p", "-t", "e2e", *(["-S", "-"] if history else []))

    def keys(self, *keys: str, literal: bool = False) -> None:
        self.tmux("send-keys", "-t", "e2e", *(["-l"] if literal else []), *keys)

    def wait_for(self, text: str, timeout: float = 20.0, history: bool = False) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen(history)
            if text in screen:
                return screen
            time.sleep(0.05)
        history = self.tmux("capture-pane", "-p", "-S", "-200", "-t", "e2e")
        raise AssertionError(f"{text!r} never appeared; the screen and history:\n{history}")

    def wait_for_exit(self, timeout: float = 20.0) -> int:
        # After the app leaves the alternate screen, its last lines may sit in the history.
        screen = self.wait_for("[exited ", timeout, history=True)
        return int(re.search(r"\[exited (\d+)\]", screen).group(1))

    def close(self) -> None:
        subprocess.run([TMUX, "-L", self.socket, "kill-server"], capture_output=True, timeout=10)


@pytest.fixture
def terminal(tmp_path):
    term = Terminal(f"critics-e2e-{os.getpid()}", tmp_path / "tmux.conf")
    yield term
    term.close()


def test_a_review_added_in_a_real_terminal_is_stored(tmp_path, terminal):
    database = tmp_path / "critics.json"
    build_store(database).close()

    terminal.start([CRITICS, "--db", str(database)])
    terminal.wait_for("Films · by title")
    terminal.wait_for("6 films · 21 reviews")

    terminal.keys("j", "j", "j")  # Pusher
    terminal.wait_for("Reviews · Pusher (1996)")
    terminal.keys("a")
    terminal.wait_for("Add a review of Pusher (1996)")
    # Keys go in as a person types them: each group once the screen shows the last one landed.
    terminal.wait_for("› Critic")
    terminal.keys("Terminal Critic", literal=True)
    terminal.wait_for("Terminal Critic")
    terminal.keys("Tab", "Tab", "Tab")  # publication left empty, date prefilled with today
    terminal.wait_for("› Grade")
    terminal.keys("B+", literal=True)
    terminal.wait_for("= 83 · positive")  # the live preview of the grade
    terminal.keys("Tab")
    terminal.wait_for("› Excerpt")
    terminal.keys("Typed through [tmux].", literal=True)
    terminal.wait_for("Typed through [tmux].")
    terminal.keys("C-s")  # enter would start a second line: the excerpt is multi-line
    terminal.wait_for("Review added.")
    terminal.wait_for("6 films · 22 reviews")
    terminal.keys("q")
    assert terminal.wait_for_exit() == 0

    stats = subprocess.run(
        [CRITICS, "stats", "--json", "--film", "Pusher", "--db", str(database)],
        capture_output=True, text=True, timeout=30, check=True,
    )
    (pusher,) = json.loads(stats.stdout)["films"]
    assert pusher["reviews"] == 6 and pusher["scored"] == 2

    export = subprocess.run(
        [CRITICS, "export", "--format", "json", "--db", str(database)],
        capture_output=True, text=True, timeout=30, check=True,
    )
    films = {film["title"]: film for film in json.loads(export.stdout)["films"]}
    added = [r for r in films["Pusher"]["reviews"] if r["critic"] == "Terminal Critic"]
    assert added == [
        {
            "critic": "Terminal Critic",
            "publication": None,
            "date": "%s" % added[0]["date"],
            "grade": "B+",
            "score": 83,
            "excerpt": "Typed through [tmux].",
            "sentiment": None,
            "top_critic": False,
            "source_id": None,
        }
    ]
    assert len(added[0]["date"]) == 10  # prefilled with today


def test_a_database_that_cannot_open_exits_1_with_one_line(tmp_path, terminal):
    broken = tmp_path / "broken.json"
    broken.write_text("{ not json", encoding="utf-8")
    terminal.start([CRITICS, "--db", str(broken)], width=250)
    assert terminal.wait_for_exit() == 1
    lines = [
        line for line in terminal.screen(history=True).splitlines()
        if line.strip() and not line.startswith("Pane is dead")
    ]
    assert lines[-1] == "[exited 1]"
    lines = lines[:-1]
    assert len(lines) == 1 and lines[0].startswith("critics: error:"), lines
    assert "is not valid JSON" in lines[0]
    assert broken.read_text(encoding="utf-8") == "{ not json"
