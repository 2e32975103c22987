"""The questions the repository answers from its in-memory indexes: films in an order and under
filters, a film's reviews, critics, publications, profiles, and names close to a typed one.
Reading only: opening, writing and importing are store/repository.py's."""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from datetime import date

from store.domain import CriticProfile, Film, FilmSummary, Publication, Review, ReviewDraft
from store.errors import StoreError
from store.finding import FIND_STEP, FindProgress, holds, words_of
from store.indexes import Indexes
from store.names import close_matches
from store.records import review_from_record, validate_draft
from store.scoring import profile_from_tallies
from store.taste_queries import TasteQueries
from store.text import clean_line, fold
from store.views import FilmList, FilmSort, ReviewSort, sort_reviews


class Queries(TasteQueries):
    """Reads over the indexes (self._index), which the repository keeps current (the taste
    match's questions are in store/taste_queries.py)."""

    _index: Indexes

    @property
    def film_count(self) -> int:
        return len(self._index.films)

    @property
    def review_count(self) -> int:
        return self._index.review_count

    def film(self, film_id: int) -> Film:
        try:
            return self._index.films[film_id]
        except KeyError:
            raise StoreError(f"no film with id {film_id}") from None

    def weight_of(self, publication: str | None) -> float:
        return self._index.weight_of(publication)

    def summary(self, film_id: int, *, top_only: bool = False) -> FilmSummary:
        """What the film's reviews add up to (top_only: its top critics' reviews alone)."""
        self.film(film_id)
        return self._index.top_summary(film_id) if top_only else self._index.summary(film_id)

    def films(
        self,
        sort: FilmSort = FilmSort.TITLE,
        *,
        critic: str | None = None,
        title: str | None = None,
        critic_exact: bool = False,
        publication: str | None = None,
        top_only: bool = False,
    ) -> FilmList:
        """Films in the given order; critic, publication and title narrow them (case- and
        accent-insensitive; critic_exact: the critic named exactly so, and no other). With both a
        critic and a publication, a film is listed when one review matches both."""
        index = self._index
        order = index.top_order(sort) if top_only else index.order(sort)
        wanted: set[int] | dict[int, int] | None = None
        critics: list[str] | None = None
        if critic and critic.strip():
            critics = self.matching_critics(critic, exact=critic_exact)
            if len(critics) == 1:
                wanted = index.critic_films(critics[0])  # type: ignore[assignment]  # its keys are the films: no copy needed
            else:
                wanted = set()
                for name in critics:
                    wanted.update(index.critic_films(name))
        if publication and publication.strip():
            publications = self.matching_publications(publication)
            by_publication: set[int] = set()
            for name in publications:
                by_publication.update(index.publication_films_of(name))
            if wanted is not None and critics is not None:
                pairs = set(critics), set(publications)
                wanted = {
                    film_id for film_id in by_publication.intersection(wanted)
                    if any(
                        r.get("critic") in pairs[0] and r.get("publication") in pairs[1]
                        for r in index.peek_table(film_id).values()
                    )
                }
            else:
                wanted = by_publication
        if title and title.strip():
            needle = fold(title.strip())
            by_title = {i for i, folded in index.folded_titles.items() if needle in folded}
            wanted = by_title if wanted is None else by_title.intersection(wanted)
        if top_only:  # the films a top critic reviewed, summed up by their top critics alone
            top = index.top_films()
            wanted = top if wanted is None else top.intersection(wanted)
        ids = list(order) if wanted is None else list(filter(wanted.__contains__, order))
        if top_only:
            return FilmList(ids, lambda film_id: self.summary(film_id, top_only=True))
        return FilmList(ids, self.summary)

    def reviews(
        self,
        film_id: int,
        sort: ReviewSort = ReviewSort.PAGE,
        *,
        critic: str | None = None,
        critic_exact: bool = False,
        publication: str | None = None,
        text: str | None = None,
        top_only: bool = False,
    ) -> list[Review]:
        """A film's reviews (page order unless sorted); critic and publication narrow them like
        the film filter, text to the reviews whose excerpt holds its words (store/finding.py)."""
        self.film(film_id)
        selected = list(self._index.reviews(film_id))
        if critic and critic.strip():
            names = set(self.matching_critics(critic, exact=critic_exact))
            selected = [r for r in selected if r.critic in names]
        if publication and publication.strip():
            publications = set(self.matching_publications(publication))
            selected = [r for r in selected if r.publication in publications]
        if text and (words := words_of(text)):
            selected = [r for r in selected if holds(r.excerpt, words)]
        if top_only:
            selected = [r for r in selected if r.top_critic]
        return sort_reviews(selected, sort)

    def find(self, query: str, *, step: int = FIND_STEP) -> Iterator[FindProgress]:
        """Every review whose excerpt holds the query's words, film by film in title order, in
        steps of about `step` reviews looked at: a caller draws each step's finds and may stop
        between steps. The store may change between steps: each film is read when its turn
        comes (one deleted by then is skipped), and the total is the count when it started."""
        words = words_of(query)
        index = self._index
        total = self.review_count
        if not words:
            yield FindProgress((), total, total)
            return
        order = list(index.order(FilmSort.TITLE))
        looked_at = since = 0
        found: list[Review] = []
        for film_id in order:
            if not index.review_total(film_id):
                continue
            # A copy (a write between steps must not move this one); a film not read yet is read
            # and not kept, so a search over every film holds one film at a time.
            records = list(index.peek_table(film_id).items())
            matches = [
                review_from_record(int(key), film_id, record)
                for key, record in records
                if holds(record.get("excerpt") or "", words)
            ]
            matches.sort(key=lambda review: review.id)  # page order within the film
            found.extend(matches)
            looked_at += len(records)
            since += len(records)
            if since >= step:
                yield FindProgress(tuple(found), min(looked_at, total), total)
                found, since = [], 0
        yield FindProgress(tuple(found), total, total)

    def review(self, review_id: int) -> Review:
        film_id = self._index.film_of_review(review_id)
        if film_id is None:
            raise StoreError(f"no review with id {review_id}")
        return review_from_record(review_id, film_id, self._index.table_of(film_id)[str(review_id)])

    def has_review(self, review_id: int) -> bool:
        return self._index.film_of_review(review_id) is not None

    def critics(self) -> list[str]:
        """Every critic's name, for completion (uncredited reviews have none)."""
        folds = self._index.critic_folds
        return sorted(folds, key=lambda name: (folds[name], name))

    def prolific_critics(self, limit: int) -> list[tuple[str, int]]:
        """The critics with the most reviews, with their counts, most first (then by name)."""
        counts = self._index.critic_counts.items()
        return heapq.nsmallest(limit, counts, key=lambda pair: (-pair[1], self._index.critic_folds[pair[0]], pair[0]))

    def matching_critics(self, query: str, *, exact: bool = False) -> list[str]:
        """Critics whose name contains query, ignoring case and accents (exact: the critic whose
        name is query, as written)."""
        if exact:
            return [query] if query in self._index.critic_folds else []
        needle = fold(query.strip())
        if not needle:
            return []
        return [name for name, folded in self._index.critic_folds.items() if needle in folded]

    def matching_publications(self, query: str) -> list[str]:
        """Publications whose name contains query, ignoring case and accents."""
        needle = fold(query.strip())
        if not needle:
            return []
        return [name for name in self._index.publication_counts if needle in fold(name)]

    def suggest_critics(self, query: str, limit: int = 3) -> list[str]:
        """Critics whose names are close to query (did you mean), best first."""
        return close_matches(query, self._index.critic_folds, limit=limit)

    def publications(self) -> list[Publication]:
        names = set(self._index.publication_counts) | set(self._index.weights)
        return [Publication(name, self.weight_of(name)) for name in sorted(names, key=fold)]

    def critic_profile(self, query: str, *, exact: bool = False, top_only: bool = False) -> CriticProfile | None:
        """How the critics matching query score against each film's Metascore (top_only: their
        reviews as top critics, against each film's top critics' Metascore)."""
        names = self.matching_critics(query, exact=exact)
        if not names:
            return None
        exact = [name for name in names if fold(name) == fold(query.strip())]
        if exact:
            names = exact
        if top_only:
            return profile_from_tallies(sorted(names, key=fold), [self._index.top_tally(name) for name in names])
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

    def film_by_key(self, key: str) -> Film | None:
        """The film whose source key is key (as a dataset names it), or None."""
        film_id = self._index.source_keys.get(key)
        return None if film_id is None else self._index.films[film_id]

    def suggest_titles(self, title: str, limit: int = 3) -> list[str]:
        """Labels of the films whose titles are close to title (did you mean), best first."""
        index = self._index
        return [index.films[film_id].label for film_id in close_matches(title, index.folded_titles, limit=limit)]

    def validate(self, draft: ReviewDraft, *, today: date | None = None) -> dict[str, str]:
        """The reason for each field draft gets wrong; today refuses dates after tomorrow."""
        return validate_draft(draft, today)[1]

    def title_collisions(self) -> list[str]:
        """Films whose (folded title, year) keys collide, one line each (a change of folding
        rules can make 'Soren' and 'Søren' fold alike; both stay listed, nothing merges them)."""
        index = self._index
        collisions = []
        for film_id in sorted(index.films):
            film = index.films[film_id]
            if film.key is not None:
                continue  # a keyed film is its key: titles may repeat across keys
            key = (index.folded_titles[film_id], film.year)
            holder = index.film_keys.get(key, film_id)
            if holder != film_id:
                year = "no year" if film.year is None else film.year
                collisions.append(
                    f"films {holder} and {film_id} now share the title key {key[0]!r} ({year}): "
                    "rename one (critics has no merge)"
                )
        return collisions
