"""`critics bench`: how fast the store and the browser are, beside stock TinyDB, sqlite3 and orjson.

The runner generates a fresh store in a temporary folder, then runs each group of measures in a
process of its own (``python -m tui.bench_probe MODE ...``), so one group's garbage never slows
another and every launch measure starts a real new process:

- ``store``: load, add, edit, delete and critic_filter, in-process through the Repository;
- ``peerfiles`` then ``peers``: the stock TinyDB file (every review in one table) and a sqlite3
  database (an index on critic) are written from the generated snapshot, then stock TinyDB
  JSONStorage, sqlite3 and the orjson floor are timed on them in a fresh process;
- ``app``: film_select and filter_keystroke in the headless app (keys sent as Pilot sends them);
  each is timed from the key to the first frame that shows its result (the frame clock wraps
  App._display, which the screen calls once per composed frame, headless or not);
- ``launch``: first_paint, ready and peak_rss_mb, one fresh process per run (tui/bench_probe.py).

Every number is the median of several runs (fewer for the slow peers at large sizes). Times
are wall-clock milliseconds: other work on the machine shows in them, so the table reports the
load average. Textual and the store are imported only inside the functions that need them.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from tui.bench_probe import SCREEN_SIZE, _data_shown

MS_KEYS = (
    "load", "add", "edit", "delete", "critic_filter",
    "film_select", "filter_keystroke", "first_paint", "ready",
)
PEER_KEYS = (
    "tinydb_jsonstorage_load", "tinydb_jsonstorage_insert", "tinydb_jsonstorage_search",
    "sqlite_insert_commit", "sqlite_search", "orjson_loads",
)
# The targets hold at this size (200,000 reviews, 10,000 films, a 2-core machine).
TARGET_REVIEWS = 200_000
LARGE = 100_000  # from this many reviews the slow peers and the launches run fewer times
SETTLE_TIMEOUT = 30.0

Progress = Callable[[str], None]


MIN_FILMS = 2  # film_select moves between two films at least


def default_films(reviews: int) -> int:
    """Films for a review count when --films is not given: 20 reviews a film on average."""
    return max(MIN_FILMS, reviews // 20)


@dataclass(frozen=True)
class Runs:
    """How many times each measure runs (the median is reported)."""

    load: int
    writes: int  # each of add, edit and delete
    critic_filter: int
    film_select: int
    keystroke_critics: int  # critic names typed key by key; every key is one sample
    launches: int
    orjson: int
    tinydb: int  # each of load, insert, search: about a second apiece at 200k
    sqlite: int
    chatty: bool = False  # a progress line per run (slow sizes), else one per group

    @classmethod
    def for_size(cls, reviews: int) -> "Runs":
        if reviews >= LARGE:
            return cls(load=5, writes=21, critic_filter=101, film_select=21, keystroke_critics=3,
                       launches=3, orjson=5, tinydb=3, sqlite=21, chatty=True)
        return cls(load=7, writes=21, critic_filter=101, film_select=21, keystroke_critics=3,
                   launches=5, orjson=7, tinydb=7, sqlite=21)


@dataclass
class BenchResult:
    reviews: int
    films: int
    ms: dict[str, float]
    peak_rss_mb: float
    peers_ms: dict[str, float]
    # For the readable table only (not in --json): samples, spreads, what was measured on.
    runs: Runs
    notes: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "reviews": self.reviews,
            "films": self.films,
            "ms": {key: self.ms[key] for key in MS_KEYS},
            "peak_rss_mb": self.peak_rss_mb,
            "peers_ms": {key: self.peers_ms[key] for key in PEER_KEYS},
        }


# -- small helpers ----------------------------------------------------------------------------


def median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 3)


def _spread(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "n": len(ordered),
        "min": round(ordered[0] * 1000, 3),
        "p90": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))] * 1000, 3),
        "max": round(ordered[-1] * 1000, 3),
    }


def _stderr(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def _step(runs: "Runs", what: str, number: int, total: int) -> None:
    """Progress for one run of a group: every run when runs are slow, else the group once."""
    if runs.chatty:
        _stderr(f"{what} {number + 1}/{total}")
    elif number == 0:
        _stderr(f"{what} x{total}")


SAMPLE_EXCERPT = (
    "Une mise-en-scène patiente — the camera waits, the cast breathes, and the ending arrives "
    "with the quiet force of déjà vu; überraschend, tender, never naïve. 皮肉 is the word."
)


# -- probe: the store through the Repository ------------------------------------------------------


def probe_store(path: Path, runs: Runs) -> dict[str, Any]:
    """load, add, edit, delete and critic_filter on the store at path."""
    from store.domain import ReviewDraft
    from store.repository import FilmSort, Repository

    from tui.app import FREEZE_AFTER_REVIEWS

    loads = []
    repository = None
    for number in range(runs.load):
        _step(runs, "load", number, runs.load)
        if repository is not None:
            repository.close()
            repository = None
        gc.collect()
        start = time.perf_counter()
        repository = Repository.open(path)
        loads.append(time.perf_counter() - start)
    assert repository is not None
    # As the app does after loading a large store: keep the loaded objects out of the GC's sight.
    if repository.review_count > FREEZE_AFTER_REVIEWS:
        gc.collect()
        gc.freeze()

    critics = repository.critics()
    # The most prolific critic: the filter with the most films to collect.
    repository.films(FilmSort.TITLE)  # the title order is built once, as the app's first screen does
    counts = {name: len(repository.films(FilmSort.TITLE, critic=name)) for name in critics}
    critic = max(critics, key=lambda name: (counts[name], name))
    filters = []
    listed = 0
    _stderr(f"critic_filter x{runs.critic_filter} ({critic}, the most prolific critic)")
    for _ in range(runs.critic_filter):
        start = time.perf_counter()
        films = repository.films(FilmSort.TITLE, critic=critic)
        listed = len(films)
        filters.append(time.perf_counter() - start)

    film_ids = list(repository.films(FilmSort.TITLE).ids)
    adds, edits, deletes = [], [], []
    _stderr(f"add, edit, delete x{runs.writes}")
    for number in range(runs.writes):
        film_id = film_ids[(number * 7919) % len(film_ids)]
        draft = ReviewDraft(SAMPLE_EXCERPT, critic, "Kino Review", "2024-05-01", "B+")
        start = time.perf_counter()
        review = repository.add_review(film_id, draft)
        adds.append(time.perf_counter() - start)
        changed = ReviewDraft(SAMPLE_EXCERPT + " Revised.", critic, "Kino Review", "2024-05-02", "3.5/4")
        start = time.perf_counter()
        repository.edit_review(review.id, changed)
        edits.append(time.perf_counter() - start)
        start = time.perf_counter()
        repository.delete_review(review.id)
        deletes.append(time.perf_counter() - start)
    result = {
        "reviews": repository.review_count,
        "films": repository.film_count,
        "critic": critic,
        "critic_films": listed,
        "critic_reviews": sum(1 for _ in _critic_reviews(repository, critic)),
        "ms": {
            "load": median_ms(loads),
            "add": median_ms(adds),
            "edit": median_ms(edits),
            "delete": median_ms(deletes),
            "critic_filter": median_ms(filters),
        },
        "spread": {
            "load": _spread(loads), "add": _spread(adds), "edit": _spread(edits),
            "delete": _spread(deletes), "critic_filter": _spread(filters),
        },
    }
    repository.close()
    return result


def _critic_reviews(repository, critic: str):
    for film in repository.films(critic=critic).ids:
        yield from repository.reviews(film, critic=critic)


# -- probe: the peers on the same data -----------------------------------------------------------


def _read_snapshot(path: Path) -> dict[str, dict[str, dict]]:
    import orjson

    tables = {}
    with open(path, "rb") as handle:
        handle.readline()  # the header
        for line in handle:
            name, table = orjson.loads(line)
            tables[name] = table
    return tables


TINYDB_FILE, SQLITE_FILE = "tinydb.json", "sqlite.db"
SAMPLE_REVIEW = {"film": 1, "critic": None, "publication": "Kino Review", "date": "2024-05-01",
                 "grade": "B+", "score": 83, "excerpt": SAMPLE_EXCERPT}


def probe_peer_files(snapshot: Path, folder: Path) -> dict[str, Any]:
    """Write the peers' files (in a process of its own: building them leaves a big heap behind)."""
    _stderr("writing the stock TinyDB file and the sqlite3 database from the same data")
    tiny, lite = _peer_files(snapshot, folder)
    return {"tinydb": str(tiny), "sqlite": str(lite)}


