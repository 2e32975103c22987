"""The repository: the one door to the data (open, refresh, writes, imports; queries in store/queries.py).

Records go through store/records.py, the in-memory indexes live in store/indexes.py and the
durable tables in store/storage.py; docs/architecture.md walks a review through all three.
"""

from __future__ import annotations

import dataclasses
import os
from collections import Counter
from contextlib import contextmanager
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Callable, Hashable, Iterable, Iterator, Sequence

from store.domain import (
    Film,
    FilmRecord,
    ImportResult,
    Publication,
    Review,
    ReviewDraft,
)
from store.errors import StoreError, ValidationError
from store.indexes import Indexes
from store.queries import Queries
from store.records import (
    COUNTERS_ID,
    film_label_with_key,
    FILMS,
    META,
    PUBLICATIONS,
    Record,
    WrongShape,
    clean_year,
    film_of_table,
    film_to_record,
    named_publication,
    reviews_table,
    same_review_key,
    valid_film_record,
    valid_publication,
    valid_record,
)
from store.changes import Changes, Tables
from store.storage import JournaledStorage
from store.text import clean_line, clean_optional, fold
from store.views import FilmSort


class Keep(Enum):
    """The default of an edit's field: leave it as it is (None means "clear it")."""

    KEEP = "keep"


KEEP = Keep.KEEP


