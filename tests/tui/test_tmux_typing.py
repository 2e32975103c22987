"""Typing at machine speed in a real terminal: one tmux call sends a whole burst of keys (literal
text and key names, no pause between them), on the small fixed store and on a generated one of
40,000 reviews. The filter bars must hold exactly what was typed, and a review typed and saved in
one burst must be stored exactly as typed (read back with `critics export`)."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from tests.fixed_store import build_store
from tests.tui.test_tmux_e2e import CRITICS, TMUX, Terminal

pytestmark = [
    pytest.mark.skipif(TMUX is None, reason="tmux is not installed: typing at machine speed needs a real terminal"),
    pytest.mark.skipif(
        not os.path.exists(CRITICS), reason="the `critics` console script is not installed (pip install -e .)"
    ),
]


class Key(str):
    """A tmux key name (Tab, BTab, Enter, C-s ...), not literal text."""


TAB, ENTER, CTRL_S = Key("Tab"), Key("Enter"), Key("C-s")


def burst(terminal: Terminal, *parts: str) -> None:
    """Every part in one tmux call (send-keys commands joined by ";"): the keys reach the app's
    terminal back to back, as fast as tmux writes them."""
    args: list[str] = []
    for part in parts:
        if args:
            args.append(";")
        if isinstance(part, Key):
            args += ["send-keys", "-t", "e2e", str(part)]
        else:
            args += ["send-keys", "-t", "e2e", "-l", part]
    terminal.tmux(*args)


@pytest.fixture(scope="module")
def large_store(tmp_path_factory):
    """A generated store: 2,000 films, 40,000 reviews (a few seconds; 200,000 would be too slow here)."""
    path = tmp_path_factory.mktemp("large") / "critics.json"
    subprocess.run(
        [CRITICS, "generate", "--films", "2000", "--reviews", "40000", "--db", str(path)],
        capture_output=True, text=True, timeout=300, check=True,
    )
    return path


@pytest.fixture(params=["small", "large"])
def database(request, tmp_path, large_store):
    """A fresh copy of the store to type into: (path, the status line's counts when it opened)."""
    if request.param == "small":
        path = tmp_path / "critics.json"
        build_store(path).close()
        return path, "6 films · 21 reviews"
    path = tmp_path / "critics.json"
    for suffix in ("", ".journal"):
        source = large_store.with_name(large_store.name + suffix)
        if source.exists():
            path.with_name(path.name + suffix).write_bytes(source.read_bytes())
    return path, "2000 films · 40000 reviews"


@pytest.fixture
def terminal(tmp_path):
    term = Terminal(f"critics-typing-{os.getpid()}", tmp_path / "tmux.conf")
    yield term
    term.close()


def open_browser(terminal: Terminal, database) -> None:
    path, counts = database
    terminal.start([CRITICS, "--db", str(path)])
    terminal.wait_for(counts, timeout=60)


def quit_browser(terminal: Terminal) -> None:
    terminal.keys("q")
    assert terminal.wait_for_exit(timeout=60) == 0


def exported_reviews(path) -> list[dict]:
    export = subprocess.run(
        [CRITICS, "export", "--format", "json", "--db", str(path)],
        capture_output=True, text=True, timeout=120, check=True,
    )
    return [review for film in json.loads(export.stdout)["films"] for review in film["reviews"]]


@pytest.mark.parametrize("key, typed, shown", [
    ("c", "vikram ab", "critic “vikram ab”"),
    ("c", "noel murray", "critic “noel murray”"),
    ("/", "ghost", "title “ghost”"),
    ("/", "the b", "title “the b”"),
    ("p", "northlight", "publication “northlight”"),
    ("f", "the cast", "find “the cast”"),
])
@pytest.mark.parametrize("bar_first", [False, True], ids=["key and text at once", "bar open first"])
def test_a_filter_typed_in_one_burst_is_exactly_what_was_typed(terminal, database, key, typed, shown, bar_first):
    open_browser(terminal, database)
    if bar_first:
        terminal.keys(key)
        terminal.wait_for("esc clear")  # the bar's hint
        burst(terminal, typed, ENTER)  # type, keep: one burst
    else:
        burst(terminal, key, typed, ENTER)  # open the bar, type, keep: one burst
    screen = terminal.wait_for(shown, timeout=30)
    assert shown in screen.splitlines()[-2]  # the status line
    burst(terminal, key)  # the bar again, with the kept text in it
    label = {"c": "Critic", "/": "Title", "p": "Publication", "f": "Find"}[key]
    bar = next(line for line in terminal.wait_for(f" {label} {typed}").splitlines() if line.startswith(f" {label} "))
    assert bar.startswith(f" {label} {typed}")  # (a completion may follow what was typed)
    terminal.keys("Enter")
    quit_browser(terminal)


def test_a_review_typed_and_saved_in_one_burst_is_stored_exactly(terminal, database):
    path, counts = database
    open_browser(terminal, database)
    films, reviews = (int(word) for word in counts.replace("·", " ").split() if word.isdigit())
    burst(terminal, "a", "Test Critic", TAB, TAB, TAB, "B", TAB, "Scale", ENTER, "Second line.", CTRL_S)
    terminal.wait_for(f"{films} films · {reviews + 1} reviews", timeout=30)
    burst(terminal, "a", "Burst Typist", TAB, "Burst Weekly", TAB, TAB, TAB, "Both fields.", CTRL_S)
    terminal.wait_for(f"{films} films · {reviews + 2} reviews", timeout=30)
    quit_browser(terminal)

    stored = {review["critic"]: review for review in exported_reviews(path)
              if review["critic"] in ("Test Critic", "Burst Typist")}
    first, second = stored["Test Critic"], stored["Burst Typist"]
    assert (first["publication"], first["grade"], first["excerpt"]) == (None, "B", "Scale\nSecond line.")
    assert first["score"] is not None and len(first["date"]) == 10  # the date prefilled with today
    assert (second["publication"], second["grade"], second["excerpt"]) == ("Burst Weekly", None, "Both fields.")


def test_a_film_typed_and_saved_in_one_burst_is_stored_exactly(terminal, database):
    path, counts = database
    open_browser(terminal, database)
    films, reviews = (int(word) for word in counts.replace("·", " ").split() if word.isdigit())
    burst(terminal, "n", "Burst Film", TAB, "1999", TAB, "Ann Director", CTRL_S,
          "a", "First Critic", TAB, TAB, TAB, "B", CTRL_S)
    terminal.wait_for(f"{films + 1} films · {reviews + 1} reviews", timeout=30)
    quit_browser(terminal)
    exported = json.loads(subprocess.run(
        [CRITICS, "export", "--format", "json", "--db", str(path)], capture_output=True, text=True, timeout=120, check=True,
    ).stdout)
    (film,) = [film for film in exported["films"] if film["title"] == "Burst Film"]
    assert (film["year"], film["director"]) == (1999, "Ann Director")
    assert [review["critic"] for review in film["reviews"]] == ["First Critic"]