def _peer_files(snapshot: Path, folder: Path) -> tuple[Path, Path]:
    """The stock TinyDB file (tables "films" and "reviews", every review in one table, with its
    film id) and the sqlite3 database (an index on critic), from the generated snapshot."""
    import sqlite3

    import orjson

    from store.repository import FILMS, REVIEWS_PREFIX

    tables = _read_snapshot(snapshot)
    films = tables[FILMS]
    reviews: dict[str, dict] = {}
    for name, table in tables.items():
        if name.startswith(REVIEWS_PREFIX):
            film_id = int(name[len(REVIEWS_PREFIX):])
            for key, doc in table.items():
                reviews[key] = {"film": film_id, **doc}
    del tables
    folder.mkdir(parents=True, exist_ok=True)
    tiny = folder / TINYDB_FILE
    # orjson writes the same JSON that JSONStorage's json.dump would (it only reads it back).
    tiny.write_bytes(orjson.dumps({"films": films, "reviews": reviews}))

    lite = folder / SQLITE_FILE
    connection = sqlite3.connect(lite)
    connection.executescript(
        """
        CREATE TABLE films (id INTEGER PRIMARY KEY, title TEXT NOT NULL, year INTEGER, director TEXT);
        CREATE TABLE reviews (
            id INTEGER PRIMARY KEY, film_id INTEGER NOT NULL REFERENCES films(id),
            critic TEXT, publication TEXT, date TEXT, grade TEXT, score INTEGER, excerpt TEXT NOT NULL
        );
        """
    )
    connection.executemany(
        "INSERT INTO films VALUES (?, ?, ?, ?)",
        ((int(k), d["title"], d.get("year"), d.get("director")) for k, d in films.items()),
    )
    connection.executemany(
        "INSERT INTO reviews VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            (int(k), d["film"], d.get("critic"), d.get("publication"), d.get("date"), d.get("grade"),
             d.get("score"), d["excerpt"])
            for k, d in reviews.items()
        ),
    )
    connection.execute("CREATE INDEX reviews_critic ON reviews(critic)")
    connection.commit()
    connection.close()
    return tiny, lite


