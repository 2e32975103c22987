"""The taste-match questions the repository answers (store/taste.py does the arithmetic): the
critics who agree with a critic, and what those critics loved that the critic has not reviewed.
Mixed into Queries; the score columns are built on the first question and kept until a change."""

from __future__ import annotations

from store.errors import StoreError
from store.indexes import Indexes
from store.names import close_matches
from store.taste import (
    MIN_SHARED,
    MatchResult,
    RecommendationResult,
    TasteColumns,
    columns_from_postings,
    match,
    recommend,
)

# A write on the browser's thread while a worker reads every table: read again (rarely needed).
_BUILD_ATTEMPTS = 5


class TasteQueries:
    """Needs self._index (Indexes) and self.film (Queries)."""

    _index: Indexes
    _taste: tuple[Indexes, int, TasteColumns] | None = None

    def taste_columns(self) -> TasteColumns:
        """The score columns of every (critic, film) pair, built from every critic's posting in the
        digest once (no review is read: Indexes.critic_postings) and kept while
        Indexes.generation stands still (any change builds them again)."""
        index = self._index
        cached = self._taste
        if cached is not None and cached[0] is index and cached[1] == index.generation:
            return cached[2]
        columns = None
        for _ in range(_BUILD_ATTEMPTS):
            generation = index.generation
            try:
                columns = columns_from_postings(index.critic_postings(), index.peek_table)
            except RuntimeError:  # a table changed size while it was read (a write on another thread)
                continue
            if index.generation == generation:
                break
        if columns is None:
            raise StoreError("the database kept changing while the taste match read it: try again")
        self._taste = (index, generation, columns)
        return columns

    def taste_critic(self, name: str) -> str:
        """The critic named name (ignoring case and accents), as most of their reviews spell it; an
        unknown name is a StoreError naming close ones."""
        columns = self.taste_columns()
        code = columns.critic_code(name)
        if code is None:
            close = close_matches(name, dict(zip(columns.names, columns.folds)), limit=3)
            hint = f"; did you mean: {', '.join(close)}?" if close else ""
            raise StoreError(f"no critic named {name.strip()!r}{hint}")
        return columns.names[code]

    def match(self, critic: str, min_shared: int = MIN_SHARED, limit: int | None = 20) -> MatchResult:
        """The critics whose scores follow critic's, best first (docs/taste.md); limit None: all."""
        columns = self.taste_columns()
        self.taste_critic(critic)
        found = match(columns, columns.critic_code(critic), min_shared)  # type: ignore[arg-type]
        return MatchResult(found.critic, found.matches[:limit], found.reason)

    def recommend(self, critic: str, limit: int | None = 20) -> RecommendationResult:
        """Films critic has not reviewed that the critics agreeing with them scored, best first."""
        return self.taste(critic, limit=limit)[1]

    def taste(self, critic: str, limit: int | None = None) -> tuple[MatchResult, RecommendationResult]:
        """Both answers at once (the browser's view): the matches, then the recommendations
        computed from all of them (limit cuts only what is returned)."""
        columns = self.taste_columns()
        self.taste_critic(critic)
        code = columns.critic_code(critic)
        assert code is not None
        matches = match(columns, code, MIN_SHARED)
        found = recommend(columns, code, matches, self.film)  # type: ignore[attr-defined]
        return (
            MatchResult(matches.critic, matches.matches[:limit], matches.reason),
            RecommendationResult(found.critic, found.recommendations[:limit], found.reason),
        )
