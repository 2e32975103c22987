"""The readable table `critics bench` prints: each measure beside its peers and its target."""

from __future__ import annotations

import textwrap

from bench.common import MS_KEYS, PEER_KEYS, SCREEN_SIZE, BenchResult

# The issues' targets are set at two sizes on a 2-core machine: 200,000 reviews of 10,000 films,
# and the Rotten Tomatoes scale, 1,130,000 reviews of 17,712 films.
TARGET_REVIEWS = 200_000
LARGE_TARGET_REVIEWS = 1_130_000

# measure -> (what the target is: a ratio to a peer, ms, the launch's MB or a command's MB; bound; label)
TARGETS: dict[str, tuple[str, float, str]] = {
    "open": ("ms", 100.0, "<= 100 ms"),
    "add": ("ratio:sqlite_insert_commit", 2.0, "<= 2x sqlite3 insert+commit"),
    "edit": ("ratio:sqlite_insert_commit", 2.0, "<= 2x sqlite3 insert+commit"),
    "delete": ("ratio:sqlite_insert_commit", 2.0, "<= 2x sqlite3 insert+commit"),
    "add_big_film": ("ratio:sqlite_insert_commit", 2.0, "<= 2x sqlite3 insert+commit"),
    "critic_filter": ("ms", 1.0, "<= 1 ms"),
    "find_first": ("ms", 200.0, "<= 200 ms"),
    "match": ("ms", 100.0, "<= 100 ms"),
    "recommend": ("ms", 200.0, "<= 200 ms"),
    "filter_keystroke": ("ms", 50.0, "<= 50 ms"),
    "film_select": ("ms", 50.0, "<= 50 ms"),
    "first_paint": ("ms", 400.0, "<= 0.4 s"),
    "ready": ("ms", 600.0, "<= 0.6 s"),
    "peak_rss_mb": ("mb", 150.0, "<= 150 MB"),
    "stats_json": ("ms", 1000.0, "<= 1 s"),
    "export": ("mb:export", 150.0, "peak <= 150 MB"),
    "import": ("ratio:sqlite_csv_import", 1.5, "<= 1.5x csv+sqlite3 import"),
}
# At the Rotten Tomatoes scale these bounds replace the ones above.
LARGE_TARGETS: dict[str, tuple[str, float, str]] = {
    "open": ("ms", 300.0, "<= 300 ms"),
    "critic_filter": ("ms", 2.0, "<= 2 ms"),
    "ready": ("ms", 1000.0, "<= 1 s"),
    "peak_rss_mb": ("mb", 400.0, "<= 400 MB"),
    "stats_json": ("ms", 3000.0, "<= 3 s"),
    "export": ("mb:export", 400.0, "peak <= 400 MB"),
    "match": ("ms", 500.0, "<= 500 ms"),
    "recommend": ("ms", 1000.0, "<= 1 s"),
}


def targets_for(reviews: int) -> dict[str, tuple[str, float, str]]:
    """The targets that hold at this size (the large ones from a million reviews)."""
    return TARGETS | LARGE_TARGETS if reviews >= 1_000_000 else TARGETS

# measure -> the peers it is compared with (ratio = ours / peer)
PEERS_OF: dict[str, tuple[str, ...]] = {
    "open": ("orjson_loads", "tinydb_jsonstorage_load"),
    "add": ("sqlite_insert_commit", "tinydb_jsonstorage_insert"),
    "edit": ("sqlite_insert_commit", "tinydb_jsonstorage_insert"),
    "delete": ("sqlite_insert_commit", "tinydb_jsonstorage_insert"),
    "add_big_film": ("sqlite_insert_commit",),
    "critic_filter": ("sqlite_search", "tinydb_jsonstorage_search"),
    "import": ("sqlite_csv_import",),
}
PEER_LABELS = {
    "orjson_loads": "orjson",
    "tinydb_jsonstorage_load": "TinyDB",
    "tinydb_jsonstorage_insert": "TinyDB",
    "tinydb_jsonstorage_search": "TinyDB",
    "sqlite_insert_commit": "sqlite3",
    "sqlite_search": "sqlite3",
    "sqlite_csv_import": "csv+sqlite3",
}


def target_status(result: BenchResult, measure: str) -> tuple[str, bool] | None:
    """(the target, met?) for a measure that has one."""
    targets = targets_for(result.reviews)
    if measure not in targets:
        return None
    kind, bound, label = targets[measure]
    if kind.startswith("ratio:"):
        peer = result.peers_ms[kind.split(":", 1)[1]]
        value = result.ms[measure] / peer if peer else float("inf")
    elif kind == "mb":
        value = result.peak_rss_mb
    elif kind.startswith("mb:"):
        value = result.command_peak_rss_mb.get(kind.split(":", 1)[1], float("inf"))
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


def _taste_note(notes: dict) -> str:
    taste = notes.get("taste") or {}
    best = taste.get("best")
    best_text = f"; the best, {best[0]!r}, {best[1]} films shared, r {best[2]}" if best else ""
    return (
        f"match, recommend: the taste match for {notes['critic']!r} (the most prolific critic), the score "
        f"columns ready: {taste.get('matches', 0)} critics listed of {taste.get('all_matches', 0)} "
        f"({taste.get('agreeing', 0)} with a lower bound above 0){best_text}; {taste.get('recommendations', 0)} "
        f"films recommended. The first call after open builds the columns from every review: "
        f"taste_columns_ms {taste.get('columns_ms', 0)} ms (targets at 1.13M reviews: match <= 500 ms, "
        f"recommend <= 1 s)."
    )


