"""Hostile text through the store, the command line and the browser.

Rich markup, ANSI CSI and OSC escapes (7- and 8-bit), NUL, bidi overrides, combining marks, wide
CJK and emoji, a 100 KB excerpt and a 10,000-character critic name: stored cleaned as
store/text.py says (control characters and bidi controls removed, everything else literal),
filters and sorts still work, export/import keeps them, the command line never prints an escape,
and the browser shows them literally without breaking its layout or dying. The last test runs
the real program in tmux on a database edited by hand to hold raw escapes (past the store's
cleaning), and checks the pane stays alive and the terminal's title is unchanged.
"""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pytest
from rich.cells import cell_len

from store.domain import Publication, PublishedSummary, ReviewDraft
from store.exchange import export_csv, export_json, read_csv_export, read_json_export
from store.domain import FilmRecord
from store.repository import Repository
from store.views import FilmSort, ReviewSort
from store.text import clean_line, clean_paragraphs
from tests.places import ROOT
from tests.snapshot_files import rewrite_snapshot


MARKUP = "[/foo] [bold red]x[/] [link=http://x]click[/link] [@click=app.quit]q[/] [/]"
CSI = "\x1b[2J\x1b[31mred\x1b[0m"
OSC = "\x1b]0;pwned\x07 \x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\"
C1 = "\x9b31m8bit\x9d2;c1\x9c"
NUL = "nul\x00here"
BIDI = "\u202eevil\u202c \u2066iso\u2069 \u200fmark\u200e"
COMBINING = "Zoe\u0308 Cafe\u0301 Z\u0351\u0352\u0353a\u0300\u0301\u0302l\u0303g\u0304o"
WIDE = "東京物語 🎬🍿 👩\u200d👩\u200d👧 한국어"
LONG_EXCERPT = ("A very long review, " * 5200)[:102_400]
LONG_CRITIC = ("Critic" + "X" * 94) * 100  # 10,000 characters

HOSTILE_TITLE = f"{MARKUP} {CSI} {WIDE}"
HOSTILE_CRITIC = f"{MARKUP} {OSC} {BIDI}"
HOSTILE_PUBLICATION = f"{C1} {COMBINING}"
HOSTILE_EXCERPT = "\n".join([MARKUP, CSI, OSC, C1, NUL, BIDI, COMBINING, WIDE])

BIDI_CONTROLS = {"LRE", "RLE", "PDF", "LRO", "RLO", "LRI", "RLI", "FSI", "PDI"}


def is_clean(text: str, *, newlines: bool = False) -> bool:
    """No control character (a newline only in an excerpt) and no bidi control."""
    for char in text:
        if char == "\n" and newlines:
            continue
        if unicodedata.category(char) == "Cc" or unicodedata.bidirectional(char) in BIDI_CONTROLS:
            return False
        if char in "\u200e\u200f":
            return False
    return True


def hostile_records() -> list[FilmRecord]:
    return [
        FilmRecord(
            HOSTILE_TITLE, 2020, f"{NUL} {BIDI}", PublishedSummary(f"Universal {CSI} acclaim {BIDI}", 4, 2, 2, 0),
            (
                ReviewDraft(HOSTILE_EXCERPT, HOSTILE_CRITIC, HOSTILE_PUBLICATION, "2021-01-01", "B+"),
                ReviewDraft(LONG_EXCERPT, LONG_CRITIC, "[bold]Weekly[/bold]", "2021-01-02", "3/4"),
                ReviewDraft(f"{WIDE}\n{COMBINING}", f"{WIDE} {COMBINING}", None, "2021-01-03", "60"),
                ReviewDraft("Plain.", "Zoë Brandt", "Plain Weekly", "2021-01-04", "C"),
            ),
        ),
        FilmRecord("Plain Film", 1999, None, None, (ReviewDraft("Nothing odd.", "Zoë Brandt", "Plain Weekly", None, "80"),)),
    ]


@pytest.fixture
def hostile(tmp_path):
    repository = Repository.open(tmp_path / "critics.json")
    repository.import_films(hostile_records(), [Publication(HOSTILE_PUBLICATION, 2.0)])
    yield repository
    repository.close()


