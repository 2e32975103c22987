"""A small fixed store for the browser's tests and snapshots, built through the Repository API,
and the plain functions that drive the browser over it in Pilot tests (fixtures live in conftest.py).

Every excerpt is ours (the seed page's are other people's sentences). Fixed dates everywhere (and a fixed "today" for the add form) so snapshots never drift."""

from __future__ import annotations

import shutil
import tempfile
from datetime import date
from pathlib import Path

from store.domain import Publication, PublishedSummary, ReviewDraft
from store.domain import FilmRecord
from store.repository import Repository
from tui.app import CriticsApp, make_app

FIXED_TODAY = date(2024, 5, 1)

HOSTILE_TITLE = "[/foo] and [bold red]x[/]"
HOSTILE_CRITIC = "[bold red]x[/]"
STAFF = "Staff [Not Credited]"


def _r(critic, publication, when, grade, excerpt) -> ReviewDraft:
    return ReviewDraft(excerpt=excerpt, critic=critic, publication=publication, date=when, grade=grade)


RECORDS: tuple[FilmRecord, ...] = (
    FilmRecord(
        "Pusher",
        1996,
        "Nicolas Winding Refn",
        PublishedSummary("Generally favorable reviews", 11, 9, None, 0),
        (
            _r("Noel Murray", "The A.V. Club", "2013-07-15", None,
               "Refn lets each day tick past like a fuse, and what starts as a shrug of a crime story "
               "ends as a long, sweaty look at a man with no exits left."),
            _r(None, None, None, "80",
               "Every chapter of Refn's bruising drug-trade trilogy works as a film of its own."),
            _r(STAFF, "TV Guide Magazine", "2013-07-15", None,
               "Copenhagen by night, shot like a cousin of Scorsese's early street films."),
            _r("Dennis Lim", "The Village Voice", "2013-07-15", None,
               "Among deal-gone-wrong stories, Pusher goes further than most\u2014 its clich\u00e9s fall away."),
            _r("V.A. Musetto", "New York Post", "2013-07-15", None,
               "[Refn] keeps the camera jittery and the light scarce; the talk sounds found, not written."),
        ),
    ),
    FilmRecord(
        "Salt Lines",
        1962,
        "Agnes Varro",
        None,
        (
            _r("Zo\u00eb Brandt", "The Lantern Review", "2018-05-11", "A", "White and merciless salt flats."),
            _r("S\u00f8ren Vik", "Northlight Weekly", "2018-05-12", "****", "A second sea, filmed with patience."),
            _r("Noel Murray", "The A.V. Club", "2018-05-13", "9/10", "Varro never once makes her workers symbols."),
            _r("Anita Gates", "The New York Times", "2018-05-14", "B+", "Austere and, at the end, overwhelming."),
            _r("Dennis Lim", "The Village Voice", "2018-05-15", "4.5/5", "The best restoration of the year."),
        ),
    ),
    FilmRecord(
        "Dead Reckoning Mall",
        1996,
        None,
        None,
        (
            _r("Zo\u00eb Brandt", "The Lantern Review", "2019-02-01", "D", "A mall, a murder, a shrug."),
            _r("Noel Murray", "The A.V. Club", "2019-02-02", "1/4", "Every twist is visible from the parking lot."),
            _r("Anita Gates", "The New York Times", "2019-02-03", "2/10", "Loud where it should be tense."),
            _r("S\u00f8ren Vik", "Northlight Weekly", "2019-02-04", "C-", "Some good neon; nothing else."),
        ),
    ),
    FilmRecord(
        "Bellwether Junction",
        1955,
        None,
        None,
        (
            _r("Anita Gates", "The New York Times", "2020-03-01", "C+", "A western that wants to be a chamber play."),
            _r("Zo\u00eb Brandt", "The Lantern Review", "2020-03-02", "3/5", "Handsome and half-finished."),
            _r("Dennis Lim", "The Village Voice", "2020-03-03", "2.5/4", "The last reel almost saves it."),
            _r("S\u00f8ren Vik", "Northlight Weekly", "2020-03-04", "50", "Neither here nor there."),
        ),
    ),
    FilmRecord(
        HOSTILE_TITLE,
        2020,
        None,
        None,
        (
            _r(HOSTILE_CRITIC, "[/foo] Monthly", "2021-01-01", "B", "Brackets [/foo] must stay [bold]literal[/bold]."),
            _r(STAFF, None, "2021-01-02", None, "line one\nline two"),
        ),
    ),
    FilmRecord(
        "The Beekeeper's Almanac",
        2025,
        None,
        None,
        (
            _r("Noel Murray", "The A.V. Club", "2025-04-01", "B-", "Gentle, slight, and over before it starts."),
        ),
    ),
)

PUBLICATIONS = (Publication("The New York Times", 1.5),)


def build_store(path: Path) -> Repository:
    """A new database at path holding the fixed films above."""
    repository = Repository.open(path)
    repository.import_films(RECORDS, PUBLICATIONS)
    return repository


def fixed_dir(name: str) -> Path:
    """A directory whose path is the same on every run (the status line shows the database path)."""
    directory = Path(tempfile.gettempdir()) / "critics-tui-tests" / name
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    return directory


def browser(repository: Repository) -> CriticsApp:
    return make_app(repository=repository, today=lambda: FIXED_TODAY)


def screen_text(app: CriticsApp) -> str:
    """What the terminal shows right now, as plain lines (the active screen, composited)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def type_text(pilot, text: str) -> None:
    """Type literally (pilot.press takes key names; a space or a bracket needs its name)."""
    names = {" ": "space", "[": "left_square_bracket", "]": "right_square_bracket", "/": "slash",
             "?": "question_mark", "-": "minus", "+": "plus", ".": "full_stop", "*": "asterisk",
             "'": "apostrophe", ",": "comma", ":": "colon"}
    await pilot.press(*[names.get(char, char) for char in text])


async def search_settled(pilot) -> None:
    """Wait until the search across every film (the find view, on top) is done."""
    for _ in range(200):
        await pilot.pause(0.01)
        if not getattr(pilot.app.screen, "searching", False):
            break
    await pilot.pause()


async def profile_settled(pilot) -> None:
    """Wait until the critic profile (computed once typing pauses) is on screen."""
    for _ in range(200):
        await pilot.pause(0.02)
        if pilot.app.browser._profile_timer is None:
            break
    await pilot.pause()


async def shows(pilot, text: str, timeout: float = 5.0) -> bool:
    """Wait (briefly, polling) until the screen shows text; the command palette searches asynchronously."""
    for _ in range(int(timeout / 0.02)):
        if text in screen_text(pilot.app):
            return True
        await pilot.pause(0.02)
    return text in screen_text(pilot.app)


def files(folder: Path) -> dict[str, bytes]:
    """Every file in a folder with its bytes: what a refused change must leave exactly as it was."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}
