"""Synthetic Rotten Tomatoes critic-review files in the 2020 layout, deterministic for a seed
(for `critics bench`'s import measure: no third-party data is ever needed).

The shape follows the real file (docs/datasets.md): films keyed `m/<n>-<slug>`, a few prolific
critics and a long tail, about 25% top critics, Fresh about 60%, about 27% of scores blank and
the rest in the real file's shapes (x/5, x/4, letters, x/10, x/100, x/6, and a few the importer
keeps unscored), 2.4% of critic names and 5.6% of texts blank, quoted texts with commas."""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

from store.datasets.rt import RT2020
from store.durable import write_atomically
from store.errors import StoreError
from store.generator import _FIRST, _LAST, _PUBLICATIONS, _TITLE_WORDS, _WORDS, MAX_PER_FILM, MIN_PER_FILM, _split

_SCORES = (
    ["3/5", "2/5", "4/5", "1/5", "3.5/5", "2.5/5", "4.5/5", "5/5", "1.5/5"] * 10
    + ["3/4", "2/4", "2.5/4", "1.5/4", "3.5/4", "1/4", "4/4"] * 12
    + ["B", "C", "B-", "B+", "C+", "A-", "C-", "D", "A", "F"] * 4
    + ["7/10", "6/10", "8/10", "5.5/10"] * 3 + ["79/100", "65/100"] + ["4/6"]
    + ["3 1/2 stars", "80", "Recommended"]  # kept as written, unscored
)
_ROWS_A_WRITE = 20_000


def generate_rt2020(path: Path, films: int, reviews: int, seed: int = 1) -> int:
    """Write a new 2020-layout reviews file at path (atomically); the number of rows written."""
    if path.exists():
        raise StoreError(f"{path} already exists; generate writes only new files")
    if films < 1 or reviews < films * MIN_PER_FILM or reviews > films * MAX_PER_FILM:
        raise StoreError(f"{reviews} reviews over {films} films is outside {MIN_PER_FILM}-{MAX_PER_FILM} reviews a film")
    write_atomically(path, (text.encode() for text in _chunks(films, reviews, seed)))
    return reviews


def _chunks(films: int, reviews: int, seed: int):
    import io

    rng = random.Random(seed)
    critics = list(dict.fromkeys(f"{rng.choice(_FIRST)} {rng.choice(_LAST)}" for _ in range(max(40, reviews // 60))))
    weights = [1 / (rank + 1) ** 0.9 for rank in range(len(critics))]
    home = {name: rng.choice(_PUBLICATIONS) for name in critics}
    top = {name: rng.random() < 0.25 for name in critics}
    first_day = date(2000, 1, 1)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(RT2020)
    written = 0
    for film, count in enumerate(_split(reviews, films, rng), 1):
        slug = f"{rng.choice(_TITLE_WORDS)}_{rng.choice(_TITLE_WORDS)}".lower()
        key = f"m/{film}-{slug}"
        released = first_day + timedelta(days=rng.randrange(7000))
        for critic in rng.choices(critics, weights, k=count):
            named = rng.random() >= 0.024
            words = []
            size, length = 0, rng.randint(40, 220)
            while size < length:
                word = rng.choice(_WORDS)
                words.append(word)
                size += len(word) + 1
            text = " ".join(words).capitalize().replace(" and ", ", and ", 1) + "."
            writer.writerow((
                key, critic if named else "", "True" if top[critic] else "False", home[critic],
                "Fresh" if rng.random() < 0.6 else "Rotten",
                "" if rng.random() < 0.27 else rng.choice(_SCORES),
                (released + timedelta(days=rng.randrange(400))).isoformat(),
                "" if rng.random() < 0.056 else text,
            ))
            written += 1
            if written % _ROWS_A_WRITE == 0:
                yield out.getvalue()
                out.seek(0)
                out.truncate()
    yield out.getvalue()
