"""The repository: the one door to the data, with in-memory indexes so no query scans every review.

Layout inside TinyDB (through JournaledStorage): table ``films`` (doc id = film id), one table
``reviews/<film id>`` per film (doc id = review id, so a write costs that film's reviews, not
all of them), ``publications`` (name, weight) and ``meta`` (id counters). Review ids only grow,
so a film's reviews in id order are the order they were added (a page's order).
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import os
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from tinydb.table import Document

from store import scoring
from store.scoring import CriticTally, profile_from_tallies, tally_reviews
from store.domain import (
    CriticProfile,
    Film,
    FilmSummary,
    Publication,
    PublishedSummary,
    Review,
    ReviewDraft,
)
from store.errors import StoreError, ValidationError
from store.grades import GradeError, parse_grade
from store.storage import CriticsDB, JournaledStorage, Reloaded, Tables
from store.views import FilmList, FilmSort, ReviewSort
from store.text import clean_line, clean_optional, clean_paragraphs, fold

FILMS, PUBLICATIONS, META = "films", "publications", "meta"
REVIEWS_PREFIX = "reviews/"
MAX_WEIGHT = 100.0


@dataclass(frozen=True, slots=True)
class FilmRecord:
    """A film with its reviews as a page or an export states them (input to imports)."""

    title: str
    year: int | None = None
    director: str | None = None
    published: PublishedSummary | None = None
    reviews: tuple[ReviewDraft, ...] = ()


@dataclass(frozen=True, slots=True)
class ImportResult:
    films_added: int
    reviews_added: int
    reviews_skipped: int  # already present: re-importing adds nothing


class _WrongShape(ValueError):
    """A record in the database that is valid JSON but not what Critics writes."""


def _reviews_table(film_id: int) -> str:
    return f"{REVIEWS_PREFIX}{film_id}"


def _published_doc(published: PublishedSummary | None) -> dict[str, Any] | None:
    if published is None:
        return None
    return {k: getattr(published, k) for k in ("verdict", "critics", "positive", "mixed", "negative")}


def _published_from(doc: dict[str, Any] | None) -> PublishedSummary | None:
    return None if doc is None else PublishedSummary(**doc)


def _review_from(review_id: int, film_id: int, doc: dict[str, Any]) -> Review:
    return Review(
        id=review_id,
        film_id=film_id,
        excerpt=doc["excerpt"],
        critic=doc.get("critic"),
        publication=doc.get("publication"),
        date=doc.get("date"),
        grade=doc.get("grade"),
        score=doc.get("score"),
    )


def _draft_key(doc: dict[str, Any]) -> tuple:
    """What makes two reviews the same review (re-imports add nothing)."""
    return (doc.get("critic"), doc.get("publication"), doc.get("date"), doc.get("grade"), doc["excerpt"])


def validate_draft(draft: ReviewDraft) -> tuple[dict[str, Any], dict[str, str]]:
    """The cleaned record of a draft and the reason for each field it gets wrong."""
    errors: dict[str, str] = {}
    doc: dict[str, Any] = {}
    excerpt = clean_paragraphs(draft.excerpt)
    if not excerpt:
        errors["excerpt"] = "an excerpt is required"
    for field in ("critic", "publication"):
        value = clean_optional(getattr(draft, field))
        if value is not None:
            doc[field] = value
    when = clean_optional(draft.date)
    if when is not None:
        try:
            if len(when) != 10:
                raise ValueError
            date.fromisoformat(when)
            doc["date"] = when
        except ValueError:
            errors["date"] = f"'{when}' is not a date: use YYYY-MM-DD"
    grade = clean_optional(draft.grade)
    if grade is not None:
        try:
            doc["score"] = parse_grade(grade)
            doc["grade"] = grade
        except GradeError as exc:
            errors["grade"] = str(exc)
    doc["excerpt"] = excerpt
    return doc, errors


def _clean_year(year: int | str | None) -> int | None:
    if year is None or year == "":
        return None
    try:
        value = int(year)
    except (TypeError, ValueError):
        raise ValidationError({"year": f"'{year}' is not a year"}) from None
    if not 1870 <= value <= 2200:
        raise ValidationError({"year": f"{value} is not a plausible film year (1870-2200)"})
    return value


class Repository:
    """Films, reviews, publications and the summaries scored from them."""

    def __init__(self, db: CriticsDB) -> None:
        self._db = db
        self._storage: JournaledStorage = db.storage
        self._rebuild()

    # -- opening ----------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str],
        *,
        seed_sample: bool = False,
        progress: Callable[[str], None] | None = None,
    ) -> "Repository":
        """Open (or start) the database at path; with seed_sample, a new one gets the sample data."""
        path = Path(path).expanduser()
        report = progress or (lambda _message: None)
        is_new = not path.exists()
        report(f"reading {path.name}")
        try:
            db = CriticsDB(path, storage=JournaledStorage)
        except StoreError:
            raise
        except OSError as exc:
            raise StoreError(f"cannot open {path}: {exc.strerror or exc}") from None
        report("indexing")
        try:
            repository = cls(db)
        except StoreError:
            db.close()
            raise
        if seed_sample and is_new:
            from store.exchange import read_sample

            report("adding the sample data")
            films, publications = read_sample()
            repository.import_films(films, publications)
        return repository

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> "Repository":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def path(self) -> Path:
        return self._storage.path

    @property
    def warnings(self) -> list[str]:
        """Things noticed on open that changed nothing the user saved (e.g. a torn journal tail)."""
        return list(self._storage.warnings)

    # -- indexes ----------------------------------------------------------------------------

    def _rebuild(self) -> None:
        try:
            self._build_indexes()
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            # Valid JSON of the wrong shape (edited by hand or by another program): refuse it
            # in one line rather than fail later in a traceback.
            detail = str(exc) if isinstance(exc, _WrongShape) else f"a record has the wrong shape: {type(exc).__name__} {exc}"
            raise StoreError(f"{self.path} is damaged ({detail}); it was left untouched") from None

    def _build_indexes(self) -> None:
        tables = self._storage.read()
        self._films: dict[int, Film] = {}
        self._film_keys: dict[tuple[str, int | None], int] = {}
        self._folded_titles: dict[int, str] = {}
        self._summaries: dict[int, FilmSummary] = {}
        self._review_lists: dict[int, tuple[Review, ...]] = {}
        self._indexed: dict[int, dict[str, Any]] = {}
        self._review_film: dict[int, int] = {}
        self._critic_films: dict[str, dict[int, int]] = {}
        self._critic_folds: dict[str, str] = {}
        self._publication_counts: dict[str, int] = {}
        self._tallies: dict[str, CriticTally] = {}
        self._orders: dict[FilmSort, list[int]] = {}
        self._names: dict[str, str] = {}  # one shared string per critic or publication name
        self._load_films(tables.get(FILMS, {}))
        self._load_publications(tables.get(PUBLICATIONS, {}))
        meta = tables.get(META, {}).get("1", {})
        self._next_review = meta.get("review", 1)
        self._next_film = meta.get("film", 1)
        if type(self._next_review) is not int or type(self._next_film) is not int:
            raise _WrongShape("its id counters are not numbers")
        for name, table in tables.items():
            if name.startswith(REVIEWS_PREFIX):
                self._index_film(int(name[len(REVIEWS_PREFIX):]), table)
        if self._review_film:
            self._next_review = max(self._next_review, max(self._review_film) + 1)
        if self._films:
            self._next_film = max(self._next_film, max(self._films) + 1)

    def _load_films(self, table: dict[str, dict[str, Any]]) -> None:
        self._films.clear()
        self._film_keys.clear()
        self._folded_titles.clear()
        for key, doc in table.items():
            film = Film(
                id=int(key),
                title=doc["title"],
                year=doc.get("year"),
                director=doc.get("director"),
                published=_published_from(doc.get("published")),
            )
            if type(film.title) is not str or type(film.year or 0) is not int or type(film.director or "") is not str:
                raise _WrongShape(f"film {key} has the wrong shape")
            self._films[film.id] = film
            self._film_keys[(fold(film.title), film.year)] = film.id
            self._folded_titles[film.id] = fold(film.title)
        self._summaries.clear()
        self._orders.clear()

    def _load_publications(self, table: dict[str, dict[str, Any]]) -> None:
        self._weights: dict[str, float] = {}
        self._publication_ids: dict[str, int] = {}
        for key, doc in table.items():
            if type(doc["name"]) is not str or type(doc["weight"]) not in (int, float):
                raise _WrongShape(f"publication {key} has the wrong shape")
            self._weights[doc["name"]] = doc["weight"]
            self._publication_ids[doc["name"]] = int(key)
        self._summaries.clear()
        self._tallies.clear()
        self._orders.pop(FilmSort.METASCORE, None)

    def _index_film(self, film_id: int, table: dict[str, Any] | None) -> None:
        """Bring the indexes for one film's reviews in line with its table (add or replace)."""
        old = self._indexed.pop(film_id, None)
        # This film's Metascore may move, which changes how each of its critics compares.
        for docs in (old, table):
            if docs and self._tallies:
                for doc in docs.values():
                    self._tallies.pop(doc.get("critic"), None)
        if old:
            for key, doc in old.items():
                self._review_film.pop(int(key), None)
                critic = doc.get("critic")
                if critic is not None:
                    films = self._critic_films[critic]
                    films[film_id] -= 1
                    if not films[film_id]:
                        del films[film_id]
                        if not films:
                            del self._critic_films[critic]
                            self._critic_folds.pop(critic, None)
                publication = doc.get("publication")
                if publication is not None:
                    self._publication_counts[publication] -= 1
                    if not self._publication_counts[publication]:
                        del self._publication_counts[publication]
        self._summaries.pop(film_id, None)
        self._review_lists.pop(film_id, None)
        if old is not None or table:
            self._orders.pop(FilmSort.METASCORE, None)
            self._orders.pop(FilmSort.REVIEWS, None)
        if not table:
            return
        self._indexed[film_id] = table
        self._review_film.update(dict.fromkeys(map(int, table), film_id))
        critic_films = self._critic_films
        publication_counts = self._publication_counts
        names = self._names
        # One visit per review: check its shape, share repeated names (one string object for
        # all of a critic's reviews) and index it. Critic and publication are handled inline,
        # not by a shared helper: this is the hottest loop at open (200,000 passes).
        try:
            for key, doc in table.items():
                critic = doc.get("critic")
                publication = doc.get("publication")
                if (
                    type(doc.get("excerpt")) is not str
                    or type(doc.get("score") or 0) is not int
                    or type(doc.get("date") or "") is not str
                    or type(doc.get("grade") or "") is not str
                ):
                    raise _WrongShape(f"review {key} of film {film_id} has the wrong shape")
                if critic is not None:
                    same = names.get(critic)
                    if same is None:
                        if type(critic) is not str:
                            raise _WrongShape(f"review {key} of film {film_id} has a 'critic' that is not text")
                        names[critic] = critic
                        critic_films[critic] = films = {}
                        self._critic_folds[critic] = fold(critic)
                    else:
                        doc["critic"] = critic = same
                        films = critic_films.get(critic)
                        if films is None:
                            critic_films[critic] = films = {}
                            self._critic_folds[critic] = fold(critic)
                    films[film_id] = films.get(film_id, 0) + 1
                if publication is not None:
                    same = names.get(publication)
                    if same is None:
                        if type(publication) is not str:
                            raise _WrongShape(f"review {key} of film {film_id} has a 'publication' that is not text")
                        names[publication] = publication
                    else:
                        doc["publication"] = publication = same
                    publication_counts[publication] = publication_counts.get(publication, 0) + 1
        except TypeError:  # an unhashable name (a list, say) from a hand-edited file
            for key, doc in table.items():
                for field in ("critic", "publication"):
                    if type(doc.get(field) or "") is not str:
                        raise _WrongShape(f"review {key} of film {film_id} has a {field!r} that is not text") from None
            raise

    def _absorb(self, changed: frozenset[str]) -> bool:
        """Update the indexes for tables another process changed; whether anything did."""
        if not changed:
            return False
        if isinstance(changed, Reloaded):
            self._rebuild()
            return True
        tables = self._storage.read()
        for name in changed:
            if name == FILMS:
                self._load_films(tables.get(FILMS, {}))
            elif name == PUBLICATIONS:
                self._load_publications(tables.get(PUBLICATIONS, {}))
            elif name == META:
                meta = tables.get(META, {}).get("1", {})
                self._next_review = max(self._next_review, meta.get("review", 1))
                self._next_film = max(self._next_film, meta.get("film", 1))
            elif name.startswith(REVIEWS_PREFIX):
                self._index_film(int(name[len(REVIEWS_PREFIX):]), tables.get(name))
        return True

    def refresh(self) -> bool:
        """Pick up what other processes wrote; True if anything changed."""
        return self._absorb(self._storage.refresh())

    @contextmanager
    def _writing(self) -> Iterator[None]:
        try:
            with self._storage.transaction() as changed:
                self._absorb(changed)
                yield
        except BaseException:
            # The storage rolled its tables back; rebuild the indexes (and id counters) from them.
            self._rebuild()
            raise

    # -- reading ----------------------------------------------------------------------------

    @property
    def film_count(self) -> int:
        return len(self._films)

    @property
    def review_count(self) -> int:
        return len(self._review_film)

    def film(self, film_id: int) -> Film:
        try:
            return self._films[film_id]
        except KeyError:
            raise StoreError(f"no film with id {film_id}") from None

    def weight_of(self, publication: str | None) -> float:
        if publication is None:
            return 1.0
        return self._weights.get(publication, 1.0)

    def summary(self, film_id: int) -> FilmSummary:
        cached = self._summaries.get(film_id)
        if cached is not None:
            return cached
        docs = self._indexed.get(film_id, {}).values()
        summary = scoring.summarize_scores(
            self.film(film_id), [(doc.get("score"), doc.get("publication")) for doc in docs], self.weight_of
        )
        self._summaries[film_id] = summary
        return summary

    def _order(self, sort: FilmSort) -> list[int]:
        order = self._orders.get(sort)
        if order is not None:
            return order
        titles = self._folded_titles
        films = self._films
        if sort is FilmSort.TITLE:
            key: Callable[[int], Any] = lambda i: (titles[i], films[i].year or 0, i)
        elif sort is FilmSort.YEAR:
            key = lambda i: (-(films[i].year or 0), titles[i], i)
        elif sort is FilmSort.REVIEWS:
            key = lambda i: (-len(self._indexed.get(i, ())), titles[i], i)
        else:
            def key(i: int) -> Any:
                metascore = self.summary(i).metascore
                return (metascore is None, -(metascore or 0), titles[i], i)
        order = sorted(films, key=key)
        self._orders[sort] = order
        return order

    def films(
        self,
        sort: FilmSort = FilmSort.TITLE,
        *,
        critic: str | None = None,
        title: str | None = None,
    ) -> FilmList:
        """Films in the given order; critic and title narrow them (case- and accent-insensitive)."""
        order = self._order(sort)
        wanted: set[int] | dict[int, int] | None = None
        if critic and critic.strip():
            names = self.matching_critics(critic)
            if len(names) == 1:
                wanted = self._critic_films[names[0]]  # its keys are the films: no copy needed
            else:
                wanted = set()
                for name in names:
                    wanted.update(self._critic_films[name])
        if title and title.strip():
            needle = fold(title.strip())
            titles = self._folded_titles
            by_title = {i for i, folded in titles.items() if needle in folded}
            wanted = by_title if wanted is None else by_title.intersection(wanted)
        ids = list(order) if wanted is None else list(filter(wanted.__contains__, order))
        return FilmList(ids, self.summary)

    def reviews(
        self, film_id: int, sort: ReviewSort = ReviewSort.PAGE, *, critic: str | None = None
    ) -> list[Review]:
        """A film's reviews (page order unless sorted); critic narrows them like the film filter."""
        reviews = self._review_lists.get(film_id)
        if reviews is None:
            self.film(film_id)
            table = self._indexed.get(film_id, {})
            reviews = tuple(
                _review_from(int(key), film_id, table[key]) for key in sorted(table, key=int)
            )
            self._review_lists[film_id] = reviews
        selected = list(reviews)
        if critic and critic.strip():
            names = set(self.matching_critics(critic))
            selected = [r for r in selected if r.critic in names]
        if sort is ReviewSort.SCORE:
            selected.sort(key=lambda r: (r.score is None, -(r.score or 0)))
        elif sort is ReviewSort.CRITIC:
            selected.sort(key=lambda r: (r.critic is None, fold(r.critic or "")))
        elif sort is ReviewSort.PUBLICATION:
            selected.sort(key=lambda r: (r.publication is None, fold(r.publication or "")))
        elif sort is ReviewSort.DATE:
            selected.sort(key=lambda r: r.date or "", reverse=True)
        return selected

    def review(self, review_id: int) -> Review:
        film_id = self._review_film.get(review_id)
        if film_id is None:
            raise StoreError(f"no review with id {review_id}")
        doc = self._indexed[film_id][str(review_id)]
        return _review_from(review_id, film_id, doc)

    def critics(self) -> list[str]:
        """Every critic's name, for completion (uncredited reviews have none)."""
        return sorted(self._critic_films, key=lambda name: (self._critic_folds[name], name))

    def matching_critics(self, query: str) -> list[str]:
        """Critics whose name contains query, ignoring case and accents."""
        needle = fold(query.strip())
        if not needle:
            return []
        return [name for name, folded in self._critic_folds.items() if needle in folded]

    def publications(self) -> list[Publication]:
        names = set(self._publication_counts) | set(self._weights)
        return [Publication(name, self.weight_of(name)) for name in sorted(names, key=fold)]

    def critic_profile(self, query: str) -> CriticProfile | None:
        """How the critics matching query score against each film's Metascore."""
        names = self.matching_critics(query)
        if not names:
            return None
        exact = [name for name in names if fold(name) == fold(query.strip())]
        if exact:
            names = exact
        return profile_from_tallies(sorted(names, key=fold), self._tally_many(names))

    def _tally(self, critic: str) -> CriticTally:
        tally = self._tallies.get(critic)
        if tally is None:
            pairs = []
            for film_id in self._critic_films.get(critic, {}):
                metascore = self.summary(film_id).metascore
                for doc in self._indexed[film_id].values():
                    if doc.get("critic") == critic:
                        pairs.append((doc.get("score"), metascore))
            tally = tally_reviews(pairs)
            self._tallies[critic] = tally
        return tally

    def _tally_many(self, critics: list[str]) -> list[CriticTally]:
        """Tallies of many critics: past a few dozen missing, one pass over every review is
        cheaper than reading each critic's films (a one-letter filter matches nearly all)."""
        missing = {name for name in critics if name not in self._tallies}
        if len(missing) > 50:
            pairs: dict[str, list[tuple[int | None, int | None]]] = {name: [] for name in missing}
            for film_id, table in self._indexed.items():
                metascore = None
                for doc in table.values():
                    found = pairs.get(doc.get("critic"))
                    if found is not None:
                        if metascore is None:
                            metascore = self.summary(film_id).metascore
                        found.append((doc.get("score"), metascore))
            for name, found in pairs.items():
                self._tallies[name] = tally_reviews(found)
        return [self._tally(name) for name in critics]

    def find_films(self, title: str, year: int | None = None) -> list[Film]:
        """Films whose title is title (ignoring case and accents), narrowed by year if given."""
        needle = fold(clean_line(title))
        return [
            film for film in self._films.values()
            if self._folded_titles[film.id] == needle and (year is None or film.year == year)
        ]

    def suggest_titles(self, title: str, limit: int = 3) -> list[str]:
        folded = {self._folded_titles[i]: film.label for i, film in self._films.items()}
        close = difflib.get_close_matches(fold(title), list(folded), n=limit, cutoff=0.5)
        return [folded[c] for c in close]

    def validate(self, draft: ReviewDraft) -> dict[str, str]:
        return validate_draft(draft)[1]

    # -- writing ----------------------------------------------------------------------------

    def _put(self, table_name: str, doc_id: int, doc: dict[str, Any]) -> None:
        # Remove + insert rather than update: TinyDB's update changes a record in place,
        # which would defeat the storage's rollback (it keeps the old table objects).
        table = self._db.table(table_name)
        if table.contains(doc_id=doc_id):
            table.remove(doc_ids=[doc_id])
        table.insert(Document(doc, doc_id=doc_id))

    def _save_counters(self) -> None:
        self._put(META, 1, {"review": self._next_review, "film": self._next_film})

    def _after_write(self, film_ids: Iterable[int] = (), films: bool = False, publications: bool = False) -> None:
        tables = self._storage.read()
        if films:
            self._load_films(tables.get(FILMS, {}))
        if publications:
            self._load_publications(tables.get(PUBLICATIONS, {}))
        for film_id in film_ids:
            self._index_film(film_id, tables.get(_reviews_table(film_id)))

    def add_review(self, film_id: int, draft: ReviewDraft) -> Review:
        """Add a review; durable on disk when this returns."""
        doc, errors = validate_draft(draft)
        if errors:
            raise ValidationError(errors)
        with self._writing():
            self.film(film_id)
            review_id = self._next_review
            self._next_review += 1
            self._db.table(_reviews_table(film_id)).insert(Document(doc, doc_id=review_id))
            self._save_counters()
        self._after_write([film_id])
        return self.review(review_id)

    def edit_review(self, review_id: int, draft: ReviewDraft) -> Review:
        doc, errors = validate_draft(draft)
        if errors:
            raise ValidationError(errors)
        with self._writing():
            film_id = self.review(review_id).film_id
            self._put(_reviews_table(film_id), review_id, doc)
        self._after_write([film_id])
        return self.review(review_id)

    def delete_review(self, review_id: int) -> Review:
        with self._writing():
            review = self.review(review_id)
            self._db.table(_reviews_table(review.film_id)).remove(doc_ids=[review_id])
        self._after_write([review.film_id])
        return review

    def restore_review(self, review: Review) -> Review:
        """Put a deleted review back with its id, so it returns to its place."""
        doc, errors = validate_draft(review.as_draft())
        if errors:
            raise ValidationError(errors)
        with self._writing():
            self.film(review.film_id)
            if review.id in self._review_film:
                raise StoreError(f"review {review.id} already exists")
            self._db.table(_reviews_table(review.film_id)).insert(Document(doc, doc_id=review.id))
        self._after_write([review.film_id])
        return self.review(review.id)

    def add_film(self, title: str, year: int | str | None = None, director: str | None = None) -> Film:
        with self._writing():
            film_id = self._create_film(FilmRecord(title, _clean_year(year), director))
        self._after_write(films=True)
        return self.film(film_id)

    def rename_film(self, film_id: int, title: str, year: int | str | None = None) -> Film:
        clean_title = clean_line(title)
        if not clean_title:
            raise ValidationError({"title": "a title is required"})
        new_year = _clean_year(year)
        with self._writing():
            film = self.film(film_id)
            other = self._film_keys.get((fold(clean_title), new_year))
            if other is not None and other != film_id:
                raise ValidationError({"title": f"{clean_title!r} ({new_year}) already exists"})
            doc = self._film_doc(Film(film_id, clean_title, new_year, film.director, film.published))
            self._put(FILMS, film_id, doc)
        self._after_write(films=True)
        return self.film(film_id)

    def set_publication_weight(self, name: str, weight: float) -> Publication:
        clean_name = clean_line(name)
        if not clean_name:
            raise ValidationError({"publication": "a publication name is required"})
        try:
            value = float(weight)
        except (TypeError, ValueError):
            raise ValidationError({"weight": f"'{weight}' is not a number"}) from None
        if not math.isfinite(value) or not 0 <= value <= MAX_WEIGHT:
            raise ValidationError({"weight": f"a weight is a number from 0 to {MAX_WEIGHT:g}"})
        with self._writing():
            doc_id = self._publication_ids.get(clean_name)
            if doc_id is None:
                doc_id = max(self._publication_ids.values(), default=0) + 1
            self._put(PUBLICATIONS, doc_id, {"name": clean_name, "weight": value})
        self._after_write(publications=True)
        return Publication(clean_name, value)

    def compact(self) -> None:
        """Fold the journal into a fresh snapshot (keeps the previous one as a .bak file)."""
        self._absorb(self._storage.compact())

    # -- imports ----------------------------------------------------------------------------

    @staticmethod
    def _film_doc(film: Film) -> dict[str, Any]:
        doc: dict[str, Any] = {"title": film.title}
        if film.year is not None:
            doc["year"] = film.year
        if film.director:
            doc["director"] = film.director
        if film.published is not None:
            doc["published"] = _published_doc(film.published)
        return doc

    def _create_film(self, record: FilmRecord) -> int:
        title = clean_line(record.title)
        if not title:
            raise ValidationError({"title": "a title is required"})
        year = _clean_year(record.year)
        if (fold(title), year) in self._film_keys:
            label = f"{title} ({year})" if year else title
            raise ValidationError({"title": f"{label} already exists"})
        film_id = self._next_film
        self._next_film += 1
        film = Film(film_id, title, year, clean_optional(record.director), record.published)
        self._put(FILMS, film_id, self._film_doc(film))
        self._film_keys[(fold(title), year)] = film_id
        self._films[film_id] = film
        self._folded_titles[film_id] = fold(title)
        self._save_counters()
        return film_id

    def import_films(
        self, records: Iterable[FilmRecord], publications: Iterable[Publication] = ()
    ) -> ImportResult:
        """Add films and reviews in one durable step; reviews already present are skipped.

        Everything is validated first: one bad review refuses the whole import."""
        prepared: list[tuple[FilmRecord, list[dict[str, Any]]]] = []
        for index, record in enumerate(records, 1):
            docs = []
            for number, draft in enumerate(record.reviews, 1):
                doc, errors = validate_draft(draft)
                if errors:
                    field, reason = next(iter(errors.items()))
                    raise ValidationError({f"{record.title} review {number} {field}": reason})
                docs.append(doc)
            if record.published is not None and record.published.verdict is not None:
                # Text entering the store is cleaned here, whoever built the record.
                published = dataclasses.replace(record.published, verdict=clean_optional(record.published.verdict))
                record = dataclasses.replace(record, published=published)
            prepared.append((record, docs))
        weights = []
        for publication in publications:
            name = clean_line(publication.name)
            if not name:
                raise ValidationError({"publication": "a publication name is required"})
            weights.append(Publication(name, publication.weight))
        films_added = reviews_added = skipped = 0
        touched: set[int] = set()
        with self._writing():
            for publication in weights:
                doc_id = self._publication_ids.get(publication.name)
                if doc_id is None:
                    doc_id = max(self._publication_ids.values(), default=0) + 1
                    self._publication_ids[publication.name] = doc_id
                self._put(PUBLICATIONS, doc_id, {"name": publication.name, "weight": float(publication.weight)})
            for record, docs in prepared:
                year = _clean_year(record.year)
                film_id = self._film_keys.get((fold(clean_line(record.title)), year))
                if film_id is None:
                    film_id = self._create_film(record)
                    films_added += 1
                elif record.published is not None and self._films[film_id].published != record.published:
                    film = self._films[film_id]
                    self._put(FILMS, film_id, self._film_doc(Film(film_id, film.title, film.year, film.director, record.published)))
                table = self._db.table(_reviews_table(film_id))
                current = self._storage.read().get(_reviews_table(film_id), {})
                # As many of each review as the film already has are skipped: re-importing adds
                # nothing, yet a review a film really holds twice comes back twice from an export.
                existing = Counter(_draft_key(doc) for doc in current.values())
                new_docs = []
                for doc in docs:
                    key = _draft_key(doc)
                    if existing[key]:
                        existing[key] -= 1
                        skipped += 1
                        continue
                    new_docs.append(Document(doc, doc_id=self._next_review))
                    self._next_review += 1
                if new_docs:
                    table.insert_multiple(new_docs)
                    reviews_added += len(new_docs)
                    touched.add(film_id)
            self._save_counters()
        self._after_write(touched, films=True, publications=bool(weights))
        return ImportResult(films_added, reviews_added, skipped)

    def export_films(self) -> tuple[list[tuple[Film, list[Review]]], list[Publication]]:
        """Every film (by title) with its reviews in page order, and every publication weight."""
        films = [(self._films[i], self.reviews(i)) for i in self._order(FilmSort.TITLE)]
        weights = [Publication(name, weight) for name, weight in sorted(self._weights.items(), key=lambda kv: fold(kv[0]))]
        return films, weights

    def replace_everything(self, tables: Tables) -> None:
        """Bulk-write a whole database in one atomic snapshot (the generator's fast path)."""
        self._storage.replace_all(tables)
        self._rebuild()
