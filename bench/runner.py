"""`critics bench`'s runner: generate a store, run every probe in a fresh process, gather the result.

The runner generates a fresh store in a temporary folder, then runs each group of measures in a
process of its own (``python -m bench.probes MODE ...``), so one group's garbage never slows
another and every launch measure starts a real new process:

- ``store``: load, add, edit, delete and critic_filter, in-process through the Repository
  (bench/store_probe.py);
- ``peerfiles`` then ``peers``: the stock TinyDB file (every review in one table) and a sqlite3
  database (an index on critic) are written from the generated snapshot, then stock TinyDB
  JSONStorage, sqlite3 and the orjson floor are timed on them in a fresh process
  (bench/peer_probe.py);
- ``app``: film_select and filter_keystroke in the headless app (keys sent as Pilot sends them);
  each is timed from the key to the first frame that shows its result (bench/app_probe.py, with
  the frame clock in bench/textual_hooks.py);
- ``launch``: first_paint, ready and peak_rss_mb, one fresh process per run (bench/app_probe.py);
- ``import``: `critics import` of a generated Rotten Tomatoes 2020 file into a new database, and
  its plain peer (csv.reader + sqlite3 executemany), alternately, one fresh process per run
  (bench/import_probe.py).

Every number is the median of several runs (fewer for the slow peers at large sizes). Times
are wall-clock milliseconds: other work on the machine shows in them, so the table reports the
load average. The runner itself never imports textual; the store only inside run_bench.

`critics bench` (tui/cli.py) imports this module only: it is the bench's one door, so it also
hands on the readable table (render_table, target_status from bench/report.py).
"""

from __future__ import annotations

import gc
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import BenchResult, Progress, Runs, say, spread_of
from bench.report import render_table, target_status

__all__ = ["MIN_FILMS", "default_films", "run_bench", "render_table", "target_status"]

MIN_FILMS = 2  # film_select moves between two films at least
PROBES = "bench.probes"  # run by module name: the runner never imports the probes