def probe_peers(snapshot: Path, folder: Path, critic: str, runs: Runs) -> dict[str, Any]:
    import sqlite3

    import orjson
    from tinydb import Query, TinyDB

    loads = []
    for number in range(runs.orjson):
        _step(runs, "orjson.loads of every snapshot line", number, runs.orjson)
        gc.collect()
        start = time.perf_counter()
        with open(snapshot, "rb") as handle:
            data = [orjson.loads(line) for line in handle]
        loads.append(time.perf_counter() - start)
        del data

    tiny, lite = folder / TINYDB_FILE, folder / SQLITE_FILE
    sample = dict(SAMPLE_REVIEW, critic=critic)
    tiny_loads = []
    for number in range(runs.tinydb):
        _step(runs, "TinyDB JSONStorage open + read all", number, runs.tinydb)
        gc.collect()
        start = time.perf_counter()
        db = TinyDB(tiny)
        everything = [db.table(name).all() for name in db.tables()]
        tiny_loads.append(time.perf_counter() - start)
        db.close()
        del everything, db

    searches, inserts = [], []
    db = TinyDB(tiny)
    table = db.table("reviews")
    for number in range(runs.tinydb):
        _step(runs, "TinyDB JSONStorage search", number, runs.tinydb)
        table.clear_cache()  # another critic each time: the query cache never answers
        gc.collect()
        start = time.perf_counter()
        found = table.search(Query().critic == critic)
        films = {doc["film"] for doc in found}  # the same answer as critic_filter
        searches.append(time.perf_counter() - start)
        tiny_found = len(films)
        del found, films
    for number in range(runs.tinydb):
        _step(runs, "TinyDB JSONStorage insert", number, runs.tinydb)
        gc.collect()
        start = time.perf_counter()
        table.insert(dict(sample))
        inserts.append(time.perf_counter() - start)
    db.close()
    del db, table

    _stderr(f"sqlite3 indexed search x{runs.critic_filter}, insert+commit x{runs.sqlite}")
    connection = sqlite3.connect(lite)
    connection.execute("PRAGMA synchronous=FULL")
    # The same answer as critic_filter: the films one critic reviewed (through the index).
    search = "SELECT DISTINCT film_id FROM reviews WHERE critic = ?"
    rows_search = "SELECT * FROM reviews WHERE critic = ?"
    connection.execute(rows_search, (critic,)).fetchall()  # warm the page cache once
    sql_inserts, sql_searches, sql_row_searches = [], [], []
    sql_found = sql_rows = 0
    for _ in range(runs.critic_filter):
        start = time.perf_counter()
        found = connection.execute(search, (critic,)).fetchall()
        sql_searches.append(time.perf_counter() - start)
        sql_found = len(found)
    for _ in range(runs.sqlite):
        start = time.perf_counter()
        rows = connection.execute(rows_search, (critic,)).fetchall()
        sql_row_searches.append(time.perf_counter() - start)
        sql_rows = len(rows)
    columns = ("film", "critic", "publication", "date", "grade", "score", "excerpt")
    for _ in range(runs.sqlite):
        start = time.perf_counter()
        connection.execute(
            "INSERT INTO reviews (film_id, critic, publication, date, grade, score, excerpt) VALUES (?, ?, ?, ?, ?, ?, ?)",
            tuple(sample[c] for c in columns),
        )
        connection.commit()
        sql_inserts.append(time.perf_counter() - start)
    plan = connection.execute("EXPLAIN QUERY PLAN " + search, (critic,)).fetchall()
    connection.close()
    return {
        "peers_ms": {
            "tinydb_jsonstorage_load": median_ms(tiny_loads),
            "tinydb_jsonstorage_insert": median_ms(inserts),
            "tinydb_jsonstorage_search": median_ms(searches),
            "sqlite_insert_commit": median_ms(sql_inserts),
            "sqlite_search": median_ms(sql_searches),
            "orjson_loads": median_ms(loads),
        },
        "spread": {
            "tinydb_jsonstorage_load": _spread(tiny_loads),
            "tinydb_jsonstorage_insert": _spread(inserts),
            "tinydb_jsonstorage_search": _spread(searches),
            "sqlite_insert_commit": _spread(sql_inserts),
            "sqlite_search": _spread(sql_searches),
            "orjson_loads": _spread(loads),
        },
        "found": {"tinydb": tiny_found, "sqlite": sql_found, "sqlite_rows": sql_rows},
        "sqlite_rows_ms": median_ms(sql_row_searches),
        "sqlite_plan": " / ".join(str(row[-1]) for row in plan),
        "sizes_mb": {
            "snapshot": round(snapshot.stat().st_size / 1e6, 1),
            "tinydb": round(tiny.stat().st_size / 1e6, 1),
            "sqlite": round(lite.stat().st_size / 1e6, 1),
        },
    }