def render_table(result: BenchResult) -> str:
    """Every measure with its runs, peers and target; then the peers alone, then notes on what was measured."""
    runs = result.runs
    notes = result.notes
    lines = [
        f"critics bench: {result.reviews:,} reviews, {result.films:,} films (seed {notes['seed']}); "
        f"{notes['machine']}; wall-clock ms, median of the runs shown (n)",
    ]
    if result.reviews not in (TARGET_REVIEWS, LARGE_TARGET_REVIEWS):
        lines.append(
            f"(the targets are set for {TARGET_REVIEWS:,} and {LARGE_TARGET_REVIEWS:,} reviews; "
            f"shown here for reference)"
        )
    lines.append("")
    header = f"{'measure':<17} {'ms':>9} {'n':>4}   {'vs peers: peer ms (ours/peer)':<48} {'target':<28} {'':<6}"
    lines += [header, "-" * len(header.rstrip())]
    spread = notes["spread"]
    for measure in MS_KEYS:
        value = result.ms[measure]
        peers = []
        for peer in PEERS_OF.get(measure, ()):
            peer_ms = result.peers_ms[peer]
            if peer_ms is None:
                continue  # not measured at this size
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
        "sqlite_csv_import": "csv.reader + sqlite3 executemany (index on film key), one commit",
    }
    for key in PEER_KEYS:
        peer_ms = result.peers_ms[key]
        if peer_ms is None:
            lines.append(f"  {labels[key]:<68} {'skipped':>9}     (above 200,000 reviews each run takes minutes)")
            continue
        lines.append(f"  {labels[key]:<68} {_fmt_ms(peer_ms):>9} ms  (n={peer_spread[key]['n']})")
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
        f"(first_paint {notes['warm_up']['first_paint']:.0f} ms, ready {notes['warm_up']['ready']:.0f} ms), "
        f"which leaves Python's bytecode of every module written"
        + (" (PYTHONDONTWRITEBYTECODE is set here: unset for the launches, or each would compile "
           "the project again)" if notes.get("bytecode_off") else "")
        + f"; peak RSS per run {notes['peak_rss_runs']} MB.",
        f"critic_filter's first run reads the critic's films from the snapshot: "
        f"{_fmt_ms(notes['critic_filter_first_ms'])} ms (the median is of the runs after it).",
        f"stats_json, export: `critics stats --json` (every film) and `critics export --format json` to a file, "
        f"each a fresh process; peak RSS {result.command_peak_rss_mb.get('stats_json')} MB and "
        f"{result.command_peak_rss_mb.get('export')} MB.",
        _taste_note(notes),
        f"runs: open {runs.load}, add/edit/delete {runs.writes} each, critic_filter {runs.critic_filter}, "
        f"film_select {runs.film_select}, launches {runs.launches}, finds {runs.finds}, "
        f"stats_json and export {runs.commands} each, orjson {runs.orjson}, sqlite3 {runs.sqlite}, "
        f"TinyDB {runs.tinydb} each ({slowest_runs}).",
        f"add_big_film: one add to a film already holding 5,000 reviews. compaction: the journal folded into a "
        f"new snapshot (in-process; the browser runs it in a process of its own). compaction_wait: an add made "
        f"while another process compacts, waiting on the lock. growth: {notes['growth']['adds']:,} adds one by one "
        f"to one film made {notes['growth']['journal_mb']} MB of journal, compacting by itself "
        f"{notes['growth'].get('compactions', 0)} times; open then took "
        f"{_fmt_ms(notes['growth']['open_after_ms'])} ms, {notes['growth']['open_ratio']}x the "
        f"{_fmt_ms(notes['growth']['open_compacted_ms'])} ms of the compacted store (target <= 2 MB, <= 1.2x).",
        f"import: `critics import` of a generated Rotten Tomatoes 2020 file ({notes['import']['rows']:,} rows, "
        f"{notes['import']['file_mb']} MB, written in {notes['import']['generate_s']} s) into a new database, "
        f"each run a fresh process, beside csv.reader + sqlite3 executemany into a table of the same columns "
        f"(index on the film key, one commit) on the same file; peak RSS {result.import_peak_rss_mb.get('critics')} MB, "
        f"the peer's {result.import_peak_rss_mb.get('peer')} MB (target at 1.13M rows: <= 1.5x, <= 1 GB).",
        f"files: snapshot {sizes['snapshot']} MB, TinyDB {sizes['tinydb'] or 'not written'} MB, sqlite3 {sizes['sqlite']} MB; "
        f"generated in {notes['generate_s']} s; whole bench {notes['total_s']} s; 1-minute load average "
        f"{notes['load_average'][0]} before, {notes['load_average'][1]} after.",
    ]
    for text in notes_text:
        lines.append(textwrap.fill(text, width=110, initial_indent="- ", subsequent_indent="  "))
    return "\n".join(lines)