# -- the store ---------------------------------------------------------------------------------


def _stored(repository):
    film = repository.find_films(HOSTILE_TITLE, 2020)[0]
    return film, repository.reviews(film.id)


def test_hostile_text_is_stored_cleaned_and_everything_else_literally(hostile, tmp_path):
    for repository in (hostile, Repository.open(hostile.path)):  # in memory, and read back from disk
        film, reviews = _stored(repository)
        assert film.title == clean_line(HOSTILE_TITLE)
        assert film.director == clean_line(f"{NUL} {BIDI}")
        assert film.published.verdict == "Universal [2J[31mred[0m acclaim evil iso mark"
        assert repository.weight_of(clean_line(HOSTILE_PUBLICATION)) == 2.0
        assert all(is_clean(p.name) for p in repository.publications())
        assert reviews[0].excerpt == clean_paragraphs(HOSTILE_EXCERPT)
        assert reviews[0].critic == clean_line(HOSTILE_CRITIC)
        assert reviews[0].publication == clean_line(HOSTILE_PUBLICATION)
        texts = [film.title, film.director] + [t for r in reviews for t in (r.critic, r.publication) if t]
        assert all(is_clean(t) for t in texts)
        assert all(is_clean(r.excerpt, newlines=True) for r in reviews)
        # What is removed: the control characters and bidi controls, nothing around them.
        excerpt = reviews[0].excerpt
        for kept in (MARKUP, "[2J[31mred[0m", "]0;pwned", "]8;;http://evil\\link", "31m8bit2;c1", "nulhere",
                     "evil iso mark", COMBINING, WIDE):
            assert kept in excerpt, kept
        assert reviews[0].critic.startswith(MARKUP)
        assert unicodedata.normalize("NFC", COMBINING) != COMBINING  # combining marks kept as typed, not composed
        assert reviews[1].excerpt == LONG_EXCERPT.strip() and len(reviews[1].excerpt) > 100_000
        assert reviews[1].critic == LONG_CRITIC and len(reviews[1].critic) == 10_000
        assert reviews[2].critic == f"{WIDE} {COMBINING}"
        if repository is not hostile:
            repository.close()


def test_filters_and_sorts_still_work_with_hostile_text(hostile):
    film, reviews = _stored(hostile)
    # Critic filter: markup, wide text, accents typed either way (combining or precomposed).
    assert hostile.matching_critics("[bold red]x[/]") == [reviews[0].critic]
    assert {s.film.id for s in hostile.films(critic="[/foo]")} == {film.id}
    assert hostile.matching_critics("東京") == [reviews[2].critic]
    assert set(hostile.matching_critics("zoe")) == {"Zoë Brandt", reviews[2].critic}
    assert hostile.matching_critics("XXXXXX" * 10) == [LONG_CRITIC]
    assert [r.critic for r in hostile.reviews(film.id, critic="pwned")] == [reviews[0].critic]
    # Title search with markup and emoji.
    assert [s.film.id for s in hostile.films(title="[bold red]")] == [film.id]
    assert [s.film.id for s in hostile.films(title="🍿")] == [film.id]
    # Every sort gives every row once.
    for sort in FilmSort:
        assert sorted(s.film.id for s in hostile.films(sort)) == sorted(s.film.id for s in hostile.films())
    for sort in ReviewSort:
        assert sorted(r.id for r in hostile.reviews(film.id, sort)) == sorted(r.id for r in reviews)
    by_critic = [r.critic for r in hostile.reviews(film.id, ReviewSort.CRITIC)]
    assert by_critic[0] == reviews[0].critic  # "[" sorts before letters
    profile = hostile.critic_profile("[bold red]x[/]")
    assert profile is not None and profile.reviews == 1
    assert hostile.summary(film.id).reviews == 4