# -- probe: the app, headless ---------------------------------------------------------------------


class PaintClock:
    """Wraps app._display (called once per frame the compositor renders, headless or not) to
    timestamp every frame and note whether the state the bench waits for was on it."""

    def __init__(self, app) -> None:
        self.app = app
        self.frames: list[tuple[float, bool]] = []
        self.condition: Callable[[], bool] = lambda: False
        original = app._display

        def display(screen, renderable) -> None:
            original(screen, renderable)
            if renderable is not None:
                self.frames.append((time.perf_counter(), bool(self.condition())))

        app._display = display


def _quiet(app) -> bool:
    """Nothing left that would change the screen: no messages queued, no running workers, no
    pending layout/repaint and no callbacks waiting for the next refresh."""
    screen = app.screen
    if screen._layout_required or screen._repaint_required or screen._scroll_required or screen._dirty_widgets:
        return False
    if screen._callbacks:
        return False
    for node in (app, *screen.walk_children(with_self=True)):
        if node._message_queue.qsize() or node._next_callbacks:
            return False
    return not any(worker.is_running or worker.state.name == "PENDING" for worker in app.workers)


async def _settled(app, clock: PaintClock, start: float, condition: Callable[[], bool]) -> tuple[float, float]:
    """Seconds from start to (the first frame that showed condition true, the last frame
    painted before the app went quiet): what the person sees first, and when everything the
    key set off (the footer's bindings, a suggestion, a scrollbar) has been drawn too."""
    clock.condition = condition
    first = len(clock.frames)
    deadline = time.perf_counter() + SETTLE_TIMEOUT
    while True:
        await asyncio.sleep(0.0005)
        frames = clock.frames[first:]
        shown = next((stamp for stamp, seen in frames if seen), None)
        if shown is not None and _quiet(app):
            # Quiet now; give a follow-up frame (a Resize answered after layout) a tick to appear.
            count = len(clock.frames)
            await asyncio.sleep(0.002)
            if len(clock.frames) == count and _quiet(app):
                clock.condition = lambda: False
                return shown - start, clock.frames[-1][0] - start
        if time.perf_counter() > deadline:
            raise RuntimeError("the app did not settle within %.0f s" % SETTLE_TIMEOUT)


