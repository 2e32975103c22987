"""Find words in every film's review text: the finds stream in as the store is searched, each with
its film; the list and the field take keys all the while, and escape stops a search before it
closes the view. Enter on a find goes to it in the browser."""

from __future__ import annotations

import asyncio
import time
from functools import partial
from collections.abc import Hashable
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, Static
from textual.worker import Worker

from store.domain import Review
from store.finding import FIND_STEP, spans, words_of
from store.scoring import review_class
from tui.plain import block, content, one_line
from tui.widgets.focus import FieldInput, after_keys_land, focus_now
from tui.widgets.reviews_pane import review_heading
from tui.widgets.row_list import Cell, RowList
from tui.widgets.tones import BADGE_CSS, TONE_CLASSES

if TYPE_CHECKING:
    from store.repository import Repository

STEP = FIND_STEP  # reviews looked at between two draws (store/finding.py)
# Finds listed at most: past this the search goes on counting, and more words narrow it.
MAX_LISTED = 5_000
# Characters of context kept before the first word found, in a find's one-line excerpt.
CONTEXT = 24


class Found:
    """A find: the review and its film's label."""

    __slots__ = ("review", "film_label")

    def __init__(self, review: Review, film_label: str) -> None:
        self.review = review
        self.film_label = film_label


def reviews(count: int) -> str:
    """ "1 review", "72,895 reviews": the counts of a large store read at a glance."""
    return f"{count:,} {'review' if count == 1 else 'reviews'}"


def snippet(text: str, words: tuple[str, ...]) -> str:
    """The excerpt from a little before its first find, on one line."""
    flat = one_line(text)
    found = spans(flat, words)
    if not found or found[0][0] <= CONTEXT:
        return flat
    return "…" + flat[found[0][0] - CONTEXT :]


