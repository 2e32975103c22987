"""Synthetic critic-review databases of any size, deterministic for a seed (for benchmarks).

The shape follows real critic pages: a few prolific critics and a long tail, 5-150 reviews a
film, grades in every accepted format, about 10% unscored, excerpts of 100-400 characters
with non-ASCII text. Critics have a taste (docs/taste.md): each film a hidden quality, each critic
a bias and a noise of their own, and a review's grade is the one nearest quality + bias + noise,
so the taste match measures real agreement. The whole store is written once, as one snapshot."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from store.grades import parse_grade
from store.records import FILMS, META, PUBLICATIONS, reviews_table
from store.repository import Repository

MIN_PER_FILM, MAX_PER_FILM = 5, 150

_FIRST = ("Ana", "Bjørn", "Chloé", "Dmitri", "Élodie", "Farah", "Gábor", "Hiro", "Inès", "Jonas", "Kalani",
          "Lukáš", "Maëlle", "Nnamdi", "Oona", "Priya", "Quentin", "Rosalía", "Søren", "Tomás", "Ulla",
          "Vikram", "Wen", "Xóchitl", "Yusuf", "Zoë")
_LAST = ("Abara", "Brennan", "Castillo", "Dąbrowski", "Eriksen", "Fontaine", "García", "Haddad", "Ibáñez",
         "Jovanović", "Kowalczyk", "Lindqvist", "Moreau", "Nakamura", "O'Connell", "Petrov", "Quiroga",
         "Rossi", "Sørensen", "Takahashi", "Umarov", "Varga", "Weiß", "Xu", "Yılmaz", "Zielińska")
_PUBLICATIONS = ("The Daily Lantern", "Reel Quarterly", "Kino Review", "Le Cinéma Libre", "Frame & Focus",
                 "The Northern Courier", "Screen Weekly", "Cinémathèque Notes", "Projector", "Film Ledger",
                 "Celluloid Times", "The Matinee", "Über Film", "Sight Lines", "The Reel Pulse", "Nightly Post")
_WORDS = ("the", "film", "a", "of", "its", "with", "director", "camera", "performance", "quietly", "brutal",
          "tender", "mise-en-scène", "rhythm", "never", "scene", "café", "naïve", "score", "light", "—",
          "story", "cast", "“remarkable”", "tension", "ending", "façade", "second act", "déjà vu", "frame",
          "editing", "restraint", "皮肉", "überraschend", "élan", "and", "but", "is", "feels", "gathers")
_TITLE_WORDS = ("Glass", "Orchard", "Night", "River", "Pusher", "Harbour", "Silent", "Winter", "Signal",
                "Ember", "Atlas", "Vesper", "Crimson", "Hollow", "Lantern", "Meridian", "Échappée", "Nord",
                "Salt", "Copper", "Static", "Tide", "Ghost", "Ferry", "Orbit", "Paper", "Stone", "Velvet")


def _grade_formats() -> list[tuple[str, int]]:
    grades = ["A+", "A", "A-", "B+", "B", "B-", "C+", "C", "C-", "D+", "D", "F", "B-plus"]
    grades += [f"{n}/4" for n in ("1", "1.5", "2", "2.5", "3", "3.5", "4")]
    grades += [f"{n}/5" for n in ("1", "2", "2.5", "3", "3.5", "4", "4.5", "5")]
    grades += [f"{n}/10" for n in range(1, 11)] + ["7.5/10", "6.5/10"]
    grades += [f"{n} out of 5" for n in range(1, 6)] + ["3 of 5"]
    grades += ["*", "**", "**1/2", "***", "***1/2", "****", "★★★½", "★★★☆☆", "★★★★☆"]
    grades += ["3.5 stars out of 5", "2.5/4 stars"]
    grades += [str(n) for n in range(10, 101, 5)]
    return [(grade, parse_grade(grade)) for grade in grades]


def _nearest_grades(grades: list[tuple[str, int]]) -> list[list[tuple[str, int]]]:
    """For each score 0-100, the grades whose scores are nearest it."""
    nearest = []
    for target in range(101):
        gap = min(abs(score - target) for _, score in grades)
        nearest.append([(grade, score) for grade, score in grades if abs(score - target) == gap])
    return nearest


@dataclass(frozen=True, slots=True)
class Taste:
    """Hidden scores: each film's quality, each critic's bias and noise (from a generator of their
    own, so every other field keeps the value a seed gave it before critics had a taste)."""

    quality: list[float]
    bias: dict[str, float]
    noise: dict[str, float]
    rng: random.Random

    @classmethod
    def draw(cls, seed: int, films: int, critics: list[str]) -> "Taste":
        rng = random.Random(f"taste:{seed}")
        quality = [min(95.0, max(10.0, rng.gauss(58, 17))) for _ in range(films)]
        bias = {name: rng.gauss(0, 7) for name in critics}
        noise = {name: rng.uniform(6, 22) for name in critics}
        return cls(quality, bias, noise, rng)

    def score(self, film_index: int, critic: str | None) -> int:
        """The score this critic would give the film: quality + bias + noise, within 0-100."""
        bias, noise = (self.bias[critic], self.noise[critic]) if critic is not None else (0.0, 12.0)
        return min(100, max(0, round(self.quality[film_index] + bias + self.rng.gauss(0, noise))))


@dataclass(frozen=True, slots=True)
class GeneratedSize:
    films: int
    reviews: int


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    """Reviews per film: skewed (most films get few, some many), each in 5-150, summing to total."""
    if parts <= 0:
        return []
    total = max(min(total, parts * MAX_PER_FILM), parts * MIN_PER_FILM)
    weights = [rng.paretovariate(1.6) for _ in range(parts)]
    scale = (total - parts * MIN_PER_FILM) / sum(weights)
    counts = [min(MAX_PER_FILM, MIN_PER_FILM + int(w * scale)) for w in weights]
    missing = total - sum(counts)
    order = list(range(parts))
    while missing:
        rng.shuffle(order)
        step = 1 if missing > 0 else -1
        for i in order:
            if not missing:
                break
            if MIN_PER_FILM <= counts[i] + step <= MAX_PER_FILM:
                counts[i] += step
                missing -= step
    return counts


def generate_tables(films: int, reviews: int, seed: int = 1) -> dict[str, dict[str, dict]]:
    """The TinyDB tables of a synthetic database (records shaped exactly as the repository writes them)."""
    rng = random.Random(seed)
    critics = [f"{rng.choice(_FIRST)} {rng.choice(_LAST)}" for _ in range(max(40, reviews // 60))]
    critics = list(dict.fromkeys(critics))
    critic_weights = [1 / (rank + 1) ** 0.9 for rank in range(len(critics))]  # a few prolific, a long tail
    home = {name: rng.choice(_PUBLICATIONS) for name in critics}
    grades = _grade_formats()
    nearest = _nearest_grades(grades)
    first_day = date(1990, 1, 1)

    tables: dict[str, dict[str, dict]] = {FILMS: {}, PUBLICATIONS: {}}
    for index, name in enumerate(_PUBLICATIONS[:4], 1):
        tables[PUBLICATIONS][str(index)] = {"name": name, "weight": (1.5, 0.5, 2.0, 1.25)[index - 1]}
    review_id = 1
    counts = _split(reviews, films, rng)
    taste = Taste.draw(seed, len(counts), critics)
    for film_id, count in enumerate(counts, 1):
        year = rng.randint(1950, 2025)
        title = f"{rng.choice(_TITLE_WORDS)} {rng.choice(_TITLE_WORDS)} {film_id}"
        tables[FILMS][str(film_id)] = {"title": title, "year": year, "director": f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"}
        table: dict[str, dict] = {}
        for critic in rng.choices(critics, critic_weights, k=count):
            doc: dict = {}
            if rng.random() > 0.03:  # a few uncredited reviews
                doc["critic"] = critic
                doc["publication"] = home[critic]
            if rng.random() > 0.2:
                doc["date"] = (first_day + timedelta(days=rng.randrange(13000))).isoformat()
            if rng.random() > 0.1:  # about 10% unscored
                rng.choice(grades)  # drawn as before critics had a taste: the fields after it keep their values
                grade, score = taste.rng.choice(nearest[taste.score(film_id - 1, doc.get("critic"))])
                doc["grade"], doc["score"] = grade, score
            length = rng.randint(100, 400)
            words = []
            size = 0
            while size < length:
                word = rng.choice(_WORDS)
                words.append(word)
                size += len(word) + 1
            doc["excerpt"] = (" ".join(words)[:length].strip().capitalize() + ".")
            table[str(review_id)] = doc
            review_id += 1
        tables[reviews_table(film_id)] = table
    tables[META] = {"1": {"review": review_id, "film": films + 1}}
    return tables


def generate(path: Path, films: int, reviews: int, seed: int = 1) -> GeneratedSize:
    """Write a new synthetic database at path (refuses to touch an existing one)."""
    from store.errors import StoreError

    if path.exists():
        raise StoreError(f"{path} already exists; generate writes only new databases")
    if films < 1 or reviews < films * MIN_PER_FILM or reviews > films * MAX_PER_FILM:
        raise StoreError(
            f"{reviews} reviews over {films} films is outside {MIN_PER_FILM}-{MAX_PER_FILM} reviews a film"
        )
    tables = generate_tables(films, reviews, seed)
    with Repository.open(path) as repository:
        repository.replace_everything(tables)
        return GeneratedSize(repository.film_count, repository.review_count)
