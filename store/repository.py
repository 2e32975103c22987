"""The repository: the one door to the data (open, queries, writes, imports).

Records go through store/records.py, the in-memory indexes live in store/indexes.py and the
durable tables in store/storage.py; docs/architecture.md walks a review through all three.
"""

from __future__ import annotations

import dataclasses
import os
from collections import Counter
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Callable, Iterable, Iterator

from store.domain import (
    CriticProfile,
    Film,
    FilmRecord,
    FilmSummary,
    ImportResult,
    Publication,
    Review,
    ReviewDraft,
)
from store.errors import StoreError, ValidationError
from store.indexes import Indexes
from store.names import close_matches
from store.records import (
    COUNTERS_ID,
    FILMS,
    META,
    PUBLICATIONS,
    Record,
    WrongShape,
    clean_year,
    film_of_table,
    film_to_record,
    named_publication,
    review_from_record,
    reviews_table,
    same_review_key,
    valid_film_record,
    valid_publication,
    valid_record,
    validate_draft,
)
from store.scoring import profile_from_tallies
from store.changes import Changes, Tables
from store.storage import JournaledStorage
from store.text import clean_line, clean_optional, fold
from store.views import FilmList, FilmSort, ReviewSort, sort_reviews


class Repository:
    """Films, reviews, publications and the summaries scored from them."""

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
        and films whose (folded title, year) keys collide, one line each (a change of folding
        rules can make 'Soren' and 'Søren' fold alike; both stay listed, nothing merges them)."""
        index = self._index
        collisions = []
        for film_id in sorted(index.films):
            film = index.films[film_id]
            key = (index.folded_titles[film_id], film.year)
            holder = index.film_keys.get(key, film_id)
            if holder != film_id:
                year = "no year" if film.year is None else film.year
                collisions.append(
                    f"films {holder} and {film_id} now share the title key {key[0]!r} ({year}): "
                    "rename one (critics has no merge)"
                )
        return list(self._storage.warnings) + collisions

    # -- keeping the indexes in line with the storage -----------------------------------------

    def _rebuild(self) -> None:
        storage = self._storage
        try:
            self._index = Indexes.build({name: storage.table(name) for name in storage.table_names()})
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
        for change in changes:
            film_id = film_of_table(change.table)
            if film_id is None:
                whole.add(change.table)  # films, publications, meta: small tables, read whole
            elif change.key is None:
                # A TinyDB write replaced a film's whole reviews table (never the repository's
                # own writes): rare, so everything is read again rather than diffed.
                self._rebuild()
                return
            else:
                index.review_changed(film_id, change.key, change.old, change.new, storage.table(change.table) or None)
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

    # -- reading ----------------------------------------------------------------------------

    @property
    def film_count(self) -> int:
        return len(self._index.films)

    @property
    def review_count(self) -> int:
        return len(self._index.review_film)

    def film(self, film_id: int) -> Film:
        try:
            return self._index.films[film_id]
        except KeyError:
            raise StoreError(f"no film with id {film_id}") from None

    def weight_of(self, publication: str | None) -> float:
        return self._index.weight_of(publication)

    def summary(self, film_id: int) -> FilmSummary:
        self.film(film_id)
        return self._index.summary(film_id)

    def films(
        self,
        sort: FilmSort = FilmSort.TITLE,
        *,
        critic: str | None = None,
        title: str | None = None,
    ) -> FilmList:
        """Films in the given order; critic and title narrow them (case- and accent-insensitive)."""
        index = self._index
        order = index.order(sort)
        wanted: set[int] | dict[int, int] | None = None
        if critic and critic.strip():
            names = self.matching_critics(critic)
            if len(names) == 1:
                wanted = index.critic_films[names[0]]  # its keys are the films: no copy needed
            else:
                wanted = set()
                for name in names:
                    wanted.update(index.critic_films[name])
        if title and title.strip():
            needle = fold(title.strip())
            by_title = {i for i, folded in index.folded_titles.items() if needle in folded}
            wanted = by_title if wanted is None else by_title.intersection(wanted)
        ids = list(order) if wanted is None else list(filter(wanted.__contains__, order))
        return FilmList(ids, self.summary)

    def reviews(
        self, film_id: int, sort: ReviewSort = ReviewSort.PAGE, *, critic: str | None = None
    ) -> list[Review]:
        """A film's reviews (page order unless sorted); critic narrows them like the film filter."""
        self.film(film_id)
        selected = list(self._index.reviews(film_id))
        if critic and critic.strip():
            names = set(self.matching_critics(critic))
            selected = [r for r in selected if r.critic in names]
        return sort_reviews(selected, sort)

    def review(self, review_id: int) -> Review:
        film_id = self._index.review_film.get(review_id)
        if film_id is None:
            raise StoreError(f"no review with id {review_id}")
        return review_from_record(review_id, film_id, self._index.film_reviews[film_id][str(review_id)])

    def critics(self) -> list[str]:
        """Every critic's name, for completion (uncredited reviews have none)."""
        folds = self._index.critic_folds
        return sorted(self._index.critic_films, key=lambda name: (folds[name], name))

    def matching_critics(self, query: str) -> list[str]:
        """Critics whose name contains query, ignoring case and accents."""
        needle = fold(query.strip())
        if not needle:
            return []
        return [name for name, folded in self._index.critic_folds.items() if needle in folded]

    def suggest_critics(self, query: str, limit: int = 3) -> list[str]:
        """Critics whose names are close to query (did you mean), best first."""
        return close_matches(query, self._index.critic_folds, limit=limit)

    def publications(self) -> list[Publication]:
        names = set(self._index.publication_counts) | set(self._index.weights)
        return [Publication(name, self.weight_of(name)) for name in sorted(names, key=fold)]

    def critic_profile(self, query: str) -> CriticProfile | None:
        """How the critics matching query score against each film's Metascore."""
        names = self.matching_critics(query)
        if not names:
            return None
        exact = [name for name in names if fold(name) == fold(query.strip())]
        if exact:
            names = exact
        return profile_from_tallies(sorted(names, key=fold), self._index.tallies(names))

    def find_films(self, title: str, year: int | None = None) -> list[Film]:
        """Films whose title is title (ignoring case and accents), narrowed by year if given.

        Films whose keys collide (see warnings) are told apart by the exact title: when every
        film found shares its year with one titled exactly so, only those are kept."""
        clean = clean_line(title)
        needle = fold(clean)
        folded = self._index.folded_titles
        found = [
            film for film in self._index.films.values()
            if folded[film.id] == needle and (year is None or film.year == year)
        ]
        exact = [film for film in found if film.title == clean]
        if exact and len(exact) < len(found) and {f.year for f in found} <= {f.year for f in exact}:
            return exact
        return found

    def suggest_titles(self, title: str, limit: int = 3) -> list[str]:
        """Labels of the films whose titles are close to title (did you mean), best first."""
        index = self._index
        return [index.films[film_id].label for film_id in close_matches(title, index.folded_titles, limit=limit)]

    def validate(self, draft: ReviewDraft, *, today: date | None = None) -> dict[str, str]:
        """The reason for each field draft gets wrong; today refuses dates after tomorrow."""
        return validate_draft(draft, today)[1]

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
        return review

    def restore_review(self, review: Review) -> Review:
        """Put a deleted review back with its id, so it returns to its place."""
        record = valid_record(review.as_draft())
        with self._writing():
            self.film(review.film_id)
            if review.id in self._index.review_film:
                raise StoreError(f"review {review.id} already exists")
            self._storage.put(reviews_table(review.film_id), review.id, record)
        return self.review(review.id)

    def add_film(self, title: str, year: int | str | None = None, director: str | None = None) -> Film:
        with self._writing():
            film_id = self._create_film(FilmRecord(title, clean_year(year), director))
        return self.film(film_id)

    def rename_film(self, film_id: int, title: str, year: int | str | None = None) -> Film:
        clean_title = clean_line(title)
        if not clean_title:
            raise ValidationError({"title": "a title is required"})
        new_year = clean_year(year)
        with self._writing():
            film = self.film(film_id)
            other = self._index.film_keys.get((fold(clean_title), new_year))
            if other is not None and other != film_id:
                raise ValidationError({"title": f"{clean_title!r} ({new_year}) already exists"})
            renamed = Film(film_id, clean_title, new_year, film.director, film.published)
            self._storage.put(FILMS, film_id, film_to_record(renamed))
        return self.film(film_id)

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
        if (fold(title), year) in self._index.film_keys:
            label = f"{title} ({year})" if year else title
            raise ValidationError({"title": f"{label} already exists"})
        film = Film(self._index.next_film, title, year, clean_optional(record.director), record.published)
        self._storage.put(FILMS, film.id, film_to_record(film))
        self._index.add_film(film)  # later records of the same import find it
        self._save_counters()
        return film.id

    def import_films(
        self, records: Iterable[FilmRecord], publications: Iterable[Publication] = ()
    ) -> ImportResult:
        """Add films and reviews in one durable step; reviews already present are skipped.

        Everything is validated first: one bad review refuses the whole import."""
        prepared = [valid_film_record(record) for record in records]
        weights = [named_publication(publication) for publication in publications]
        films_added = reviews_added = skipped = 0
        with self._writing():
            for publication in weights:
                self._put_weight(publication)
            for record, new in prepared:
                film_id = self._film_meant(record)
                if film_id is None:
                    film_id = self._create_film(record)
                    films_added += 1
                elif record.published is not None and self._index.films[film_id].published != record.published:
                    film = dataclasses.replace(self._index.films[film_id], published=record.published)
                    self._storage.put(FILMS, film_id, film_to_record(film))
                table = reviews_table(film_id)
                # As many of each review as the film already has are skipped: re-importing adds
                # nothing, yet a review a film really holds twice comes back twice from an export.
                existing = Counter(same_review_key(r) for r in self._storage.table(table).values())
                fresh: dict[int, Record] = {}
                for review in new:
                    key = same_review_key(review)
                    if existing[key]:
                        existing[key] -= 1
                        skipped += 1
                    else:
                        fresh[self._take_review_id()] = review
                if fresh:
                    self._storage.insert_many(table, fresh)
                    reviews_added += len(fresh)
            self._save_counters()
        return ImportResult(films_added, reviews_added, skipped)

    def _film_meant(self, record: FilmRecord) -> int | None:
        """The film an imported record names: by its (folded title, year) key; where two films
        share that key (folding rules changed), the one titled exactly so, else refused."""
        title, year = clean_line(record.title), clean_year(record.year)
        key = (fold(title), year)
        film_id = self._index.film_keys.get(key)
        if film_id is None or key not in self._index.shared_keys:
            return film_id
        films = [f for f in self._index.films.values() if (self._index.folded_titles[f.id], f.year) == key]
        exact = [f.id for f in films if f.title == title]
        if len(exact) == 1:
            return exact[0]
        labels = ", ".join(repr(f.label) for f in films)
        raise ValidationError({"title": f"{title!r} could be any of {labels}; rename one of them first"})

    def export_films(self) -> tuple[list[tuple[Film, list[Review]]], list[Publication]]:
        """Every film (by title) with its reviews in page order, and every publication weight."""
        films = [(self._index.films[i], self.reviews(i)) for i in self._index.order(FilmSort.TITLE)]
        weights = [Publication(n, w) for n, w in sorted(self._index.weights.items(), key=lambda kv: fold(kv[0]))]
        return films, weights

    def replace_everything(self, tables: Tables) -> None:
        """Bulk-write a whole database in one atomic snapshot (the generator's fast path)."""
        self._storage.replace_all(tables)
        self._rebuild()

