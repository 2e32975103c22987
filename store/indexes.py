"""The in-memory indexes over the stored records, and the rules that keep them current.

Plain Python over plain dicts: the films, publications and counters are read whole; the reviews
are counted by the storage's digest (store/digest.py: per film, per critic, per publication) and
each film's reviews are read from the storage only when asked for, so opening reads no review and
no query scans every review. The rules (docs/architecture.md):
- a change of one review is counted as that review by the digest, so a write costs the same for
  a 1-review film and a 200,000-review film;
- caches (summaries, review lists, orders, critic tallies) are dropped for exactly what a
  change can move: a film's reviews move its summary, its Metascore-based orders and the
  tallies of every critic who reviewed it; a weight moves every summary and tally.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator, Mapping, Protocol

from store import scoring
from store.digest import (
    COUNT,
    P_SCORED,
    P_SUM,
    P_TOP_SCORED,
    P_TOP_SUM,
    SCORE_SUM,
    SCORED,
    TOP,
    TOP_CODE,
    TOP_SCORE_SUM,
    TOP_SCORED,
    Digest,
    code_score,
    film_summary,
)
from store.domain import Film, FilmSummary, Review
from store.records import (
    FILMS,
    META,
    PUBLICATIONS,
    Record,
    WrongShape,
    film_from_record,
    review_from_record,
    reviews_table,
    valid_weight,
)
from store.scoring import CriticTally, tally_reviews
from store.text import fold
from store.views import FilmSort

Table = Mapping[str, Record]
# Past a few hundred reviews in a changed film, dropping every tally is cheaper than finding
# the film's critics.
TALLY_DROP_ALL_AFTER = 256


class Source(Protocol):
    """Where the indexes read tables and the digest from (store/storage.py's JournaledStorage)."""

    digest: Digest

    def table(self, name: str) -> Table: ...

    def peek(self, name: str) -> Table: ...

    def is_loaded(self, name: str) -> bool: ...


class HeldTables:
    """A Source over tables already in memory (tests, and tools that hold a whole database)."""

    def __init__(self, tables: Mapping[str, Table]) -> None:
        self._tables = tables
        self.digest = Digest.build(tables)

    def table(self, name: str) -> Table:
        return self._tables.get(name, {})

    peek = table

    def is_loaded(self, name: str) -> bool:
        return True


class Indexes:
    """Films, publications, id counters, and what the digest and the reviews are scored into."""

    def __init__(self, source: Source | None = None) -> None:
        self._source: Source = source if source is not None else HeldTables({})
        self.films: dict[int, Film] = {}
        # Film identity (docs/architecture.md): a film with a source key is that key; one without
        # is its (folded title, year), which only films without a key hold in film_keys.
        self.film_keys: dict[tuple[str, int | None], int] = {}  # (folded title, year) -> film
        self.shared_keys: set[tuple[str, int | None]] = set()  # keys two films fold to (see add_film)
        self.source_keys: dict[str, int] = {}  # a film's source key -> film
        self.keyed_titles: dict[tuple[str, int | None], list[int]] = {}  # keyed films by (folded title, year)
        self.folded_titles: dict[int, str] = {}
        self.weights: dict[str, float] = {}
        self.publication_ids: dict[str, int] = {}
        self.next_review = 1
        self.next_film = 1
        self._weighted: list[tuple[str, float]] = []  # publications whose weight is not 1
        self._summaries: dict[int, FilmSummary] = {}
        self._review_lists: dict[int, tuple[Review, ...]] = {}
        # Reviews listed or written in this process -> their film: an edit of one is found without
        # looking through every film's id span (film_of_review).
        self._seen_reviews: dict[int, int] = {}
        self._tallies: dict[str, CriticTally] = {}
        self._orders: dict[FilmSort, list[int]] = {}
        # Counts changes: what is built outside the caches above (top critics' films and
        # orders) is checked against it rather than dropped at every place a change lands.
        self.generation = 0
        self._top_films: tuple[int, set[int]] | None = None
        self._top_orders: dict[FilmSort, tuple[int, list[int]]] = {}

    @classmethod
    def build(cls, source: Source | Mapping[str, Table]) -> "Indexes":
        """Index a database (its storage, or its tables held in memory); WrongShape (or a
        KeyError/TypeError) for a record Critics did not write."""
        if not hasattr(source, "digest"):
            source = HeldTables(source)  # type: ignore[arg-type]
        indexes = cls(source)  # type: ignore[arg-type]
        indexes.load_films(source.table(FILMS))  # type: ignore[union-attr]
        indexes.load_publications(source.table(PUBLICATIONS))  # type: ignore[union-attr]
        indexes.load_counters(source.table(META))  # type: ignore[union-attr]
        return indexes

    @property
    def digest(self) -> Digest:
        return self._source.digest

    # -- what the digest counts -------------------------------------------------------------

    @property
    def critic_folds(self) -> dict[str, str]:
        """Every critic (with reviews) -> their folded name."""
        return self.digest.critic_folds

    @property
    def critic_counts(self) -> dict[str, int]:
        return self.digest.critics

    @property
    def publication_counts(self) -> dict[str, int]:
        return self.digest.publications

    @property
    def review_count(self) -> int:
        return self.digest.reviews

    def critic_films(self, critic: str) -> Mapping[int, list[int]]:
        """The films a critic reviewed (its keys), each with a code per review (digest.review_code)."""
        return self.digest.critic_films(critic)

    def publication_films_of(self, publication: str) -> Mapping[int, list[int]]:
        """The films a publication reviewed (its keys)."""
        return self.digest.publication_films(publication)

    def review_total(self, film_id: int) -> int:
        vector = self.digest.films.get(film_id)
        return vector[COUNT] if vector else 0

    def table_of(self, film_id: int) -> Table:
        """A film's reviews table (read from disk when first asked for, then kept)."""
        return self._source.table(reviews_table(film_id))

    def peek_table(self, film_id: int) -> Table:
        """A film's reviews table, not kept if it was still on disk (a pass over every film)."""
        return self._source.peek(reviews_table(film_id))

    def film_tables(self) -> Iterator[tuple[int, Table]]:
        """Every film that has reviews, with its reviews table (review id as text -> record), for a
        pass over every review (taste.build_columns, the reference the taste match's columns are
        tested against). Read only: the tables are the store's."""
        for film_id in list(self.digest.films):
            yield film_id, self.peek_table(film_id)

    def critic_postings(self) -> Iterator[tuple[str, int, Mapping[int, list[int]]]]:
        """Every critic as written, with their review count and posting (film -> a code per review,
        digest.review_code): a pass over every critic's reviews without reading one (the taste
        match's columns). Postings not read yet are read and not kept."""
        digest = self.digest
        for name, count in list(digest.critics.items()):
            yield name, count, digest.critic_films(name, keep=False)

    def film_of_review(self, review_id: int) -> int | None:
        """The film holding a review: the films whose id span covers it, those read already first."""
        key = str(review_id)
        seen = self._seen_reviews.get(review_id)
        if seen is not None and key in self._source.peek(reviews_table(seen)):
            return seen
        candidates = self.digest.films_holding(review_id)
        candidates.sort(key=lambda film_id: not self._source.is_loaded(reviews_table(film_id)))
        for film_id in candidates:
            if key in self._source.peek(reviews_table(film_id)):
                return film_id
        return None

    # -- keeping them current ---------------------------------------------------------------

    def load_films(self, table: Table) -> None:
        self.generation += 1
        self.films.clear()
        self.film_keys.clear()
        self.shared_keys.clear()
        self.source_keys.clear()
        self.keyed_titles.clear()
        self.folded_titles.clear()
        for key, record in table.items():
            self.add_film(film_from_record(key, record))
        self._summaries.clear()
        self._orders.clear()

    def add_film(self, film: Film) -> None:
        """Index a film. Two films whose (folded title, year) keys collide (a change of folding
        rules can do it: 'Soren' and 'Søren') are both kept in films and folded_titles, and the
        key names the lower id; Repository.warnings reports the other, nothing merges them."""
        self.generation += 1
        folded = fold(film.title)
        self.films[film.id] = film
        key = (folded, film.year)
        self.folded_titles[film.id] = folded
        self.next_film = max(self.next_film, film.id + 1)
        if film.key is not None:
            # Titles repeat across source keys ("The Addams Family" (2019) twice): no collision.
            holder = self.source_keys.get(film.key)
            if holder is not None and holder != film.id:
                raise WrongShape(f"films {holder} and {film.id} have the same key {film.key!r}")
            self.source_keys[film.key] = film.id
            self.keyed_titles.setdefault(key, []).append(film.id)
            return
        holder = self.film_keys.get(key)
        if holder is None or film.id <= holder:
            self.film_keys[key] = film.id
        if holder is not None and holder != film.id:
            self.shared_keys.add(key)

    def replace_film(self, old: Film, new: Film) -> None:
        """Index a keyed film under its new title or year (an import naming it mid-transaction;
        the films table is read whole again once the transaction commits)."""
        self.generation += 1
        if old.key is not None:
            same_title = self.keyed_titles.get((self.folded_titles[old.id], old.year), [])
            if old.id in same_title:
                same_title.remove(old.id)
        self.add_film(new)
        self._summaries.pop(new.id, None)
        self._orders.clear()

    def load_publications(self, table: Table) -> None:
        self.generation += 1
        self.weights = {}
        self.publication_ids = {}
        for key, record in table.items():
            if type(record["name"]) is not str or not valid_weight(record["weight"]):
                raise WrongShape(f"publication {key} has the wrong shape (a weight is a number from 0 to 100)")
            self.weights[record["name"]] = record["weight"]
            self.publication_ids[record["name"]] = int(key)
        self._weighted = [(name, weight) for name, weight in self.weights.items() if weight != 1]
        self._summaries.clear()
        self._tallies.clear()
        self._orders.pop(FilmSort.METASCORE, None)

    def load_counters(self, table: Table) -> None:
        """Take the stored id counters; ids only grow, so a counter never moves back (nor below
        the highest id the digest has seen)."""
        counters = table.get("1", {})
        next_review, next_film = counters.get("review", 1), counters.get("film", 1)
        if type(next_review) is not int or type(next_film) is not int:
            raise WrongShape("its id counters are not numbers")
        self.next_review = max(self.next_review, next_review, self.digest.max_review + 1)
        self.next_film = max(self.next_film, next_film)

    def index_film(self, film_id: int) -> None:
        """A film's reviews changed as a whole (an import's new film, a TinyDB write)."""
        self.generation += 1
        self._summaries.pop(film_id, None)
        self._review_lists.pop(film_id, None)
        self._orders.pop(FilmSort.METASCORE, None)
        self._orders.pop(FilmSort.REVIEWS, None)
        self._tallies.clear()

    def review_changed(self, film_id: int, old: Record | None, new: Record | None, review_id: int | None = None) -> None:
        """One review put (old None: added) or removed (new None), already counted by the
        digest: drops what it can move. Costs one review, not the film's size."""
        self.generation += 1
        if review_id is not None:
            if new is None:
                self._seen_reviews.pop(review_id, None)
            else:
                self._seen_reviews[review_id] = film_id
        self._summaries.pop(film_id, None)
        self._review_lists.pop(film_id, None)
        self._orders.pop(FilmSort.METASCORE, None)
        self._orders.pop(FilmSort.REVIEWS, None)
        if self._tallies:
            # The film's Metascore may move, which changes how each of its critics compares;
            # past a few hundred reviews, dropping every tally is cheaper than finding them.
            table = self.table_of(film_id)
            if len(table) > TALLY_DROP_ALL_AFTER:
                self._tallies.clear()
            else:
                for record in (old, new, *table.values()):
                    if record is not None:
                        self._tallies.pop(record.get("critic"), None)

    # -- derived, cached until a change can move them -----------------------------------------

    def weight_of(self, publication: str | None) -> float:
        if publication is None:
            return 1.0
        return self.weights.get(publication, 1.0)

    def _groups(self, film_id: int, vector: list[int], top: bool) -> list[tuple[float, int, int]]:
        """The film's scores grouped by weight: the weighted publications' own, the rest at 1."""
        total, count = (vector[TOP_SCORE_SUM], vector[TOP_SCORED]) if top else (vector[SCORE_SUM], vector[SCORED])
        groups = []
        for name, weight in self._weighted:
            sums = self.digest.publication_films(name).get(film_id)
            if sums is not None:
                part = (sums[P_TOP_SUM], sums[P_TOP_SCORED]) if top else (sums[P_SUM], sums[P_SCORED])
                groups.append((weight, *part))
                total -= part[0]
                count -= part[1]
        groups.append((1, total, count))
        return groups

    def summary(self, film_id: int) -> FilmSummary:
        """The film's summary (the film must exist), from the digest: no review is read."""
        cached = self._summaries.get(film_id)
        if cached is None:
            vector = self.digest.films.get(film_id)
            if vector is None:
                cached = film_summary(self.films[film_id], None, [], [])
            else:
                cached = film_summary(
                    self.films[film_id], vector, self._groups(film_id, vector, False), self._groups(film_id, vector, True)
                )
            self._summaries[film_id] = cached
        return cached

    def reviews(self, film_id: int, *, keep: bool = True) -> tuple[Review, ...]:
        """The film's reviews in id (page) order; kept for the next call unless keep is False
        (an export reads every film once: keeping them all would hold the whole database)."""
        reviews = self._review_lists.get(film_id)
        if reviews is None:
            table = self.table_of(film_id) if keep else self.peek_table(film_id)
            reviews = tuple(review_from_record(int(key), film_id, table[key]) for key in sorted(table, key=int))
            if keep:
                self._review_lists[film_id] = reviews
                self._seen_reviews.update(dict.fromkeys((review.id for review in reviews), film_id))
        return reviews

    def order(self, sort: FilmSort) -> list[int]:
        """Every film's id in the given order (ties broken by title, then id)."""
        order = self._orders.get(sort)
        if order is not None:
            return order
        titles = self.folded_titles
        films = self.films
        if sort is FilmSort.TITLE:
            key: Callable[[int], Any] = lambda i: (titles[i], films[i].year or 0, i)
        elif sort is FilmSort.YEAR:
            key = lambda i: (-(films[i].year or 0), titles[i], i)
        elif sort is FilmSort.REVIEWS:
            key = lambda i: (-self.review_total(i), titles[i], i)
        else:
            metascores = self.metascores(top=False)
            key = lambda i: (metascores[i] is None, -(metascores[i] or 0), titles[i], i)
        order = sorted(films, key=key)
        self._orders[sort] = order
        return order

    def metascores(self, *, top: bool) -> dict[int, int | None]:
        """Every film's Metascore (top: its top critics'), from the digest in one pass: the same
        numbers as summary(), without building a summary per film (an order needs only these)."""
        vectors = self.digest.films
        weighted = [(weight, self.digest.publication_films(name)) for name, weight in self._weighted]
        total_at, count_at, sum_at, scored_at = (
            (TOP_SCORE_SUM, TOP_SCORED, P_TOP_SUM, P_TOP_SCORED) if top else (SCORE_SUM, SCORED, P_SUM, P_SCORED)
        )
        least = scoring.MIN_SCORED_FOR_METASCORE
        found: dict[int, int | None] = {}
        for film_id in self.films:
            vector = vectors.get(film_id)
            if vector is None:
                found[film_id] = None
                continue
            total, count = vector[total_at], vector[count_at]
            groups = []
            for weight, posting in weighted:
                sums = posting.get(film_id)
                if sums is not None and sums[scored_at]:
                    groups.append((weight, sums[sum_at], sums[scored_at]))
                    total -= sums[sum_at]
                    count -= sums[scored_at]
            if groups:
                groups.append((1, total, count))
                found[film_id] = scoring.metascore_of_sums(groups)
            else:  # every score at weight 1: metascore_of_sums' arithmetic, inline
                found[film_id] = None if count < least else (2 * total + count) // (2 * count)
        return found

    def top_films(self) -> set[int]:
        """The films a top critic reviewed (t: top critics only)."""
        if self._top_films is None or self._top_films[0] != self.generation:
            films = {film_id for film_id, vector in self.digest.films.items() if vector[TOP]}
            self._top_films = (self.generation, films)
        return self._top_films[1]

    def top_summary(self, film_id: int) -> FilmSummary:
        """What the film's top critics' reviews add up to on their own (the film must exist):
        read from its reviews (a film on screen)."""
        records = [r for r in self.table_of(film_id).values() if r.get("top_critic")]
        return scoring.summarize_scores(
            self.films[film_id],
            [(r.get("score"), r.get("publication"), r.get("sentiment"), True) for r in records],
            self.weight_of,
        )

    def top_metascore(self, film_id: int) -> int | None:
        """The film's top critics' Metascore, from the digest."""
        return self.summary(film_id).top_critics.metascore

    def top_order(self, sort: FilmSort) -> list[int]:
        """The films in this order by their top critics' summaries (Metascore, reviews)."""
        cached = self._top_orders.get(sort)
        if cached is not None and cached[0] == self.generation:
            return cached[1]
        titles = self.folded_titles
        if sort is FilmSort.METASCORE:
            scores = self.metascores(top=True)
            key: Callable[[int], Any] = lambda i: (scores[i] is None, -(scores[i] or 0), titles[i], i)
        elif sort is FilmSort.REVIEWS:
            films = self.digest.films
            counts = {i: films[i][TOP] if i in films else 0 for i in self.films}
            key = lambda i: (-counts[i], titles[i], i)
        else:
            return self.order(sort)
        order = sorted(self.films, key=key)
        self._top_orders[sort] = (self.generation, order)
        return order

    def tallies(self, critics: list[str]) -> list[CriticTally]:
        """How each critic scores against each film's Metascore."""
        return [self._tally(name) for name in critics]

    def _tally(self, critic: str) -> CriticTally:
        tally = self._tallies.get(critic)
        if tally is None:
            pairs = []
            for film_id, codes in self.critic_films(critic).items():
                metascore = self.summary(film_id).metascore
                pairs.extend((code_score(code), metascore) for code in codes)
            tally = tally_reviews(pairs)
            self._tallies[critic] = tally
        return tally

    def top_tally(self, critic: str) -> CriticTally:
        """The critic's reviews as a top critic against each film's top critics' Metascore."""
        pairs = []
        for film_id, codes in self.critic_films(critic).items():
            top = [code for code in codes if code & TOP_CODE]
            if top:
                metascore = self.top_metascore(film_id)
                pairs.extend((code_score(code), metascore) for code in top)
        return tally_reviews(pairs)
