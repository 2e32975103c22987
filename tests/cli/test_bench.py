"""`critics bench`: a smoke test that it runs and prints every key (no timed assertions)."""

from __future__ import annotations

import json
import subprocess
import sys

from tui.bench import MS_KEYS, PEER_KEYS, BenchResult, Runs, default_films, render_table


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def test_bench_json_at_2000_reviews_prints_every_key():
    done = subprocess.run(
        [sys.executable, "-m", "tui.cli", "bench", "--reviews", "2000", "--json"],
        capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert set(result) == {"reviews", "films", "ms", "peak_rss_mb", "peers_ms"}
    assert result["reviews"] == 2000 and result["films"] == 100
    assert set(result["ms"]) == set(MS_KEYS) == {
        "load", "add", "edit", "delete", "critic_filter", "film_select", "filter_keystroke", "first_paint", "ready",
    }
    assert set(result["peers_ms"]) == set(PEER_KEYS) == {
        "tinydb_jsonstorage_load", "tinydb_jsonstorage_insert", "tinydb_jsonstorage_search",
        "sqlite_insert_commit", "sqlite_search", "orjson_loads",
    }
    for value in [*result["ms"].values(), *result["peers_ms"].values(), result["peak_rss_mb"]]:
        assert _is_number(value) and value >= 0
    assert "generating" in done.stderr  # progress goes to stderr, never into the JSON


def test_films_default_scales_down_with_the_reviews():
    assert default_films(200_000) == 10_000
    assert default_films(2000) == 100
    assert default_films(30) == 2  # film_select needs two films to move between


def test_the_readable_table_shows_ratios_and_targets():
    ms = dict.fromkeys(MS_KEYS, 10.0) | {"load": 300.0, "add": 1.0, "critic_filter": 0.5}
    peers = dict.fromkeys(PEER_KEYS, 100.0) | {"orjson_loads": 100.0, "sqlite_insert_commit": 1.0}
    spread = {key: {"n": 3, "min": 1.0, "p90": 2.0, "max": 3.0} for key in MS_KEYS}
    notes = {
        "seed": 1, "critic": "Ana Abara", "critic_films": 3, "critic_reviews": 4,
        "found": {"sqlite": 3, "tinydb": 3, "sqlite_rows": 4}, "sqlite_rows_ms": 0.5,
        "sqlite_plan": "SEARCH reviews USING INDEX reviews_critic (critic=?)",
        "sizes_mb": {"snapshot": 1.0, "tinydb": 1.0, "sqlite": 1.0}, "spread": spread,
        "peer_spread": {key: {"n": 3} for key in PEER_KEYS}, "slowest_keystrokes": [{"typed": "An", "ms": 12.0}],
        "quiet_ms": {"film_select": 20.0, "filter_keystroke": 20.0}, "critics_typed": ["Ana Abara"],
        "peak_rss_runs": [50.0], "warm_up": {"first_paint": 400.0, "ready": 500.0}, "generate_s": 0.1, "total_s": 1.0, "machine": "2 CPUs", "load_average": [0.1, 0.2],
    }
    result = BenchResult(2000, 100, ms, 50.0, peers, Runs.for_size(2000), notes)
    table = render_table(result)
    assert "orjson 100 (3.00x)" in table  # load is 3x the floor
    rows = {line.split()[0]: line for line in table.splitlines() if line.split()}
    assert rows["load"].endswith("MISSED")  # ... which misses <= 1.5x
    assert rows["add"].endswith("met")
    assert "sqlite3 1.00 (1.00x)" in table
    for key in (*MS_KEYS, "peak_rss_mb"):
        assert key in table
