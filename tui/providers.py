"""Command palette entries: jump to a film, filter by a critic, set a publication weight (themes are built in)."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from store.views import FilmSort
from tui.messages import CriticFilterChanged, FilmChosen, PublicationWeightChanged
from tui.plain import counted, highlighted, one_line

if TYPE_CHECKING:
    from store.repository import Repository

# Fuzzy matching is done in Python per candidate: above this many films, narrow by substring first.
FUZZY_FILM_LIMIT = 2_000
MAX_HITS = 50
# Entries each kind lists before anything is typed: the store may hold 17,000 films.
DISCOVER = 5


class _BrowserProvider(Provider):
    @property
    def repository(self) -> Repository | None:
        return getattr(self.app, "repository", None)

    def _hits(self, query: str, candidates: list[tuple[str, object, str | None]]) -> list[Hit]:
        """Score each (plain text, action, help) against the query; the shown text stays literal."""
        matcher = self.matcher(query)
        hits: list[Hit] = []
        for text, action, help_text in candidates:
            score, offsets = matcher.fuzzy_search.match(query, text)
            if score > 0:
                display = highlighted(text, offsets, matcher.match_style)
                hits.append(Hit(score, display, action, text=text, help=help_text))
        hits.sort(key=lambda hit: hit.score, reverse=True)
        return hits[:MAX_HITS]


class FilmCommands(_BrowserProvider):
    """Jump to a film: its reviews and summary, with the cursor on it."""

    def _film_hit(self, summary) -> tuple[str, object, str]:
        return (
            f"Film: {one_line(summary.film.label)}",
            partial(self.screen.post_message, FilmChosen(summary.film.id, focus_reviews=True)),
            f"{counted(summary.reviews, 'review')} · Metascore {summary.metascore if summary.metascore is not None else 'tbd'}",
        )

    async def discover(self) -> Hits:
        """Before typing: the most reviewed films."""
        repository = self.repository
        if repository is None:
            return
        for summary in repository.films(FilmSort.REVIEWS)[:DISCOVER]:
            text, action, help_text = self._film_hit(summary)
            yield DiscoveryHit(Content(text), action, text=text, help=help_text)

    async def search(self, query: str) -> Hits:
        repository = self.repository
        if repository is None:
            return
        if repository.film_count > FUZZY_FILM_LIMIT:
            films = repository.films(FilmSort.TITLE, title=query)
        else:
            films = repository.films(FilmSort.TITLE)
        candidates = [self._film_hit(summary) for summary in films]
        for hit in self._hits(query, candidates):
            yield hit


class CriticCommands(_BrowserProvider):
    """Filter the lists by one critic (or clear the filter)."""

    async def discover(self) -> Hits:
        """Before typing: clearing the filter, if one is set, and the most prolific critics."""
        if getattr(self.screen, "critic_query", ""):
            yield DiscoveryHit(
                Content("Clear the critic filter"),
                partial(self.screen.post_message, CriticFilterChanged("")),
                text="Clear the critic filter",
            )
        repository = self.repository
        if repository is None:
            return
        for name, reviews in repository.prolific_critics(DISCOVER):
            text = f"Critic: {one_line(name)}"
            yield DiscoveryHit(
                Content(text),
                partial(self.screen.post_message, CriticFilterChanged(name)),
                text=text,
                help=f"{counted(reviews, 'review')} · show only this critic's films and reviews",
            )

    async def search(self, query: str) -> Hits:
        repository = self.repository
        if repository is None:
            return
        candidates = [
            (
                f"Critic: {one_line(name)}",
                partial(self.screen.post_message, CriticFilterChanged(name)),
                "show only this critic's films and reviews",
            )
            for name in repository.critics()
        ]
        if getattr(self.screen, "critic_query", ""):
            candidates.append(
                ("Clear the critic filter", partial(self.screen.post_message, CriticFilterChanged("")), None)
            )
        for hit in self._hits(query, candidates):
            yield hit


class PublicationCommands(_BrowserProvider):
    """Set a publication's weight in the Metascore."""

    async def discover(self) -> Hits:
        """Before typing: the publications whose weight is not the default, then the rest, capped."""
        repository = self.repository
        if repository is None:
            return
        publications = sorted(repository.publications(), key=lambda publication: publication.weight == 1.0)
        for publication in publications[:DISCOVER]:
            text = f"Publication weight: {one_line(publication.name)} (now {publication.weight:g})"
            yield DiscoveryHit(
                Content(text), partial(self._ask_weight, publication), text=text,
                help="how much this publication counts in every Metascore",
            )

    async def search(self, query: str) -> Hits:
        repository = self.repository
        if repository is None:
            return
        candidates = [
            (
                f"Publication weight: {one_line(publication.name)} (now {publication.weight:g})",
                partial(self._ask_weight, publication),
                "how much this publication counts in every Metascore",
            )
            for publication in repository.publications()
        ]
        for hit in self._hits(query, candidates):
            yield hit

    def _ask_weight(self, publication) -> None:
        from tui.screens.weight import WeightScreen

        screen = self.screen

        def chosen(weight: float | None) -> None:
            if weight is not None:
                screen.post_message(PublicationWeightChanged(publication.name, weight))

        self.app.push_screen(WeightScreen(publication), chosen)
