"""The in-memory indexes over the stored records, and the rules that keep them current.

Plain Python over plain dicts (the tables as store/storage.py holds them), so no query scans
every review and every rule is tested without a database. The rules (docs/architecture.md):
- a change of one review is indexed as that review (the old record unindexed, the new one
  indexed), so a write costs the same for a 1-review film and a 200,000-review film; a whole
  table is indexed at open;
- caches (summaries, review lists, orders, critic tallies) are dropped for exactly what a
  change can move: a film's reviews move its summary, its Metascore-based orders and the
  tallies of every critic who reviewed it; a weight moves every summary and tally;
- one string object per critic or publication name, shared by all their reviews.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator, Mapping

from store import scoring
from store.domain import Film, FilmSummary, Review
from store.records import (
    FILMS,
    META,
    PUBLICATIONS,
    Record,
    WrongShape,
    film_from_record,
    SENTIMENTS,
    film_of_table,
    review_from_record,
    valid_weight,
)
from store.scoring import CriticTally, tally_reviews
from store.text import fold
from store.views import FilmSort

Table = Mapping[str, Record]
# Past this many critics without a tally, one pass over every review is cheaper than
# reading each critic's films (a one-letter filter matches nearly every critic).
TALLY_SWEEP_AFTER = 50
TALLY_DROP_ALL_AFTER = 256
_SENTIMENT_VALUES = {value: value for value in SENTIMENTS}


class Indexes:
    """Films, review locations, critics, publications, id counters, and the caches scored from them."""

    def __init__(self) -> None:
        self.films: dict[int, Film] = {}
        # Film identity (docs/architecture.md): a film with a source key is that key; one without
        # is its (folded title, year), which only films without a key hold in film_keys.
        self.film_keys: dict[tuple[str, int | None], int] = {}  # (folded title, year) -> film
        self.shared_keys: set[tuple[str, int | None]] = set()  # keys two films fold to (see add_film)
        self.source_keys: dict[str, int] = {}  # a film's source key -> film
        self.keyed_titles: dict[tuple[str, int | None], list[int]] = {}  # keyed films by (folded title, year)
        self.folded_titles: dict[int, str] = {}
        self.film_reviews: dict[int, Table] = {}  # film -> its reviews table as indexed
        self.review_film: dict[int, int] = {}
        self.critic_films: dict[str, dict[int, int]] = {}  # critic -> film -> reviews
        self.critic_folds: dict[str, str] = {}
        self.publication_counts: dict[str, int] = {}
        self.weights: dict[str, float] = {}
        self.publication_ids: dict[str, int] = {}
        self.next_review = 1
        self.next_film = 1
        self._names: dict[str, str] = {}  # one shared string per critic or publication name
        self._summaries: dict[int, FilmSummary] = {}
        self._review_lists: dict[int, tuple[Review, ...]] = {}
        self._tallies: dict[str, CriticTally] = {}
        self._orders: dict[FilmSort, list[int]] = {}
        self._publication_films: tuple[int, dict[str, set[int]]] | None = None  # built when first asked
        # Counts changes: what is built outside the caches above (top critics' films and
        # orders) is checked against it rather than dropped at every place a change lands.
        self.generation = 0
        self._top_films: tuple[int, set[int]] | None = None
        self._top_orders: dict[FilmSort, tuple[int, list[int]]] = {}

    @classmethod
    def build(cls, tables: Mapping[str, Table]) -> "Indexes":
        """Index a whole database; WrongShape (or a KeyError/TypeError) for a record Critics did not write."""
        indexes = cls()
        indexes.load_films(tables.get(FILMS, {}))
        indexes.load_publications(tables.get(PUBLICATIONS, {}))
        indexes.load_counters(tables.get(META, {}))
        for name, table in tables.items():
            film_id = film_of_table(name)
            if film_id is not None:
                indexes.index_film(film_id, table)
        if indexes.review_film:  # ids only grow, whatever the stored counter says
            indexes.next_review = max(indexes.next_review, max(indexes.review_film) + 1)
        return indexes

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
        self._summaries.clear()
        self._tallies.clear()
        self._orders.pop(FilmSort.METASCORE, None)

    def load_counters(self, table: Table) -> None:
        """Take the stored id counters; ids only grow, so a counter never moves back."""
        counters = table.get("1", {})
        next_review, next_film = counters.get("review", 1), counters.get("film", 1)
        if type(next_review) is not int or type(next_film) is not int:
            raise WrongShape("its id counters are not numbers")
        self.next_review = max(self.next_review, next_review)
        self.next_film = max(self.next_film, next_film)

    def index_film(self, film_id: int, table: Table | None) -> None:
        """Bring the indexes for one film's reviews in line with its table (add or replace)."""
        self.generation += 1
        old = self.film_reviews.pop(film_id, None)
        # This film's Metascore may move, which changes how each of its critics compares.
        for records in (old, table):
            if records and self._tallies:
                for record in records.values():
                    self._tallies.pop(record.get("critic"), None)
        if old:
            self._unindex(film_id, old)
        self._summaries.pop(film_id, None)
        self._review_lists.pop(film_id, None)
        if old is not None or table:
            self._orders.pop(FilmSort.METASCORE, None)
            self._orders.pop(FilmSort.REVIEWS, None)
        if not table:
            return
        self.film_reviews[film_id] = table
        self.review_film.update(dict.fromkeys(map(int, table), film_id))
        self._index_reviews(film_id, table)

    def review_changed(
        self, film_id: int, key: str, old: Record | None, new: Record | None, table: Table | None
    ) -> None:
        """One review put (old None: added) or removed (new None); table is the film's reviews
        now, None when none are left. Costs one review, not the film's size."""
        self.generation += 1
        if old is not None:
            self._unindex(film_id, {key: old})
        if new is not None:
            self._index_reviews(film_id, {key: new})
            self.review_film[int(key)] = film_id
        if table:
            self.film_reviews[film_id] = table
        else:
            self.film_reviews.pop(film_id, None)
        self._summaries.pop(film_id, None)
        self._review_lists.pop(film_id, None)
        self._orders.pop(FilmSort.METASCORE, None)
        self._orders.pop(FilmSort.REVIEWS, None)
        if self._tallies:
            # The film's Metascore may move, which changes how each of its critics compares;
            # past a few hundred reviews, dropping every tally is cheaper than finding them.
            if table and len(table) > TALLY_DROP_ALL_AFTER:
                self._tallies.clear()
            else:
                for record in (old, new, *(table or {}).values()):
                    if record is not None:
                        self._tallies.pop(record.get("critic"), None)

    def _unindex(self, film_id: int, old: Table) -> None:
        for key, record in old.items():
            self.review_film.pop(int(key), None)
            critic = record.get("critic")
            if critic is not None:
                films = self.critic_films[critic]
                films[film_id] -= 1
                if not films[film_id]:
                    del films[film_id]
                    if not films:
                        del self.critic_films[critic]
                        self.critic_folds.pop(critic, None)
            publication = record.get("publication")
            if publication is not None:
                self.publication_counts[publication] -= 1
                if not self.publication_counts[publication]:
                    del self.publication_counts[publication]

    def _index_reviews(self, film_id: int, table: Table) -> None:
        critic_films = self.critic_films
        publication_counts = self.publication_counts
        names = self._names
        # One visit per review: check its shape, share repeated names (one string object for
        # all of a critic's reviews) and index it. Critic and publication are handled inline,
        # not by a shared helper: this is the hottest loop at open (200,000 passes).
        try:
            for key, record in table.items():
                critic = record.get("critic")
                publication = record.get("publication")
                score = record.get("score")
                sentiment = record.get("sentiment")
                if (
                    type(record.get("excerpt", "")) is not str
                    or (score is not None and (type(score) is not int or not 0 <= score <= 100))
                    or type(record.get("date") or "") is not str
                    or type(record.get("grade") or "") is not str
                    or type(record.get("top_critic", False)) is not bool
                    or type(record.get("source_id") or "") is not str
                    or not (record.get("excerpt") or record.get("grade") or sentiment)  # says nothing
                ):
                    raise WrongShape(f"review {key} of film {film_id} has the wrong shape (or a score outside 0-100)")
                if sentiment is not None:
                    shared = _SENTIMENT_VALUES.get(sentiment) if type(sentiment) is str else None
                    if shared is None:
                        raise WrongShape(f"review {key} of film {film_id} has a call that is not positive, mixed or negative")
                    record["sentiment"] = shared  # one string object for all (memory)
                if critic is not None:
                    same = names.get(critic)
                    if same is None:
                        if type(critic) is not str:
                            raise WrongShape(f"review {key} of film {film_id} has a 'critic' that is not text")
                        names[critic] = critic
                        critic_films[critic] = films = {}
                        self.critic_folds[critic] = fold(critic)
                    else:
                        record["critic"] = critic = same
                        films = critic_films.get(critic)
                        if films is None:
                            critic_films[critic] = films = {}
                            self.critic_folds[critic] = fold(critic)
                    films[film_id] = films.get(film_id, 0) + 1
                if publication is not None:
                    same = names.get(publication)
                    if same is None:
                        if type(publication) is not str:
                            raise WrongShape(f"review {key} of film {film_id} has a 'publication' that is not text")
                        names[publication] = publication
                    else:
                        record["publication"] = publication = same
                    publication_counts[publication] = publication_counts.get(publication, 0) + 1
        except TypeError:  # an unhashable name (a list, say) from a hand-edited file
            for key, record in table.items():
                for field in ("critic", "publication"):
                    if type(record.get(field) or "") is not str:
                        raise WrongShape(f"review {key} of film {film_id} has a {field!r} that is not text") from None
            raise

    def film_tables(self) -> Iterator[tuple[int, Table]]:
        """Every film that has reviews, with its reviews table (review id as text -> record), for a
        pass over every review (a taste match's columns). Read only: the tables are the store's."""
        return iter(list(self.film_reviews.items()))

    # -- derived, cached until a change can move them -----------------------------------------

    def weight_of(self, publication: str | None) -> float:
        if publication is None:
            return 1.0
        return self.weights.get(publication, 1.0)

    def summary(self, film_id: int) -> FilmSummary:
        """The film's summary (the film must exist)."""
        cached = self._summaries.get(film_id)
        if cached is None:
            records = self.film_reviews.get(film_id, {}).values()
            cached = scoring.summarize_scores(
                self.films[film_id],
                [(r.get("score"), r.get("publication"), r.get("sentiment"), r.get("top_critic", False)) for r in records],
                self.weight_of,
            )
            self._summaries[film_id] = cached
        return cached

    def reviews(self, film_id: int, *, keep: bool = True) -> tuple[Review, ...]:
        """The film's reviews in id (page) order; kept for the next call unless keep is False
        (an export reads every film once: keeping them all would double its memory)."""
        reviews = self._review_lists.get(film_id)
        if reviews is None:
            table = self.film_reviews.get(film_id, {})
            reviews = tuple(review_from_record(int(key), film_id, table[key]) for key in sorted(table, key=int))
            if keep:
                self._review_lists[film_id] = reviews
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
            key = lambda i: (-len(self.film_reviews.get(i, ())), titles[i], i)
        else:
            def key(i: int) -> Any:
                metascore = self.summary(i).metascore
                return (metascore is None, -(metascore or 0), titles[i], i)
        order = sorted(films, key=key)
        self._orders[sort] = order
        return order

    def publication_films(self) -> dict[str, set[int]]:
        """Each publication's films. Built on the first publication filter rather than at open (one
        more dict per review would slow every open for a filter few use), again after a change."""
        if self._publication_films is None or self._publication_films[0] != self.generation:
            built: dict[str, set[int]] = {}
            for film_id, table in self.film_reviews.items():
                for record in table.values():
                    publication = record.get("publication")
                    if publication is not None:
                        films = built.get(publication)
                        if films is None:
                            built[publication] = films = set()
                        films.add(film_id)
            self._publication_films = (self.generation, built)
        return self._publication_films[1]

    def top_films(self) -> set[int]:
        """The films a top critic reviewed (t: top critics only), built when asked."""
        if self._top_films is None or self._top_films[0] != self.generation:
            films = {
                film_id for film_id, table in self.film_reviews.items()
                if any(record.get("top_critic") for record in table.values())
            }
            self._top_films = (self.generation, films)
        return self._top_films[1]

    def top_summary(self, film_id: int) -> FilmSummary:
        """What the film's top critics' reviews add up to on their own (the film must exist)."""
        records = [r for r in self.film_reviews.get(film_id, {}).values() if r.get("top_critic")]
        return scoring.summarize_scores(
            self.films[film_id],
            [(r.get("score"), r.get("publication"), r.get("sentiment"), True) for r in records],
            self.weight_of,
        )

    def top_order(self, sort: FilmSort) -> list[int]:
        """The films in this order by their top critics' summaries (Metascore, reviews)."""
        cached = self._top_orders.get(sort)
        if cached is not None and cached[0] == self.generation:
            return cached[1]
        titles = self.folded_titles
        if sort is FilmSort.METASCORE:
            scores = {i: self.top_summary(i).metascore for i in self.films}
            key: Callable[[int], Any] = lambda i: (scores[i] is None, -(scores[i] or 0), titles[i], i)
        elif sort is FilmSort.REVIEWS:
            counts = {i: self.top_summary(i).reviews for i in self.films}
            key = lambda i: (-counts[i], titles[i], i)
        else:
            return self.order(sort)
        order = sorted(self.films, key=key)
        self._top_orders[sort] = (self.generation, order)
        return order

    def tallies(self, critics: list[str]) -> list[CriticTally]:
        """How each critic scores against each film's Metascore."""
        missing = {name for name in critics if name not in self._tallies}
        if len(missing) > TALLY_SWEEP_AFTER:
            pairs: dict[str, list[tuple[int | None, int | None]]] = {name: [] for name in missing}
            for film_id, table in self.film_reviews.items():
                metascore = None
                for record in table.values():
                    found = pairs.get(record.get("critic"))
                    if found is not None:
                        if metascore is None:
                            metascore = self.summary(film_id).metascore
                        found.append((record.get("score"), metascore))
            for name, found in pairs.items():
                self._tallies[name] = tally_reviews(found)
        return [self._tally(name) for name in critics]

    def _tally(self, critic: str) -> CriticTally:
        tally = self._tallies.get(critic)
        if tally is None:
            pairs = []
            for film_id in self.critic_films.get(critic, {}):
                metascore = self.summary(film_id).metascore
                for record in self.film_reviews[film_id].values():
                    if record.get("critic") == critic:
                        pairs.append((record.get("score"), metascore))
            tally = tally_reviews(pairs)
            self._tallies[critic] = tally
        return tally
