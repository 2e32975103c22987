"""`critics bench`: a smoke test that it runs and prints every key (no timed assertions)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

from bench.common import MS_KEYS, PEER_KEYS, BenchResult, Runs
from bench import runner
from bench.runner import default_films, render_table
from tests.places import ROOT


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def test_bench_json_at_2000_reviews_prints_every_key():
    done = subprocess.run(
        [sys.executable, "-m", "tui.cli", "bench", "--reviews", "2000", "--json"],
        capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert set(result) == {"reviews", "films", "ms", "peak_rss_mb", "peers_ms", "import_peak_rss_mb", "command_peak_rss_mb"}
    assert result["reviews"] == 2000 and result["films"] == 100
    assert set(result["ms"]) == set(MS_KEYS) == {
        "open", "add", "edit", "delete", "add_big_film", "critic_filter", "find_first", "find_all",
        "compaction", "compaction_wait", "match", "recommend", "film_select", "filter_keystroke", "first_paint", "ready",
        "stats_json", "export", "import",
    }
    assert set(result["peers_ms"]) == set(PEER_KEYS) == {
        "tinydb_jsonstorage_load", "tinydb_jsonstorage_insert", "tinydb_jsonstorage_search",
        "sqlite_insert_commit", "sqlite_search", "orjson_loads", "sqlite_csv_import",
    }
    assert set(result["import_peak_rss_mb"]) == {"critics", "peer"}
    assert set(result["command_peak_rss_mb"]) == {"stats_json", "export"}
    for value in [*result["ms"].values(), *result["peers_ms"].values(), result["peak_rss_mb"],
                  *result["import_peak_rss_mb"].values(), *result["command_peak_rss_mb"].values()]:
        assert _is_number(value) and value >= 0
    assert "generating" in done.stderr  # progress goes to stderr, never into the JSON


def test_films_default_scales_down_with_the_reviews():
    assert default_films(200_000) == 10_000
    assert default_films(2000) == 100
    assert default_films(30) == 2  # film_select needs two films to move between


def test_the_readable_table_shows_ratios_and_targets():
    ms = dict.fromkeys(MS_KEYS, 10.0) | {"open": 300.0, "add": 1.0, "critic_filter": 0.5}
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
        "growth": {"adds": 3000, "journal_mb": 1.2, "open_after_ms": 110.0, "open_compacted_ms": 100.0, "open_ratio": 1.1},
        "import": {"rows": 2000, "file_mb": 0.4, "generate_s": 0.1}, "critic_filter_first_ms": 3.0,
        "taste": {"columns_ms": 12.5, "matches": 20, "all_matches": 40, "agreeing": 30,
                  "best": ["Ana Abara", 12, 0.9], "recommendations": 20},
        "bytecode_off": True,
    }
    result = BenchResult(2000, 100, ms | {"import": 300.0}, 50.0, peers | {"sqlite_csv_import": 100.0}, Runs.for_size(2000), notes,
                         {"critics": 80.0, "peer": 20.0}, {"stats_json": 60.0, "export": 200.0})
    table = render_table(result)
    assert "orjson 100 (3.00x)" in table  # open is 3x the floor
    rows = {line.split()[0]: line for line in table.splitlines() if line.split()}
    assert rows["open"].endswith("MISSED")  # ... and misses <= 100 ms
    assert rows["export"].endswith("MISSED")  # a peak of 200 MB misses <= 150 MB
    assert rows["stats_json"].endswith("met")
    assert rows["add"].endswith("met")
    assert "sqlite3 1.00 (1.00x)" in table
    assert rows["import"].endswith("MISSED") and "csv+sqlite3 100 (3.00x)" in rows["import"]
    assert "peak RSS 80.0 MB, the peer's 20.0 MB" in table.replace("\n  ", " ")
    for key in (*MS_KEYS, "peak_rss_mb"):
        assert key in table
    assert rows["match"].endswith("met") and rows["recommend"].endswith("met")  # 10 ms: within 100 and 200
    assert "taste_columns_ms 12.5 ms" in table.replace("\n  ", " ")
    assert "PYTHONDONTWRITEBYTECODE is set here: unset for the launches" in table.replace("\n  ", " ")


def test_launches_keep_bytecode_where_the_environment_turns_it_off(monkeypatch):
    # Measured: with PYTHONDONTWRITEBYTECODE set, every launch compiled the project's modules
    # again, about 70 ms of first_paint that a person opening Critics a second time never pays.
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    env = runner._launch_env()
    assert "PYTHONDONTWRITEBYTECODE" not in env
    assert {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"} == env


def test_the_cli_and_the_browser_do_not_import_the_bench():
    code = "import tui.app, tui.cli, sys; assert not any(m == 'bench' or m.startswith('bench.') for m in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_the_only_import_of_bench_in_tui_is_critics_bench():
    imports = [
        (path.relative_to(ROOT).as_posix(), line.strip())
        for path in sorted((ROOT / "tui").rglob("*.py"))
        for line in path.read_text().splitlines()
        if re.match(r"\s*(from|import)\s+bench\b", line)
    ]
    assert imports == [(
        "tui/cli.py",
        "from bench.runner import MIN_FILMS, default_films, render_table, run_bench"
        "  # the one import of bench from tui: critics bench starts it (lazily)",
    )]


def test_bench_modules_import_each_other_one_way_and_only_textual_hooks_names_private_textual():
    # Who imports whom inside bench/, read from the source (imports inside functions included).
    graph = {}
    for path in (ROOT / "bench").glob("*.py"):
        source = path.read_text()
        graph[path.stem] = set(re.findall(r"^\s*from bench\.(\w+) import", source, flags=re.MULTILINE))
        if path.stem != "textual_hooks":  # no private attribute (App._display, ...) nor private import elsewhere
            assert not re.search(r"\._[a-z]|import _", source), path.name
    assert "common" in graph and not graph["common"] and not graph["textual_hooks"]

    def reachable(node, target, seen):
        return any(n == target or (n not in seen and reachable(n, target, seen | {n})) for n in graph.get(node, ()))

    assert not [name for name in graph if reachable(name, name, set())]  # no cycles
    assert "probes" not in set().union(*graph.values())  # the runner starts probes by module name only


def test_the_import_probe_reports_its_own_peak_not_the_larger_parents(tmp_path):
    # ru_maxrss keeps the parent's peak through fork + exec; the probe must report its own.
    source = tmp_path / "reviews.csv"
    source.write_text(
        "rotten_tomatoes_link,critic_name,top_critic,publisher_name,review_type,review_score,review_date,review_content\n"
        "m/1,A,False,P,Fresh,3/4,2010-01-01,Fine.\n"
    )
    ballast = b"x" * (400 * 1024 * 1024)  # resident in this (the parent) process
    done = subprocess.run(
        [sys.executable, "-m", "bench.probes", "import", "peer", str(source), str(tmp_path / "peer.sqlite")],
        capture_output=True, text=True, timeout=120,
    )
    del ballast
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.splitlines()[-1])
    assert 0 < result["peak_rss_mb"] < 200 and result["s"] >= 0


def test_above_200000_reviews_the_table_says_stock_tinydb_was_skipped_and_uses_the_large_targets():
    ms = dict.fromkeys(MS_KEYS, 10.0) | {"open": 250.0, "ready": 900.0, "critic_filter": 1.5}
    peers = dict.fromkeys(PEER_KEYS, 100.0) | dict.fromkeys(
        ("tinydb_jsonstorage_load", "tinydb_jsonstorage_insert", "tinydb_jsonstorage_search")
    )
    spread = {key: {"n": 3, "min": 1.0, "p90": 2.0, "max": 3.0} for key in MS_KEYS}
    notes = {
        "seed": 1, "critic": "Ana Abara", "critic_films": 3, "critic_reviews": 4,
        "found": {"sqlite": 3, "tinydb": None, "sqlite_rows": 4}, "sqlite_rows_ms": 0.5, "sqlite_plan": "",
        "sizes_mb": {"snapshot": 1.0, "tinydb": None, "sqlite": 1.0}, "spread": spread,
        "peer_spread": {key: {"n": 3} for key in PEER_KEYS}, "slowest_keystrokes": [],
        "quiet_ms": {"film_select": 20.0, "filter_keystroke": 20.0}, "critics_typed": ["Ana Abara"],
        "peak_rss_runs": [350.0], "warm_up": {"first_paint": 400.0, "ready": 500.0}, "generate_s": 0.1, "total_s": 1.0,
        "machine": "2 CPUs", "load_average": [0.1, 0.2],
        "growth": {"adds": 3000, "journal_mb": 1.2, "open_after_ms": 110.0, "open_compacted_ms": 100.0, "open_ratio": 1.1},
        "import": {"rows": 2000, "file_mb": 0.4, "generate_s": 0.1}, "critic_filter_first_ms": 3.0,
        "taste": {"columns_ms": 900.0, "matches": 20, "all_matches": 40, "agreeing": 30,
                  "best": ["Ana Abara", 12, 0.9], "recommendations": 20},
    }
    result = BenchResult(1_130_000, 17_712, ms, 350.0, peers, Runs.for_size(1_130_000), notes, {"critics": 1.0, "peer": 1.0},
                         {"stats_json": 300.0, "export": 300.0})
    table = render_table(result)
    rows = {line.split()[0]: line for line in table.splitlines() if line.split()}
    assert rows["open"].endswith("met") and rows["ready"].endswith("met") and rows["critic_filter"].endswith("met")
    assert rows["peak_rss_mb"].endswith("met") and rows["export"].endswith("met")  # <= 400 MB at this size
    assert table.count("skipped") == 3 and "TinyDB" not in rows["open"]
    assert Runs.for_size(1_130_000).tinydb == 0 and Runs.for_size(200_000).tinydb > 0