def test_export_then_import_keeps_hostile_text_exactly(hostile, tmp_path):
    exported_json, exported_csv = export_json(hostile), export_csv(hostile)
    for name, read, data in (("json", read_json_export, exported_json), ("csv", read_csv_export, exported_csv)):
        with Repository.open(tmp_path / f"copy-{name}.json") as copy:
            copy.import_films(*read(data if name == "json" else data, f"export.{name}"))
            assert export_json(copy) == exported_json
            assert export_csv(copy) == exported_csv
            assert _stored(copy)[1][1].excerpt == LONG_EXCERPT.strip()


# -- the command line ------------------------------------------------------------------------


def critics(*args: str, db: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tui.cli", *args, "--db", str(db)],
                          capture_output=True, cwd=ROOT)


def _no_escapes(data: bytes) -> None:
    text = data.decode("utf-8")
    assert "\x1b" not in text and "\x07" not in text and "\x00" not in text and "\x9b" not in text
    assert all(is_clean(line) for line in text.split("\n")), "a control or bidi character reached the output"


def test_hostile_imports_and_adds_through_the_command_line_never_print_an_escape(tmp_path):
    db = tmp_path / "critics.json"
    export = tmp_path / "hostile.json"
    with Repository.open(tmp_path / "source.json") as source:
        source.import_films(hostile_records())
        clean = json.loads(export_json(source))
    # An export as some other program might write it: the raw controls put back in.
    raw = json.loads(export_json(source))
    raw["films"][0]["title"] = HOSTILE_TITLE
    raw["films"][0]["reviews"][0].update(excerpt=HOSTILE_EXCERPT, critic=HOSTILE_CRITIC, publication=HOSTILE_PUBLICATION)
    export.write_text(json.dumps(raw), encoding="utf-8")
    assert b"\\u0000" in export.read_bytes() and b"\\u001b" in export.read_bytes()
    imported = critics("import", str(export), db=db)
    assert imported.returncode == 0, imported.stderr
    page = tmp_path / "page.txt"
    page.write_text(
        f"Critic Reviews\n\n  1. Reviewed by: {HOSTILE_CRITIC}\n    Jul 15, 2013\n    {CSI} {OSC} {NUL}\n    {MARKUP}\n",
        encoding="utf-8",
    )
    assert critics("import", str(page), "--title", f"Page {CSI}", db=db).returncode == 0
    added = critics("add", "--film", HOSTILE_TITLE, "--year", "2020", "--critic", f"{OSC} Added", "--grade", "B",
                    "--publication", C1, "--excerpt", f"{MARKUP} {BIDI} {WIDE}", db=db)
    assert added.returncode == 0, added.stderr
    long_add = critics("add", "--film", "Plain Film", "--critic", LONG_CRITIC, "--excerpt", LONG_EXCERPT, db=db)
    assert long_add.returncode == 0, long_add.stderr
    outputs = [
        critics("stats", db=db), critics("stats", "--json", db=db), critics("stats", "--critic", "[bold red]", db=db),
        critics("stats", "--film", HOSTILE_TITLE, db=db), critics("export", db=db),
        critics("export", "--format", "csv", db=db),
    ]
    for result in outputs:
        assert result.returncode == 0, result.stderr
        _no_escapes(result.stdout)
        _no_escapes(result.stderr)
    exported = json.loads(outputs[4].stdout)
    assert exported["films"][0]["reviews"][:4] == clean["films"][0]["reviews"]
    assert exported["films"][0]["title"] == clean["films"][0]["title"]
    by_critic = json.loads(critics("stats", "--json", "--critic", "pwned", db=db).stdout)
    assert by_critic["critic"]["reviews"] == 3  # the export's, the page's and the added one
    # The errors too: an unknown hostile film name is echoed without its escapes.
    missing = critics("add", "--film", f"{CSI}Nope{OSC}", "--critic", "X", "--excerpt", "Y", db=db)
    assert missing.returncode == 1
    _no_escapes(missing.stderr)


# -- the browser ------------------------------------------------------------------------------


