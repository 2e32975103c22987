"""The peer probes: stock TinyDB JSONStorage, sqlite3 and the orjson floor, on the generated data."""

from __future__ import annotations

import gc
import time
from pathlib import Path
from typing import Any

from bench.common import SAMPLE_EXCERPT, Runs, median_ms, say, spread_of, step

TINYDB_FILE, SQLITE_FILE = "tinydb.json", "sqlite.db"
SAMPLE_REVIEW = {"film": 1, "critic": None, "publication": "Kino Review", "date": "2024-05-01",
                 "grade": "B+", "score": 83, "excerpt": SAMPLE_EXCERPT}


def probe_peer_files(snapshot: Path, folder: Path, tinydb: bool = True) -> dict[str, Any]:
    """Write the peers' files (in a process of its own: building them leaves a big heap behind);
    the stock TinyDB file only when TinyDB is measured at this size."""
    say("writing the stock TinyDB file and the sqlite3 database from the same data")
    tiny, lite = _peer_files(snapshot, folder, tinydb)
    return {"tinydb": str(tiny), "sqlite": str(lite)}


def _peer_files(snapshot: Path, folder: Path, tinydb: bool = True) -> tuple[Path, Path]:
    """The stock TinyDB file (tables "films" and "reviews", every review in one table, with its
    film id) and the sqlite3 database (an index on critic), from the generated snapshot."""
    import sqlite3

    import orjson

    from store.records import FILMS, film_of_table

    tables = _read_snapshot(snapshot)
    films = tables[FILMS]
    reviews: dict[str, dict] = {}
    for name, table in tables.items():
        film_id = film_of_table(name)
        if film_id is not None:
            for key, doc in table.items():
                reviews[key] = {"film": film_id, **doc}
    del tables
    folder.mkdir(parents=True, exist_ok=True)
    tiny = folder / TINYDB_FILE
    if tinydb:
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


def _read_snapshot(path: Path) -> dict[str, dict[str, dict]]:
    """The snapshot's tables by name, read as the store writes them (a header line, then one per table)."""
    import orjson

    tables = {}
    with open(path, "rb") as handle:
        handle.readline()  # the header
        for line in handle:
            item = orjson.loads(line)
            if isinstance(item, list) and len(item) == 2:  # a table (not a posting, the index or where it is)
                tables[item[0]] = item[1]
    return tables


def probe_peers(snapshot: Path, folder: Path, critic: str, runs: Runs) -> dict[str, Any]:
    """orjson.loads of every snapshot line, then stock TinyDB (open + read all, search by critic,
    insert) and sqlite3 (indexed search, insert + commit) on the files probe_peer_files wrote."""
    import orjson

    loads = []
    for number in range(runs.orjson):
        step(runs, "orjson.loads of every snapshot line", number, runs.orjson)
        gc.collect()
        start = time.perf_counter()
        with open(snapshot, "rb") as handle:
            data = [orjson.loads(line) for line in handle]
        loads.append(time.perf_counter() - start)
        del data

    tiny, lite = folder / TINYDB_FILE, folder / SQLITE_FILE
    sample = dict(SAMPLE_REVIEW, critic=critic)
    if runs.tinydb:
        tiny_ms, tiny_spread, tiny_found = _tinydb(tiny, sample, critic, runs)
    else:
        say("stock TinyDB skipped at this size: each run takes minutes")
        tiny_ms = dict.fromkeys(("tinydb_jsonstorage_load", "tinydb_jsonstorage_insert", "tinydb_jsonstorage_search"))
        tiny_spread, tiny_found = {key: {"n": 0} for key in tiny_ms}, None
    sql = _sqlite(lite, sample, critic, runs)
    return {
        "peers_ms": {**tiny_ms, **sql["ms"], "orjson_loads": median_ms(loads)},
        "spread": {**tiny_spread, **sql["spread"], "orjson_loads": spread_of(loads)},
        "found": {"tinydb": tiny_found, **sql["found"]},
        "sqlite_rows_ms": sql["rows_ms"],
        "sqlite_plan": sql["plan"],
        "sizes_mb": {
            "snapshot": round(snapshot.stat().st_size / 1e6, 1),
            "tinydb": round(tiny.stat().st_size / 1e6, 1) if tiny.exists() else None,
            "sqlite": round(lite.stat().st_size / 1e6, 1),
        },
    }


def _tinydb(tiny: Path, sample: dict[str, Any], critic: str, runs: Runs) -> tuple[dict, dict, int]:
    """Stock TinyDB JSONStorage: open + read all, search by critic, one insert."""
    from tinydb import Query, TinyDB

    tiny_loads = []
    for number in range(runs.tinydb):
        step(runs, "TinyDB JSONStorage open + read all", number, runs.tinydb)
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
        step(runs, "TinyDB JSONStorage search", number, runs.tinydb)
        table.clear_cache()  # another critic each time: the query cache never answers
        gc.collect()
        start = time.perf_counter()
        found = table.search(Query().critic == critic)
        films = {doc["film"] for doc in found}  # the same answer as critic_filter
        searches.append(time.perf_counter() - start)
        tiny_found = len(films)
        del found, films
    for number in range(runs.tinydb):
        step(runs, "TinyDB JSONStorage insert", number, runs.tinydb)
        gc.collect()
        start = time.perf_counter()
        table.insert(dict(sample))
        inserts.append(time.perf_counter() - start)
    db.close()
    del db, table
    return (
        {
            "tinydb_jsonstorage_load": median_ms(tiny_loads),
            "tinydb_jsonstorage_insert": median_ms(inserts),
            "tinydb_jsonstorage_search": median_ms(searches),
        },
        {
            "tinydb_jsonstorage_load": spread_of(tiny_loads),
            "tinydb_jsonstorage_insert": spread_of(inserts),
            "tinydb_jsonstorage_search": spread_of(searches),
        },
        tiny_found,
    )


def _sqlite(lite: Path, sample: dict[str, Any], critic: str, runs: Runs) -> dict[str, Any]:
    """sqlite3 with an index on critic: the same search as critic_filter, insert + commit."""
    import sqlite3

    say(f"sqlite3 indexed search x{runs.critic_filter}, insert+commit x{runs.sqlite}")
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
        "ms": {"sqlite_insert_commit": median_ms(sql_inserts), "sqlite_search": median_ms(sql_searches)},
        "spread": {"sqlite_insert_commit": spread_of(sql_inserts), "sqlite_search": spread_of(sql_searches)},
        "found": {"sqlite": sql_found, "sqlite_rows": sql_rows},
        "rows_ms": median_ms(sql_row_searches),
        "plan": " / ".join(str(row[-1]) for row in plan),
    }