def _key_event(char: str):
    """A key press as the terminal driver would send it (as Pilot builds it)."""
    from textual import events
    from textual.keys import _character_to_key

    key = char if char.isalnum() else _character_to_key(char)
    return events.Key(key, char)


def _named_key(key: str):
    from textual import events

    return events.Key(key, None)


async def _app_measures(path: Path, runs: Runs, critics: list[str]) -> dict[str, Any]:
    from tui.app import make_app

    app = make_app(path=path)
    clock = PaintClock(app)
    selects: list[float] = []
    keystrokes: list[float] = []
    select_quiet: list[float] = []
    keystroke_quiet: list[float] = []
    per_key: list[tuple[str, float]] = []
    async with app.run_test(size=SCREEN_SIZE):
        start = time.perf_counter()
        await _settled(app, clock, start, lambda: _data_shown(app))
        screen = app.browser
        driver = app._driver
        assert driver is not None

        _stderr(f"film_select x{runs.film_select} (j in the films list)")
        for _ in range(runs.film_select):
            rows, cursor = screen.films.rows, screen.films.cursor or 0
            # j to the next film; at the end of the list, g back to the first one.
            key, target = ("j", rows[cursor + 1].film.id) if cursor + 1 < len(rows) else ("g", rows[0].film.id)
            start = time.perf_counter()
            driver.send_message(_key_event(key))

            def shown(target=target) -> bool:
                reviews = screen.reviews.rows
                return (
                    screen.selected_film == target
                    and screen.gauge.display
                    and bool(reviews)
                    and reviews[0].film_id == target
                )

            shown_s, quiet_s = await _settled(app, clock, start, shown)
            selects.append(shown_s)
            select_quiet.append(quiet_s)

        _stderr(f"filter_keystroke: typing {len(critics)} critic names key by key")
        for name in critics:
            driver.send_message(_key_event("c"))
            await _settled(app, clock, time.perf_counter(), lambda: screen.critic_bar.has_class("-open"))
            typed = ""
            for char in name:
                typed += char
                start = time.perf_counter()
                driver.send_message(_key_event(char))

                def filtered(typed=typed) -> bool:
                    return screen.critic_query == typed and screen.critic_bar.value == typed

                elapsed, quiet_s = await _settled(app, clock, start, filtered)
                keystrokes.append(elapsed)
                keystroke_quiet.append(quiet_s)
                per_key.append((typed, elapsed))
            driver.send_message(_named_key("escape"))
            await _settled(app, clock, time.perf_counter(), lambda: screen.critic_query == "")
        app.exit()
    slowest = sorted(per_key, key=lambda item: -item[1])[:5]
    return {
        "ms": {"film_select": median_ms(selects), "filter_keystroke": median_ms(keystrokes)},
        "spread": {"film_select": _spread(selects), "filter_keystroke": _spread(keystrokes)},
        "quiet_ms": {"film_select": median_ms(select_quiet), "filter_keystroke": median_ms(keystroke_quiet)},
        "slowest_keystrokes": [{"typed": typed, "ms": round(elapsed * 1000, 1)} for typed, elapsed in slowest],
        "critics_typed": critics,
    }


def probe_app(path: Path, runs: Runs) -> dict[str, Any]:
    from store.repository import Repository

    # Critic names to type, chosen from the store: the most prolific ones, ASCII or not.
    with Repository.open(path) as repository:
        counts = {name: len(repository.films(critic=name)) for name in repository.critics()}
    critics = sorted(counts, key=lambda name: (-counts[name], name))[: runs.keystroke_critics]
    gc.collect()
    return asyncio.run(_app_measures(path, runs, critics))