def default_films(reviews: int) -> int:
    """Films for a review count when --films is not given: 20 reviews a film on average."""
    return max(MIN_FILMS, reviews // 20)


# Launches time a person opening Critics again, when Python has kept the bytecode of every module
# since the first run (its default). With PYTHONDONTWRITEBYTECODE set, as in some sandboxes and CI
# images, every launch would compile the project's ~55 modules again: about 70 ms more.
BYTECODE_OFF = "PYTHONDONTWRITEBYTECODE"


def _launch_env() -> dict[str, str]:
    return {name: value for name, value in os.environ.items() if name != BYTECODE_OFF}


def _probe(mode: str, *args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run one probe in a fresh interpreter; its last stdout line is its JSON answer."""
    command = [sys.executable, "-m", PROBES, mode, *args]
    done = subprocess.run(command, stdout=subprocess.PIPE, stderr=None, text=True, env=env)
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


def run_bench(reviews: int, films: int, *, seed: int = 1, progress: Progress = say,
              runs: Runs | None = None) -> BenchResult:
    """Generate a store of reviews over films, run every probe on a copy of it, gather the medians."""
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

        progress("store: open, add, edit, delete, critic_filter, find")
        store = _probe("store", str(_copy_store(base, folder / "store")), runs.to_arg())
        progress("journal: add_big_film, compaction, compaction_wait, growth")
        journal = _probe("journal", str(_copy_store(base, folder / "journal")), runs.to_arg())
        progress("peers: TinyDB JSONStorage, sqlite3, orjson")
        _probe("peerfiles", str(base), str(folder / "peers"), *([] if runs.tinydb else ["no-tinydb"]))
        peers = _probe("peers", str(base), str(folder / "peers"), store["critic"], runs.to_arg())
        progress(f"commands: critics stats --json, critics export (fresh processes, x{runs.commands})")
        commands = _command_runs(base, folder / "commands", runs.commands)
        progress(f"import: critics import of a generated {reviews}-row rt2020 file, beside csv.reader + sqlite3")
        imports = _import_runs(folder / "import", reviews, films, seed, runs.imports, progress)
        progress("app: film_select, filter_keystroke (headless, 120x40)")
        app = _probe("app", str(_copy_store(base, folder / "app")), runs.to_arg())
        launch_store = _copy_store(base, folder / "launch")
        # One launch first, untimed in the medians: it brings Python's and Textual's files into the
        # page cache, so the timed launches are warm starts, as when a person opens Critics again.
        # It also writes the bytecode, even where the environment says not to (BYTECODE_OFF).
        progress("launch 0: warm-up (first start, cold file cache; reported in the notes only)")
        launch_env = _launch_env()
        warm_up = _probe("launch", str(launch_store), repr(time.monotonic()), env=launch_env)
        launches = []
        for number in range(runs.launches):
            progress(f"launch {number + 1}/{runs.launches}: first_paint, ready, peak_rss_mb (fresh process)")
            launches.append(_probe("launch", str(launch_store), repr(time.monotonic()), env=launch_env))

    ms = dict(store["ms"])
    ms.update(journal["ms"])
    ms.update(app["ms"])
    ms["import"] = imports["ms"]
    ms.update(commands["ms"])
    for key in ("first_paint", "ready"):
        ms[key] = round(statistics.median(run["ms"][key] for run in launches), 3)
    peak = round(statistics.median(run["peak_rss_mb"] for run in launches), 1)
    spread = {**store["spread"], **journal["spread"], **app["spread"], "import": imports["spread"], **commands["spread"]}
    for key in ("first_paint", "ready"):
        samples = [run["ms"][key] / 1000 for run in launches]
        spread[key] = spread_of(samples)
    notes = {
        "seed": seed,
        "critic": store["critic"],
        "critic_films": store["critic_films"],
        "critic_reviews": store["critic_reviews"],
        "critic_filter_first_ms": store["critic_filter_first_ms"],
        "found": peers["found"],
        "taste": store["taste"],
        "sqlite_plan": peers["sqlite_plan"],
        "sqlite_rows_ms": peers["sqlite_rows_ms"],
        "sizes_mb": peers["sizes_mb"],
        "growth": journal["growth"],
        "spread": spread,
        "peer_spread": {**peers["spread"], "sqlite_csv_import": imports["peer_spread"]},
        "import": imports["notes"],
        "slowest_keystrokes": app["slowest_keystrokes"],
        "quiet_ms": app["quiet_ms"],
        "critics_typed": app["critics_typed"],
        "peak_rss_runs": [run["peak_rss_mb"] for run in launches],
        "warm_up": warm_up["ms"],
        "bytecode_off": BYTECODE_OFF in os.environ,
        "generate_s": round(generated_s, 2),
        "total_s": round(time.perf_counter() - began, 1),
        "machine": f"{os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.system()}",
        "load_average": [load_before, _load_average()],
    }
    peers_ms = {**peers["peers_ms"], "sqlite_csv_import": imports["peer_ms"]}
    return BenchResult(size.reviews, size.films, ms, peak, peers_ms, runs, notes, imports["peak_rss_mb"], commands["peak_rss_mb"])


def _command_runs(base: Path, folder: Path, count: int) -> dict[str, Any]:
    """`critics stats --json` and `critics export` on a copy of the store, each run a fresh
    process: medians of the times and of the peak RSS."""
    db = _copy_store(base, folder)
    seconds: dict[str, list[float]] = {"stats_json": [], "export": []}
    peaks: dict[str, list[float]] = {"stats_json": [], "export": []}
    for _ in range(count):
        for name in seconds:
            run = _probe("command", name, str(db), str(folder))
            seconds[name].append(run["s"])
            peaks[name].append(run["peak_rss_mb"])
    return {
        "ms": {name: round(statistics.median(values) * 1000, 3) for name, values in seconds.items()},
        "spread": {name: spread_of(values) for name, values in seconds.items()},
        "peak_rss_mb": {name: round(statistics.median(values), 1) for name, values in peaks.items()},
    }


def _import_runs(folder: Path, reviews: int, films: int, seed: int, count: int, progress: Progress) -> dict[str, Any]:
    """critics import and its peer on one generated 2020-layout file, alternately, each run a
    fresh process into a new database: medians of the times and of the peak RSS."""
    from store.dataset_generator import generate_rt2020

    folder.mkdir()
    source = folder / "rotten_tomatoes_critic_reviews.csv"
    started = time.perf_counter()
    generate_rt2020(source, films, reviews, seed)
    generated_s = time.perf_counter() - started
    results: dict[str, list[dict[str, Any]]] = {"critics": [], "peer": []}
    for number in range(count):
        for which in ("critics", "peer"):
            progress(f"import {number + 1}/{count}: {which}")
            target = folder / f"{which}-{number}" / ("critics.json" if which == "critics" else "peer.sqlite")
            target.parent.mkdir()
            results[which].append(_probe("import", which, str(source), str(target)))
            shutil.rmtree(target.parent)
    seconds = {which: [run["s"] for run in runs] for which, runs in results.items()}
    peaks = {which: round(statistics.median(run["peak_rss_mb"] for run in runs), 1) for which, runs in results.items()}
    return {
        "ms": round(statistics.median(seconds["critics"]) * 1000, 3),
        "peer_ms": round(statistics.median(seconds["peer"]) * 1000, 3),
        "spread": spread_of(seconds["critics"]),
        "peer_spread": spread_of(seconds["peer"]),
        "peak_rss_mb": peaks,
        "notes": {"rows": reviews, "file_mb": round(source.stat().st_size / 1024**2, 1), "generate_s": round(generated_s, 2)},
    }