def _screen(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def _layout_intact(app, width: int) -> None:
    lines = _screen(app).split("\n")
    assert all(cell_len(line) == width for line in lines), [cell_len(line) for line in lines]
    assert "\x1b" not in "".join(lines)


async def test_the_browser_shows_hostile_text_literally_and_keeps_its_layout(hostile):
    from tui.app import make_app

    app = make_app(repository=hostile)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        film, reviews = _stored(hostile)
        assert app.browser.selected_film == film.id  # "[" sorts first
        text = _screen(app)
        assert "[/foo] [bold red]x[/]" in text
        assert "東京物語" in text
        _layout_intact(app, 120)
        await pilot.press("tab", "tab")  # the reviews pane
        assert app.focused is app.browser.reviews
        seen = set()
        for _ in range(len(reviews)):
            current = app.browser.reviews.current
            seen.add(current.id)
            text = _screen(app)
            _layout_intact(app, 120)
            if current.id == reviews[0].id:
                assert "[link=http://x]click[/link]" in text and "]0;pwned" in text and "[2J[31mred" in text
            if current.id == reviews[1].id:
                assert LONG_CRITIC[:12] in text and "A very long review," in text
            await pilot.press("j")
        assert seen == {r.id for r in reviews}
        for _ in range(5):  # every review sort
            await pilot.press("s")
            _layout_intact(app, 120)
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        _layout_intact(app, 80)
        assert app.is_running


async def test_typing_hostile_filters_and_saving_hostile_text_in_the_browser(hostile):
    from tui.app import make_app
    from tests.fixed_store import type_text

    app = make_app(repository=hostile)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("c")
        await type_text(pilot, "[/")
        await pilot.pause()
        assert app.browser.critic_query == "[/"
        assert [r.critic for r in app.browser.reviews.rows] == [_stored(hostile)[1][0].critic]
        _layout_intact(app, 100)
        await pilot.press("escape")
        await pilot.press("slash")
        await type_text(pilot, "[bold")
        await pilot.pause()
        assert [row.film.title for row in app.browser.films.rows] == [clean_line(HOSTILE_TITLE)]
        await pilot.press("escape")
        before = hostile.review_count
        await pilot.press("a")
        form = app.browser.reviews_pane.form
        form.input("critic").value = f"[bold red]Typed[/] {OSC}"
        form.input("excerpt").value = f"{MARKUP} {CSI} {WIDE}"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert hostile.review_count == before + 1
        added = app.browser.reviews.current
        assert added.critic == clean_line(f"[bold red]Typed[/] {OSC}")
        assert added.excerpt == clean_paragraphs(f"{MARKUP} {CSI} {WIDE}")
        assert "[bold red]Typed[/]" in _screen(app)
        _layout_intact(app, 100)
        assert app.is_running


# -- a real terminal ------------------------------------------------------------------------

TMUX = shutil.which("tmux")
CRITICS = shutil.which("critics") or str(Path(sys.executable).with_name("critics"))


class Tmux:
    """A tmux server of our own (socket and config in the test's folder), 120x40."""

    def __init__(self, folder: Path) -> None:
        self.socket = f"critics-hostile-{folder.name}"
        self.config = folder / "tmux.conf"
        self.config.write_text("set -g default-size 120x40\n", encoding="utf-8")

    def __call__(self, *args: str) -> str:
        return subprocess.run([TMUX, "-L", self.socket, "-f", str(self.config), *args],
                              capture_output=True, text=True, timeout=10, check=True).stdout

    def kill(self) -> None:
        subprocess.run([TMUX, "-L", self.socket, "kill-server"], capture_output=True)


def _raw_escapes_database(path: Path) -> None:
    """A database a careless script wrote: raw ESC/OSC/BEL/C1 in a title, a critic and an excerpt,
    which the store's cleaning never saw."""
    with Repository.open(path) as repository:
        repository.import_films(hostile_records())
        repository.compact()
    def hostile(tables):
        for name, table in tables.items():
            text = json.dumps(table, ensure_ascii=False)
            for placeholder, raw in (("Plain Film", "Plain Film \x1b]2;pwned-title\x07 \x1b[2J"),
                                     ("Zoë Brandt", "Zoë \x1b]0;pwned-critic\x1b\\ \x9b31m Brandt"),
                                     ("Nothing odd.", "Nothing \x1b]2;pwned-excerpt\x07 odd \x1bc reset")):
                text = text.replace(json.dumps(placeholder, ensure_ascii=False), json.dumps(raw, ensure_ascii=False))
            tables[name] = json.loads(text)

    rewrite_snapshot(path, hostile)  # with its index counted again, as a script that knows the format would
    with Repository.open(path) as repository:  # the escapes really are in the store now
        assert any("\x1b]2;pwned-title" in s.film.title for s in repository.films())


@pytest.mark.skipif(TMUX is None, reason="tmux is not installed")
@pytest.mark.skipif(not Path(CRITICS).exists(), reason="the critics console script is not installed")
def test_a_real_terminal_stays_alive_and_keeps_its_title_with_raw_escapes_in_the_database(tmp_path):
    db = tmp_path / "critics.json"
    _raw_escapes_database(db)
    tmux = Tmux(tmp_path)
    script = tmp_path / "run.sh"
    script.write_text(
        "#!/bin/sh\nexport TERM=xterm-256color\nunset NO_COLOR\n"
        "printf '\\033]2;title-before\\033\\\\'\n"
        f"{shlex.quote(CRITICS)} --db {shlex.quote(str(db))}\n"
        'echo "[exited $?]"\nsleep 30\n',
        encoding="utf-8",
    )
    script.chmod(0o755)

    def pane(fmt: str) -> str:
        return tmux("display-message", "-p", "-t", "h", fmt).strip()

    def wait_for(text: str) -> str:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            screen = tmux("capture-pane", "-p", "-t", "h")
            if text in screen:
                return screen
            time.sleep(0.05)
        raise AssertionError(f"{text!r} never appeared:\n{screen}")

    tmux("new-session", "-d", "-s", "h", "-x", "120", "-y", "40", str(script))
    try:
        screen = wait_for("Films · by title")
        assert pane("#{pane_title}") == "title-before"
        assert "[/foo] [bold red]x[/]" in screen
        keys = ["j", "j", "G", "g", "Tab", "Tab", "j", "j", "j", "s", "s", "BTab", "BTab", "G"]
        for key in keys:
            tmux("send-keys", "-t", "h", key)
            time.sleep(0.05)
        screen = wait_for("Plain Film ]2;pwned")  # the film with the raw escapes, shown as text
        tmux("send-keys", "-t", "h", "Tab", "Tab")
        wait_for("]2;pwned-excerpt")
        tmux("send-keys", "-t", "h", "C-p")
        time.sleep(0.3)
        tmux("send-keys", "-t", "h", "-l", "pwned")
        time.sleep(0.5)
        tmux("send-keys", "-t", "h", "Escape")
        time.sleep(0.3)
        assert pane("#{pane_dead}") == "0", "the browser died"
        assert pane("#{pane_title}") == "title-before", "the data changed the terminal's title"
        tmux("send-keys", "-t", "h", "q")
        wait_for("[exited 0]")
        assert pane("#{pane_title}") == "title-before"
    finally:
        tmux.kill()


def test_the_command_line_never_prints_raw_escapes_from_a_hand_edited_database(tmp_path):
    """The store cleans text on the way in; a database written by something else may still hold
    raw escapes. What the commands print for a person (stats, errors) must not carry them."""
    db = tmp_path / "critics.json"
    _raw_escapes_database(db)
    for args in (("stats",), ("stats", "--critic", "pwned"), ("stats", "--film", "Plain Film"),
                 ("add", "--film", "Plain Fil", "--critic", "X", "--excerpt", "Y")):
        result = critics(*args, db=db)
        _no_escapes(result.stdout)
        _no_escapes(result.stderr)
    # Machine-readable output is data and keeps it, but as JSON: every C0 control escaped.
    for args in (("stats", "--json"), ("export",)):
        out = critics(*args, db=db).stdout.decode("utf-8")
        assert not [c for c in out if c < " " and c != "\n"], args
        assert "\\u001b]2;pwned" in out or args[0] == "stats"