# -- the runner ------------------------------------------------------------------------------------


def _probe(mode: str, *args: str) -> dict[str, Any]:
    """Run one probe in a fresh interpreter; its last stdout line is its JSON answer."""
    command = [sys.executable, "-m", "tui.bench_probe", mode, *args]
    done = subprocess.run(command, stdout=subprocess.PIPE, stderr=None, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"the {mode} probe failed (exit {done.returncode})")
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(f"the {mode} probe printed no result")
    return json.loads(lines[-1])


def _load_average() -> float | None:
    """The 1-minute load average (other work on the machine skews every number)."""
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return None


def _copy_store(source: Path, folder: Path) -> Path:
    """A private copy of the generated store (snapshot and its journal), so measures that
    write never change what the next group reads."""
    folder.mkdir(parents=True)
    target = folder / source.name
    shutil.copyfile(source, target)
    journal = source.with_name(source.name + ".journal")
    if journal.exists():
        shutil.copyfile(journal, target.with_name(target.name + ".journal"))
    return target


def _runs_arg(runs: Runs) -> str:
    return json.dumps(runs.__dict__)


def runs_from_arg(text: str) -> Runs:
    return Runs(**json.loads(text))


def run_bench(reviews: int, films: int, *, seed: int = 1, progress: Progress = _stderr,
              runs: Runs | None = None) -> BenchResult:
    from store.generator import generate

    runs = runs or Runs.for_size(reviews)
    began = time.perf_counter()
    load_before = _load_average()
    with tempfile.TemporaryDirectory(prefix="critics-bench-") as tmp:
        folder = Path(tmp)
        base = folder / "generated" / "critics.json"
        base.parent.mkdir()
        progress(f"generating {reviews} reviews over {films} films (seed {seed})")
        start = time.perf_counter()
        size = generate(base, films, reviews, seed)
        generated_s = time.perf_counter() - start
        gc.collect()

        progress("store: load, add, edit, delete, critic_filter")
        store = _probe("store", str(_copy_store(base, folder / "store")), _runs_arg(runs))
        progress("peers: TinyDB JSONStorage, sqlite3, orjson")
        _probe("peerfiles", str(base), str(folder / "peers"))
        peers = _probe("peers", str(base), str(folder / "peers"), store["critic"], _runs_arg(runs))
        progress("app: film_select, filter_keystroke (headless, 120x40)")
        app = _probe("app", str(_copy_store(base, folder / "app")), _runs_arg(runs))
        launch_store = _copy_store(base, folder / "launch")
        # One launch first, untimed in the medians: it brings Python's and Textual's files into the
        # page cache, so the timed launches are warm starts, as when a person opens Critics again.
        progress("launch 0: warm-up (first start, cold file cache; reported in the notes only)")
        warm_up = _probe("launch", str(launch_store), repr(time.monotonic()))
        launches = []
        for number in range(runs.launches):
            progress(f"launch {number + 1}/{runs.launches}: first_paint, ready, peak_rss_mb (fresh process)")
            launches.append(_probe("launch", str(launch_store), repr(time.monotonic())))

    ms = dict(store["ms"])
    ms.update(app["ms"])
    for key in ("first_paint", "ready"):
        ms[key] = round(statistics.median(run["ms"][key] for run in launches), 3)
    peak = round(statistics.median(run["peak_rss_mb"] for run in launches), 1)
    spread = {**store["spread"], **app["spread"]}
    for key in ("first_paint", "ready"):
        samples = [run["ms"][key] / 1000 for run in launches]
        spread[key] = _spread(samples)
    notes = {
        "seed": seed,
        "critic": store["critic"],
        "critic_films": store["critic_films"],
        "critic_reviews": store["critic_reviews"],
        "found": peers["found"],
        "sqlite_plan": peers["sqlite_plan"],
        "sqlite_rows_ms": peers["sqlite_rows_ms"],
        "sizes_mb": peers["sizes_mb"],
        "spread": spread,
        "peer_spread": peers["spread"],
        "slowest_keystrokes": app["slowest_keystrokes"],
        "quiet_ms": app["quiet_ms"],
        "critics_typed": app["critics_typed"],
        "peak_rss_runs": [run["peak_rss_mb"] for run in launches],
        "warm_up": warm_up["ms"],
        "generate_s": round(generated_s, 2),
        "total_s": round(time.perf_counter() - began, 1),
        "machine": f"{os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.system()}",
        "load_average": [load_before, _load_average()],
    }
    return BenchResult(size.reviews, size.films, ms, peak, peers["peers_ms"], runs, notes)


