"""The store probe: open, add, edit, delete, critic_filter, find and the taste match through the
Repository, in-process."""

from __future__ import annotations

import gc
import time
from pathlib import Path
from typing import Any

from bench.common import SAMPLE_EXCERPT, Runs, median_ms, say, spread_of, step
from store.finding import FIND_STEP

# Three words the generated excerpts hold together now and then (accent-blind: café, élan).
FIND_QUERY = "cafe elan restraint"


def probe_store(path: Path, runs: Runs) -> dict[str, Any]:
    """open, add, edit, delete and critic_filter on the store at path."""
    from store.domain import ReviewDraft
    from store.repository import Repository
    from store.views import FilmSort

    from tui.app import FREEZE_AFTER_REVIEWS

    loads = []
    repository = None
    for number in range(runs.load):
        step(runs, "open", number, runs.load)
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

    # The most prolific critic (the most reviews, from the index): the filter with the most films.
    repository.films(FilmSort.TITLE)  # the title order is built once, as the app's first screen does
    critic, critic_reviews = repository.prolific_critics(1)[0]
    start = time.perf_counter()
    repository.films(FilmSort.TITLE, critic=critic)  # the first reads the critic's films from the snapshot
    first_filter = time.perf_counter() - start
    filters = []
    listed = 0
    say(f"critic_filter x{runs.critic_filter} ({critic}, the most prolific critic)")
    for _ in range(runs.critic_filter):
        start = time.perf_counter()
        films = repository.films(FilmSort.TITLE, critic=critic)
        listed = len(films)
        filters.append(time.perf_counter() - start)

    firsts, wholes, found = [], [], 0
    say(f"find x{runs.finds} ({FIND_QUERY!r} in every review's text)")
    for _ in range(runs.finds):
        start = time.perf_counter()
        first = None
        found = 0
        for progress in repository.find(FIND_QUERY, step=FIND_STEP):
            if progress.found and first is None:
                first = time.perf_counter() - start
            found += len(progress.found)
        wholes.append(time.perf_counter() - start)
        firsts.append(wholes[-1] if first is None else first)

    # The taste match for the same critic: the first call builds the score columns (a note), the
    # runs after it are what a person waits for once the columns are ready.
    say(f"match, recommend x{runs.writes} ({critic}; the first call builds the score columns)")
    start = time.perf_counter()
    repository.match(critic)
    columns_ms = round((time.perf_counter() - start) * 1000, 1)
    matched, recommended = [], []
    found_matches = found_films = 0
    for _ in range(runs.writes):
        start = time.perf_counter()
        matches = repository.match(critic)
        matched.append(time.perf_counter() - start)
        start = time.perf_counter()
        films_found = repository.recommend(critic)
        recommended.append(time.perf_counter() - start)
        found_matches, found_films = len(matches.matches), len(films_found.recommendations)
    every_match = repository.match(critic, limit=None).matches

    film_ids = list(repository.films(FilmSort.TITLE).ids)
    adds, edits, deletes = [], [], []
    say(f"add, edit, delete x{runs.writes}")
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
        "critic_reviews": critic_reviews,
        "critic_filter_first_ms": round(first_filter * 1000, 3),
        "find_query": FIND_QUERY,
        "find_found": found,
        "taste": {
            "columns_ms": columns_ms,
            "matches": found_matches,
            "all_matches": len(every_match),
            "agreeing": sum(1 for m in every_match if m.lower_bound > 0),
            "best": [every_match[0].critic, every_match[0].shared, round(every_match[0].r, 3)] if every_match else None,
            "recommendations": found_films,
        },
        "ms": {
            "open": median_ms(loads),
            "add": median_ms(adds),
            "edit": median_ms(edits),
            "delete": median_ms(deletes),
            "critic_filter": median_ms(filters),
            "find_first": median_ms(firsts),
            "find_all": median_ms(wholes),
            "match": median_ms(matched),
            "recommend": median_ms(recommended),
        },
        "spread": {
            "open": spread_of(loads), "add": spread_of(adds), "edit": spread_of(edits),
            "delete": spread_of(deletes), "critic_filter": spread_of(filters),
            "find_first": spread_of(firsts), "find_all": spread_of(wholes),
            "match": spread_of(matched), "recommend": spread_of(recommended),
        },
    }
    repository.close()
    return result

