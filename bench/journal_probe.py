"""The journal probe: a write to a film of 5,000 reviews, the journal's growth over 3,000 adds to
one film, a compaction's time, and how long a writer waits while another process compacts."""

from __future__ import annotations

import gc
import os
import shutil
import time
from pathlib import Path
from typing import Any

from bench.common import SAMPLE_EXCERPT, Runs, median_ms, say, spread_of

BIG_FILM_REVIEWS = 5_000
GROWTH_ADDS = 3_000


def _draft(number: int):
    from store.domain import ReviewDraft

    return ReviewDraft(f"{SAMPLE_EXCERPT} ({number})", f"Bench Critic {number % 50}", "Kino Review", "2024-05-01", "B+")


def _timed_open(path: Path, times: int) -> list[float]:
    from store.repository import Repository

    samples = []
    for _ in range(times):
        gc.collect()
        start = time.perf_counter()
        repository = Repository.open(path)
        samples.append(time.perf_counter() - start)
        repository.close()
    return samples


def probe_journal(path: Path, runs: Runs) -> dict[str, Any]:
    from store import compactor
    from store.domain import FilmRecord
    from store.repository import Repository

    journal = path.with_name(path.name + ".journal")
    with Repository.open(path) as repository:
        films = repository.films().ids
        big, other = films[0], films[len(films) // 2]
        have = len(repository.reviews(big))
        title = repository.film(big)
        say(f"add_big_film: filling one film to {BIG_FILM_REVIEWS} reviews")
        extra = tuple(_draft(n) for n in range(max(0, BIG_FILM_REVIEWS - have)))
        repository.import_films([FilmRecord(title.title, title.year, reviews=extra)])
        repository.compact()
        adds = []
        for number in range(runs.writes):
            start = time.perf_counter()
            repository.add_review(big, _draft(number))
            adds.append(time.perf_counter() - start)

        say("compaction: fold the journal into a new snapshot")
        compactions = []
        for _ in range(3):
            start = time.perf_counter()
            repository.compact()
            compactions.append(time.perf_counter() - start)

        say("compaction_wait: a write while another process compacts")
        waits = []
        for number in range(3):
            repository.add_review(other, _draft(number))
            process = compactor.start(path, 0)
            time.sleep(0.3)  # the compactor is reading the store, then holds the lock to write it
            start = time.perf_counter()
            repository.add_review(other, _draft(number))
            waits.append(time.perf_counter() - start)
            process.wait()
        repository.refresh()
        repository.compact()

        say(f"growth: {GROWTH_ADDS} adds one by one to one film")
        start_bytes = journal.stat().st_size
        automatic = 0
        for number in range(GROWTH_ADDS):
            repository.add_review(other, _draft(number))
            if repository.compaction_due:  # as the CLI does after a write (the browser: in a process of its own)
                repository.compact()
                automatic += 1
        journal_bytes = journal.stat().st_size - start_bytes
    grown = _timed_open(path, 7)
    compacted = path.with_name("compacted-" + path.name)
    shutil.copyfile(path, compacted)
    shutil.copyfile(journal, compacted.with_name(compacted.name + ".journal"))
    with Repository.open(compacted) as repository:
        repository.compact()
    fresh = _timed_open(compacted, 7)
    for suffix in ("", ".journal", ".bak", ".lock"):
        try:
            os.unlink(str(compacted) + suffix)
        except FileNotFoundError:
            pass
    return {
        "ms": {
            "add_big_film": median_ms(adds),
            "compaction": median_ms(compactions),
            "compaction_wait": median_ms(waits),
        },
        "spread": {
            "add_big_film": spread_of(adds), "compaction": spread_of(compactions),
            "compaction_wait": spread_of(waits),
        },
        "growth": {
            "adds": GROWTH_ADDS,
            "journal_mb": round(journal_bytes / 1e6, 3),
            "open_after_ms": median_ms(grown),
            "open_compacted_ms": median_ms(fresh),
            "open_ratio": round(median_ms(grown) / median_ms(fresh), 3),
            "compactions": automatic,
        },
    }