# -- the readable table -----------------------------------------------------------------------------

# measure -> (peer key, what the target is: a ratio to that peer or an absolute bound)
TARGETS: dict[str, tuple[str, float, str]] = {
    "add": ("ratio:sqlite_insert_commit", 2.0, "<= 2x sqlite3 insert+commit"),
    "load": ("ratio:orjson_loads", 1.5, "<= 1.5x orjson.loads"),
    "critic_filter": ("ms", 1.0, "<= 1 ms"),
    "filter_keystroke": ("ms", 50.0, "<= 50 ms"),
    "film_select": ("ms", 50.0, "<= 50 ms"),
    "first_paint": ("ms", 500.0, "<= 0.5 s"),
    "ready": ("ms", 1500.0, "<= 1.5 s"),
    "peak_rss_mb": ("mb", 400.0, "<= 400 MB"),
}

# measure -> the peers it is compared with (ratio = ours / peer)
PEERS_OF: dict[str, tuple[str, ...]] = {
    "load": ("orjson_loads", "tinydb_jsonstorage_load"),
    "add": ("sqlite_insert_commit", "tinydb_jsonstorage_insert"),
    "edit": ("sqlite_insert_commit", "tinydb_jsonstorage_insert"),
    "delete": ("sqlite_insert_commit", "tinydb_jsonstorage_insert"),
    "critic_filter": ("sqlite_search", "tinydb_jsonstorage_search"),
}
PEER_LABELS = {
    "orjson_loads": "orjson",
    "tinydb_jsonstorage_load": "TinyDB",
    "tinydb_jsonstorage_insert": "TinyDB",
    "tinydb_jsonstorage_search": "TinyDB",
    "sqlite_insert_commit": "sqlite3",
    "sqlite_search": "sqlite3",
}


def target_status(result: BenchResult, measure: str) -> tuple[str, bool] | None:
    """(the target, met?) for a measure that has one."""
    if measure not in TARGETS:
        return None
    kind, bound, label = TARGETS[measure]
    if kind.startswith("ratio:"):
        peer = result.peers_ms[kind.split(":", 1)[1]]
        value = result.ms[measure] / peer if peer else float("inf")
    elif kind == "mb":
        value = result.peak_rss_mb
    else:
        value = result.ms[measure]
    return label, value <= bound