class Repository(Queries):
    """Films, reviews, publications and the summaries scored from them: opened from a file,
    kept in line with it, written durably (the questions it answers are in store/queries.py)."""

    def __init__(self, storage: JournaledStorage) -> None:
        self._storage = storage
        self._index = Indexes()
        self._rebuild()

    # -- opening ----------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, progress: Callable[[str], None] | None = None) -> "Repository":
        """Open (or start) the database at path."""
        path = Path(path).expanduser()
        report = progress or (lambda _message: None)
        report(f"reading {path.name}")
        try:
            storage = JournaledStorage(path)
        except StoreError:
            raise
        except OSError as exc:
            raise StoreError(f"cannot open {path}: {exc.strerror or exc}") from None
        report("indexing")
        try:
            return cls(storage)
        except StoreError:
            storage.close()
            raise

    def close(self) -> None:
        self._storage.close()

    def __enter__(self) -> "Repository":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def path(self) -> Path:
        return self._storage.path

    @property
    def warnings(self) -> list[str]:
        """Things noticed that changed nothing the user saved: a torn journal tail dropped on open,
        and films whose title keys collide (see Queries.title_collisions)."""
        return list(self._storage.warnings) + self.title_collisions()

    # -- keeping the indexes in line with the storage -----------------------------------------

    def _rebuild(self) -> None:
        storage = self._storage
        try:
            self._index = Indexes.build(storage)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            # Valid JSON of the wrong shape (edited by hand or by another program): refuse it
            # in one line rather than fail later in a traceback.
            detail = str(exc) if isinstance(exc, WrongShape) else f"a record has the wrong shape: {type(exc).__name__} {exc}"
            raise StoreError(f"{self.path} is damaged ({detail}); it was left untouched") from None

    def _absorb(self, changes: Changes) -> bool:
        """Take in what the storage changed (another process's writes, or this one's); whether
        anything did."""
        if changes.reloaded:
            self._rebuild()
            return True
        if not changes:
            return False
        try:
            self._reindex(changes)
        except (KeyError, TypeError, ValueError, AttributeError):
            self._rebuild()  # a record Critics did not write: refused in one line by the rebuild
            raise StoreError(f"{self.path} is damaged (a record has the wrong shape); it was left untouched") from None
        return True

    def _reindex(self, changes: Changes) -> None:
        storage, index = self._storage, self._index
        whole: set[str] = set()
        fresh: set[int] = set()  # films that had no reviews before: each indexed once, whole
        for change in changes:
            film_id = film_of_table(change.table)
            if film_id is None:
                whole.add(change.table)  # films, publications, meta: small tables, read whole
            elif change.key is None:
                fresh.add(film_id)  # a whole table (an import's new film): once, at the end
            else:
                index.review_changed(film_id, change.old, change.new, int(change.key))
        for film_id in fresh:
            index.index_film(film_id)
        if FILMS in whole:
            index.load_films(storage.table(FILMS))
        if PUBLICATIONS in whole:
            index.load_publications(storage.table(PUBLICATIONS))
        if META in whole:
            index.load_counters(storage.table(META))

    def refresh(self) -> bool:
        """Pick up what other processes wrote; True if anything changed."""
        return self._absorb(self._storage.refresh())

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """One durable transaction; afterwards the indexes take in what it changed."""
        try:
            with self._storage.transaction() as caught:
                self._absorb(caught)
                yield
                mine = self._storage.pending()
        except BaseException:
            # The storage rolled its tables back; rebuild the indexes (and id counters) from them.
            self._rebuild()
            raise
        self._absorb(mine)

    # -- writing ----------------------------------------------------------------------------

    def _take_review_id(self) -> int:
        review_id = self._index.next_review
        self._index.next_review += 1
        return review_id

    def _save_counters(self) -> None:
        index = self._index
        self._storage.put(META, COUNTERS_ID, {"review": index.next_review, "film": index.next_film})

    def add_review(self, film_id: int, draft: ReviewDraft, *, today: date | None = None) -> Review:
        """Add a review; durable on disk when this returns. today, if given, refuses a date more
        than a day after it (the CLI and the form pass it)."""
        record = valid_record(draft, today)
        with self._writing():
            self.film(film_id)
            review_id = self._take_review_id()
            self._storage.put(reviews_table(film_id), review_id, record)
            self._save_counters()
        return self.review(review_id)

    def edit_review(self, review_id: int, draft: ReviewDraft, *, today: date | None = None) -> Review:
        record = valid_record(draft, today)
        with self._writing():
            film_id = self.review(review_id).film_id
            self._storage.put(reviews_table(film_id), review_id, record)
        return self.review(review_id)

    def delete_review(self, review_id: int) -> Review:
        with self._writing():
            review = self.review(review_id)
            self._storage.remove(reviews_table(review.film_id), review_id)
            self._save_counters()  # so a deleted id is never given again, whatever the file held
        return review

    def restore_review(self, review: Review) -> Review:
        """Put a deleted review back with its id, so it returns to its place."""
        record = valid_record(review.as_draft())
        with self._writing():
            self.film(review.film_id)
            if self.has_review(review.id):
                raise StoreError(f"review {review.id} already exists")
            self._storage.put(reviews_table(review.film_id), review.id, record)
        return self.review(review.id)

    def add_film(self, title: str, year: int | str | None = None, director: str | None = None) -> Film:
        with self._writing():
            film_id = self._create_film(FilmRecord(title, clean_year(year), director))
        return self.film(film_id)

    def edit_film(
        self,
        film_id: int,
        *,
        title: str | None = None,
        year: int | str | None | Keep = KEEP,
        director: str | None | Keep = KEEP,
    ) -> Film:
        """Change a film's title, year or director; what is not given stays (None or "" clears
        the year or the director). A (folded title, year) another film has is refused."""
        clean_title = None if title is None else clean_line(title)
        if clean_title == "":
            raise ValidationError({"title": "a title is required"})
        new_year = None if isinstance(year, Keep) else clean_year(year)
        with self._writing():
            film = self.film(film_id)
            changed = Film(
                film_id,
                film.title if clean_title is None else clean_title,
                film.year if isinstance(year, Keep) else new_year,
                film.director if isinstance(director, Keep) else clean_optional(director),
                film.published,
                film.key,
            )
            key = (fold(changed.title), changed.year)
            # A keyed film is its key: titles may repeat across keys (docs/architecture.md).
            if film.key is None and key != (self._index.folded_titles[film_id], film.year):
                other = self._index.film_keys.get(key)
                if other is not None and other != film_id:
                    raise ValidationError({"title": f"{changed.label} already exists"})
            if changed != film:
                self._storage.put(FILMS, film_id, film_to_record(changed))
        return self.film(film_id)

    def delete_film(self, film_id: int) -> tuple[Film, list[Review]]:
        """Remove a film and all its reviews in one durable step (all or nothing); what was
        removed, for restore_film."""
        with self._writing():
            film = self.film(film_id)
            reviews = list(self._index.reviews(film_id))
            table = reviews_table(film_id)
            for review in reviews:
                self._storage.remove(table, review.id)
            self._storage.remove(FILMS, film_id)
            self._save_counters()  # ids only grow: neither the film's nor its reviews' come back
        return film, reviews

    def restore_film(self, film: Film, reviews: Iterable[Review] = ()) -> Film:
        """Put a deleted film back with its reviews, all with their ids, in one durable step."""
        title = clean_line(film.title)
        if not title:
            raise ValidationError({"title": "a title is required"})
        restored = Film(
            film.id, title, clean_year(film.year), clean_optional(film.director), film.published, clean_optional(film.key)
        )
        records: dict[int, Record] = {}
        for review in reviews:
            if review.film_id != film.id:
                raise StoreError(f"review {review.id} is of film {review.film_id}, not of film {film.id}")
            records[review.id] = valid_record(review.as_draft())
        with self._writing():
            index = self._index
            if film.id in index.films:
                raise StoreError(f"film {film.id} already exists")
            self._refuse_taken_identity(title, restored.year, restored.key)
            taken = [review_id for review_id in records if self.has_review(review_id)]
            if taken:
                raise StoreError(f"review {taken[0]} already exists")
            self._storage.put(FILMS, film.id, film_to_record(restored))
            self._storage.insert_many(reviews_table(film.id), records)
        return self.film(film.id)

    def set_publication_weight(self, name: str, weight: float) -> Publication:
        publication = valid_publication(name, weight)
        with self._writing():
            self._put_weight(publication)
        return publication

    def _put_weight(self, publication: Publication) -> None:
        ids = self._index.publication_ids
        doc_id = ids.get(publication.name)
        if doc_id is None:
            doc_id = ids[publication.name] = max(ids.values(), default=0) + 1
        self._storage.put(PUBLICATIONS, doc_id, {"name": publication.name, "weight": float(publication.weight)})

    def compact(self) -> None:
        """Fold the journal into a fresh snapshot (keeps the previous one as a .bak file)."""
        self._absorb(self._storage.compact())

    @property
    def compaction_due(self) -> bool:
        """Whether the journal has outgrown its snapshot: the writer that crossed the line
        compacts after its change is acknowledged (the CLI at once, the browser in a process
        of its own: store/compactor.py)."""
        return self._storage.compaction_due()

    @property
    def journal_bytes(self) -> int:
        return self._storage.journal_bytes

    # -- imports ----------------------------------------------------------------------------

    def _create_film(self, record: FilmRecord) -> int:
        title = clean_line(record.title)
        if not title:
            raise ValidationError({"title": "a title is required"})
        year = clean_year(record.year)
        key = clean_optional(record.key)
        self._refuse_taken_identity(title, year, key)
        film = Film(self._index.next_film, title, year, clean_optional(record.director), record.published, key)
        self._storage.put(FILMS, film.id, film_to_record(film))
        self._index.add_film(film)  # later records of the same import find it
        self._save_counters()
        return film.id

    def _refuse_taken_identity(self, title: str, year: int | None, key: str | None) -> None:
        """Refuse a new film another film already is: the same source key, or, for a film without
        a key, a film without a key of the same folded title and year (as before keys existed)."""
        if key is not None:
            if key in self._index.source_keys:
                raise ValidationError({"key": f"a film with the key {key!r} already exists"})
        elif (fold(title), year) in self._index.film_keys:
            label = f"{title} ({year})" if year else title
            raise ValidationError({"title": f"{label} already exists"})

    def import_films(
        self, records: Iterable[FilmRecord], publications: Iterable[Publication] = ()
    ) -> ImportResult:
        """Add films and reviews in one durable step; reviews already present are skipped.

        Everything is validated first: one bad review refuses the whole import."""
        return self.import_prepared([valid_film_record(record) for record in records], publications)

    def import_prepared(
        self,
        prepared: Sequence[tuple[FilmRecord, list[Record]]],
        publications: Iterable[Publication] = (),
        *,
        same_entry: Callable[[Record], Hashable] | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> ImportResult:
        """Add films with their reviews' records, as records.valid_film_record made them, in one
        durable step (all or nothing); reviews already present are skipped.

        same_entry, if given, is a second way a review is already present: a stored review of the
        same film with the same same_entry(record) (Letterboxd's files overlap with no shared id).
        progress(films done, films) is called as the films are taken in."""
        weights = [named_publication(publication) for publication in publications]
        films_added = films_present = reviews_added = skipped = 0
        report = progress or (lambda _done, _total: None)
        with self._writing():
            for publication in weights:
                self._put_weight(publication)
            for done, (record, new) in enumerate(prepared):
                if done % 256 == 0:
                    report(done, len(prepared))
                film_id = self._film_meant(record)
                if film_id is None:
                    film_id = self._create_film(record)
                    films_added += 1
                else:
                    films_present += 1
                    self._update_film(film_id, record)
                table = reviews_table(film_id)
                # As many of each review as the film already has are skipped: re-importing adds
                # nothing, yet a review a film really holds twice comes back twice from an export.
                stored = self._storage.table(table).values()
                if not stored:  # a film without reviews: nothing to match (most films of a first import)
                    fresh: dict[int, Record] = {self._take_review_id(): review for review in new}
                    if fresh:
                        self._storage.insert_many(table, fresh)
                        reviews_added += len(fresh)
                    continue
                existing = Counter(same_review_key(r) for r in stored)
                entries = set(map(same_entry, stored)) if same_entry is not None else set()
                fresh = {}
                for review in new:
                    key = same_review_key(review)
                    if existing[key]:
                        existing[key] -= 1
                        skipped += 1
                    elif entries and same_entry(review) in entries:  # type: ignore[misc]
                        skipped += 1
                    else:
                        fresh[self._take_review_id()] = review
                if fresh:
                    self._storage.insert_many(table, fresh)
                    reviews_added += len(fresh)
            self._save_counters()
            report(len(prepared), len(prepared))
        return ImportResult(films_added, reviews_added, skipped, films_present)

    def _film_meant(self, record: FilmRecord) -> int | None:
        """The film an imported record names. With a source key: the film of that key. Without:
        the film without a key of its (folded title, year), as before keys existed (where two
        share it, folding rules having changed, the one titled exactly so); else the one keyed
        film of that title and year (a Letterboxd entry reuses an RT film). Several: refused,
        never a guess."""
        index = self._index
        if record.key is not None:
            return index.source_keys.get(record.key)
        title, year = clean_line(record.title), clean_year(record.year)
        key = (fold(title), year)
        film_id = index.film_keys.get(key)
        if film_id is not None and key not in index.shared_keys:
            return film_id
        if film_id is not None:
            films = [f for f in index.films.values() if f.key is None and (index.folded_titles[f.id], f.year) == key]
            exact = [f.id for f in films if f.title == title]
            if len(exact) == 1:
                return exact[0]
        else:
            films = [index.films[i] for i in index.keyed_titles.get(key, ())]
            if len(films) <= 1:
                return films[0].id if films else None
        labels = ", ".join(film_label_with_key(f) for f in films)
        raise ValidationError({"title": f"{title!r} could be any of {labels}; rename one of them first"})

    def _update_film(self, film_id: int, record: FilmRecord) -> None:
        """What an import says of a film already stored: a page's declared summary, and, for a
        keyed film, its title, year and director once a record names it (a reviews file names a
        film by its key only, its films file names it, in either order)."""
        film = self._index.films[film_id]
        changed = film
        if record.published is not None and film.published != record.published:
            changed = dataclasses.replace(changed, published=record.published)
        title = clean_line(record.title)
        if record.key is not None and title and title != record.key:  # a keyed record that names its film
            changed = dataclasses.replace(
                changed, title=title, year=clean_year(record.year) if record.year is not None else film.year,
                director=clean_optional(record.director) or film.director,
            )
        if changed != film:
            self._storage.put(FILMS, film_id, film_to_record(changed))
            self._index.replace_film(film, changed)  # later records of the same import see it

    def export_films(self) -> tuple[Iterator[tuple[Film, list[Review]]], list[Publication]]:
        """Every film (by title) with its reviews in page order, one film at a time (an export
        streams them), and every publication weight."""
        index = self._index
        order = list(index.order(FilmSort.TITLE))
        films = ((index.films[i], list(index.reviews(i, keep=False))) for i in order)
        weights = [Publication(n, w) for n, w in sorted(self._index.weights.items(), key=lambda kv: fold(kv[0]))]
        return films, weights

    def replace_everything(self, tables: Tables) -> None:
        """Bulk-write a whole database in one atomic snapshot (the generator's fast path)."""
        self._storage.replace_all(tables)
        self._rebuild()