class FoundList(RowList[Found]):
    """The finds: film, critic, score and the excerpt from its first find. Finds only ever arrive
    at the end of the list (add), so the cursor never has to be looked for again."""

    COMPONENT_CLASSES: ClassVar[set[str]] = RowList.COMPONENT_CLASSES | set(TONE_CLASSES.values())
    DEFAULT_CSS = "FoundList {" + BADGE_CSS + "}"
    empty_text = "Nothing found yet."
    words: tuple[str, ...] = ()

    def key_of(self, row: Found) -> Hashable:
        return row.review.id

    def _widths(self, width: int) -> tuple[int, int, int, int]:
        film = max(10, min(30, width * 28 // 100))
        critic = max(8, min(20, width * 18 // 100))
        score = 3
        return film, critic, score, max(0, width - film - critic - score - 3)

    def header_cells(self, width: int) -> list[Cell]:
        film, critic, score, excerpt = self._widths(width)
        return [Cell("Film", film), Cell("Critic", critic), Cell("", score), Cell("Excerpt", excerpt)]

    def row_cells(self, row: Found, width: int) -> list[Cell]:
        film, critic, score, excerpt = self._widths(width)
        review = row.review
        tone = TONE_CLASSES[review_class(review.score)]
        return [
            Cell(one_line(row.film_label), film),
            Cell(one_line(review.critic) or "uncredited", critic),
            Cell("–" if review.score is None else str(review.score), score, "right", style=tone),
            Cell(snippet(review.excerpt, self.words), excerpt),
        ]

    def start(self, words: tuple[str, ...]) -> None:
        self.words = words
        self.set_rows([], reset=True)

    def add(self, finds: list[Found]) -> None:
        """More finds at the end; the cursor stays where it is (on the first find, at first)."""
        if not finds:
            return
        first = not self.rows
        if first:
            self._rows = []  # a list of this search's own, grown in place
        self._rows.extend(finds)  # type: ignore[attr-defined]
        rows = self._rows
        self._update_virtual_size()
        if first:
            self._cursor = 0
            self.refresh_bindings()
            self.cursor_moved(rows[0])
        self.refresh()

    def cursor_moved(self, row: Found | None) -> None:
        screen = self.screen
        if isinstance(screen, FindScreen):
            screen.show_detail(row)



class FindScreen(Screen[int | None]):
    """The search across every film. Dismissed with the id of the review chosen, or None."""

    # Priority, acting once the keys before them have landed (tui/widgets/focus.py).
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "stop_or_close", "Stop / close", priority=True),
        Binding("enter", "enter", "Go to review", priority=True),
        Binding("tab,shift+tab", "switch", "Field / finds", show=False, priority=True),
        Binding("down", "to_finds", "Finds", show=False, priority=True),
    ]

    def __init__(self, repository: Repository, query: str = "") -> None:
        super().__init__()
        self.repository = repository
        self._query = query
        self._worker: Worker[None] | None = None
        self.searching = False
        self._search_number = 0  # which search is under way: a stopped one's ending is not the next's
        self.found = 0  # finds so far in the current search (listed or not)
        self.first_found_after: float | None = None  # seconds from the start to the first find

    def compose(self) -> ComposeResult:
        with Horizontal(id="find-bar"):
            yield Label("Find everywhere")
            yield FieldInput(self._query, placeholder="words in the review text", compact=True, id="find-input")
            yield Label("enter finds · tab list · esc stop/close", classes="hint")
        yield FoundList(id="finds")
        yield Static("", id="find-detail")
        yield Static("", id="find-status")
        yield Footer()

    def on_mount(self) -> None:
        field = self.query_one("#find-input", FieldInput)
        focus_now(field)
        field.cursor_position = len(field.value)
        self.search(self._query)

    @property
    def finds(self) -> FoundList:
        return self.query_one("#finds", FoundList)

    @property
    def field(self) -> FieldInput:
        return self.query_one("#find-input", FieldInput)

    # -- searching ----------------------------------------------------------------------------

    @on(Input.Changed, "#find-input")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self.search(event.value)


    def search(self, query: str) -> None:
        """Start a search for query, stopping the one under way."""
        self.stop()
        self._query = query
        words = words_of(query)
        self.finds.start(words)
        self.found = 0
        self.first_found_after = None
        if not words:
            self._status(Content("Type words to find in every review's text (all of them, in any order)."))
            return
        self.searching = True
        self._search_number += 1
        self._worker = self.run_worker(
            partial(self._search, query, words, self._search_number), group="find", exclusive=True
        )

    def stop(self) -> None:
        if self._worker is not None and self.searching:
            self._worker.cancel()
        self.searching = False

    async def _search(self, query: str, words: tuple[str, ...], number: int) -> None:
        started = time.perf_counter()
        films: dict[int, str] = {}
        looked_at, total = 0, self.repository.review_count
        try:
            for progress in self.repository.find(query, step=STEP):
                looked_at, total = progress.looked_at, progress.total
                if progress.found:
                    if self.first_found_after is None:
                        self.first_found_after = time.perf_counter() - started
                    room = MAX_LISTED - len(self.finds.rows)
                    batch = []
                    for review in progress.found[: max(0, room)]:
                        label = films.get(review.film_id)
                        if label is None:
                            label = films[review.film_id] = self.repository.film(review.film_id).label
                        batch.append(Found(review, label))
                    self.found += len(progress.found)
                    self.finds.add(batch)
                self._show_progress(looked_at, total, done=False)
                await asyncio.sleep(0)  # keys and frames between steps
        finally:
            if number == self._search_number:
                self.searching = False
        self._show_progress(total, total, done=True)

    def _show_progress(self, looked_at: int, total: int, *, done: bool) -> None:
        found = reviews(self.found)
        listed = f" (the first {MAX_LISTED:,} listed: more words narrow it)" if self.found > MAX_LISTED else ""
        if done:
            self._status(Content(f"{found} found in {reviews(total)}{listed}"))
        else:
            share = 0 if not total else looked_at * 100 // total
            self._status(Content(f"Searching {share}% · {found} found{listed} · esc stops"))

    def _status(self, message: Content) -> None:
        self.query_one("#find-status", Static).update(message)

    # -- showing a find ---------------------------------------------------------------------------

    def show_detail(self, row: Found | None) -> None:
        detail = self.query_one("#find-detail", Static)
        if row is None:
            detail.update("")
            return
        text = block(row.review.excerpt)
        for start, end in spans(text.plain, self.finds.words):
            text = text.stylize("bold reverse", start, end)
        detail.update(content(row.film_label, "bold") + Content(" · ") + review_heading(row.review) + Content("\n") + text)

    # -- keys --------------------------------------------------------------------------------------

    def action_stop_or_close(self) -> None:
        after_keys_land(self, self._stop_or_close)

    def _stop_or_close(self) -> None:
        if self.searching:
            self.stop()
            self._status(Content(f"Stopped: {reviews(self.found)} found so far · esc closes"))
            return
        self.dismiss(None)

    def action_switch(self) -> None:
        after_keys_land(self, lambda: focus_now(self.finds if self.focused is self.field else self.field))

    def action_to_finds(self) -> None:
        after_keys_land(self, self._to_finds)

    def _to_finds(self) -> None:
        if self.finds.rows:
            focus_now(self.finds)

    def action_enter(self) -> None:
        # In the field: to the finds; on a find: go to it. Both change where the next keys go.
        after_keys_land(self, self._enter)

    def _enter(self) -> None:
        if self.focused is self.finds:
            if (row := self.finds.current) is not None:
                self.dismiss(row.review.id)
        else:
            self._to_finds()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "to_finds":
            return self.focused is self.field  # in the finds, down moves the cursor
        if action == "enter" and self.focused is self.finds:
            return None if self.finds.current is None else True
        return True