def _fmt_ms(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _fmt_ratio(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}x"
    if value >= 10:
        return f"{value:.1f}x"
    if value >= 0.01:
        return f"{value:.2f}x"
    return f"1/{1 / value:,.0f}" if value > 0 else "-"


def render_table(result: BenchResult) -> str:
    runs = result.runs
    notes = result.notes
    lines = [
        f"critics bench: {result.reviews:,} reviews, {result.films:,} films (seed {notes['seed']}); "
        f"{notes['machine']}; wall-clock ms, median of the runs shown (n)",
    ]
    if result.reviews != TARGET_REVIEWS:
        lines.append(f"(the targets are set for {TARGET_REVIEWS:,} reviews; shown here for reference)")
    lines.append("")
    header = f"{'measure':<17} {'ms':>9} {'n':>4}   {'vs peers: peer ms (ours/peer)':<48} {'target':<28} {'':<6}"
    lines += [header, "-" * len(header.rstrip())]
    spread = notes["spread"]
    for measure in MS_KEYS:
        value = result.ms[measure]
        peers = []
        for peer in PEERS_OF.get(measure, ()):
            peer_ms = result.peers_ms[peer]
            ratio = value / peer_ms if peer_ms else float("inf")
            peers.append(f"{PEER_LABELS[peer]} {_fmt_ms(peer_ms)} ({_fmt_ratio(ratio)})")
        status = target_status(result, measure)
        target, verdict = (status[0], "met" if status[1] else "MISSED") if status else ("", "")
        lines.append(
            f"{measure:<17} {_fmt_ms(value):>9} {spread[measure]['n']:>4}   {', '.join(peers):<48} {target:<28} {verdict}"
        )
    status = target_status(result, "peak_rss_mb")
    assert status is not None
    lines.append(
        f"{'peak_rss_mb':<17} {result.peak_rss_mb:>9.1f} {len(notes['peak_rss_runs']):>4}   {'':<48} "
        f"{status[0]:<28} {'met' if status[1] else 'MISSED'}"
    )
    lines += ["", "peers, same data, same run:"]
    peer_spread = notes["peer_spread"]
    labels = {
        "tinydb_jsonstorage_load": "stock TinyDB JSONStorage: open + read all",
        "tinydb_jsonstorage_insert": "stock TinyDB JSONStorage: one insert",
        "tinydb_jsonstorage_search": "stock TinyDB JSONStorage: one search (critic == name, film ids)",
        "sqlite_insert_commit": "sqlite3 insert + commit (synchronous=FULL)",
        "sqlite_search": "sqlite3 indexed search (SELECT DISTINCT film_id WHERE critic = ?)",
        "orjson_loads": "orjson.loads of every snapshot line (file read included)",
    }
    for key in PEER_KEYS:
        lines.append(f"  {labels[key]:<68} {_fmt_ms(result.peers_ms[key]):>9} ms  (n={peer_spread[key]['n']})")
    slow = ", ".join(f"{item['typed']!r} {item['ms']:.0f} ms" for item in notes["slowest_keystrokes"])
    sizes = notes["sizes_mb"]
    lines += ["", "notes:"]
    slowest_runs = "fewer at this size: each takes about a second" if runs.chatty else "the same at every small size"
    notes_text = [
        f"critic_filter: films(critic={notes['critic']!r}), the most prolific critic: {notes['critic_films']} films "
        f"({notes['critic_reviews']} reviews). The peers give the same answer: sqlite3 SELECT DISTINCT film_id "
        f"... WHERE critic = ? ({notes['found']['sqlite']} films), TinyDB search then the film ids "
        f"({notes['found']['tinydb']}); sqlite3 fetching that critic's {notes['found']['sqlite_rows']} whole rows "
        f"takes {_fmt_ms(notes['sqlite_rows_ms'])} ms.",
        f"filter_keystroke: every key typing {', '.join(map(repr, notes['critics_typed']))} into the critic "
        f"filter (c), to the first frame showing the filtered lists; p90 {spread['filter_keystroke']['p90']:.1f} ms; "
        f"slowest: {slow}.",
        f"film_select: j in the films list, to the first frame showing that film's reviews and gauge; "
        f"p90 {spread['film_select']['p90']:.1f} ms.",
        f"Until the screen is quiet (every follow-up frame drawn: footer, suggestion, scrollbar): "
        f"film_select {notes['quiet_ms']['film_select']:.1f} ms, filter_keystroke "
        f"{notes['quiet_ms']['filter_keystroke']:.1f} ms.",
        f"first_paint, ready, peak_rss_mb: {len(notes['peak_rss_runs'])} fresh processes launching the app "
        f"headless ({SCREEN_SIZE[0]}x{SCREEN_SIZE[1]}), timed from launch, after one warm-up launch "
        f"(first_paint {notes['warm_up']['first_paint']:.0f} ms, ready {notes['warm_up']['ready']:.0f} ms); "
        f"peak RSS per run {notes['peak_rss_runs']} MB.",
        f"runs: load {runs.load}, add/edit/delete {runs.writes} each, critic_filter {runs.critic_filter}, "
        f"film_select {runs.film_select}, launches {runs.launches}, orjson {runs.orjson}, sqlite3 {runs.sqlite}, "
        f"TinyDB {runs.tinydb} each ({slowest_runs}).",
        f"files: snapshot {sizes['snapshot']} MB, TinyDB {sizes['tinydb']} MB, sqlite3 {sizes['sqlite']} MB; "
        f"generated in {notes['generate_s']} s; whole bench {notes['total_s']} s; 1-minute load average "
        f"{notes['load_average'][0]} before, {notes['load_average'][1]} after.",
    ]
    for text in notes_text:
        lines.append(textwrap.fill(text, width=110, initial_indent="- ", subsequent_indent="  "))
    return "\n".join(lines)
