"""The films pane's list: title, year, Metascore badge and review count, drawn row by visible row."""

from __future__ import annotations

from collections.abc import Hashable
from typing import ClassVar

from textual.binding import Binding, BindingType

from store.domain import FilmSummary
from store.views import FilmList as StoreFilmList
from tui.messages import FilmChosen, SortCycled, SortReversed
from tui.plain import one_line
from tui.widgets.row_list import Cell, RowList
from tui.widgets.tones import BADGE_CSS, TONE_CLASSES, metascore_label, verdict_tone


class FilmList(RowList[FilmSummary]):
    """Films with their summaries; moving the cursor chooses the film, enter goes to its reviews."""

    COMPONENT_CLASSES: ClassVar[set[str]] = RowList.COMPONENT_CLASSES | set(TONE_CLASSES.values())

    DEFAULT_CSS = "FilmList {" + BADGE_CSS + "}"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "choose", "Reviews", show=False),
        Binding("s", "sort", "Sort", show=False),
        Binding("S", "reverse", "Reverse", show=False),
    ]

    empty_text = "No films match."
    # How many times the cursor has chosen a film: FilmChosen carries it, so the screen can tell the
    # latest choice from one a later key has already overtaken (tui/messages.py).
    moves: int = 0

    def key_of(self, row: FilmSummary) -> Hashable:
        return row.film.id

    @property
    def current_key(self) -> Hashable | None:
        rows, cursor = self.rows, self.cursor
        if isinstance(rows, StoreFilmList) and cursor is not None:
            return rows.ids[cursor]  # a film deleted since the list was made has no summary to read
        return super().current_key

    def index_of(self, key: Hashable) -> int | None:
        # The store's lazy list finds a film by id without scoring every film on the way.
        rows = self.rows
        if isinstance(rows, StoreFilmList) and isinstance(key, int):
            return rows.index_of(key)
        return super().index_of(key)

    def _widths(self, width: int) -> tuple[int, int, int, int]:
        """Title, year, Metascore and review-count widths. The Metascore always fits whole ("100",
        "tbd"): in a narrow pane the review count goes first, then the year, then title letters.
        The sorted column widens for its arrow ("Year ▼")."""
        marked = self.sorted_by[0] if self.sorted_by else None
        year = 6 if marked == "Year" else 4
        badge = 4
        count = 6 if marked == "Revs" else 4
        title = width - year - badge - count - 3
        if title < 8:
            title, count = title + count + 1, 0
        if title < 8:
            title, year = title + year + 1, 0
        return max(1, title), year, badge, count

    def header_cells(self, width: int) -> list[Cell]:
        title, year, badge, count = self._widths(width)
        return [
            self.header("Title", title),
            self.header("Year", year),
            self.header("MS", badge, "right"),
            self.header("Revs", count, "right"),
        ]

    def row_cells(self, row: FilmSummary, width: int) -> list[Cell]:
        title, year, badge, count = self._widths(width)
        tone = TONE_CLASSES[verdict_tone(row.verdict)]
        return [
            Cell(one_line(row.film.title), title),
            Cell(str(row.film.year) if row.film.year else "", year),
            Cell(metascore_label(row.metascore).center(badge), badge, style=tone),
            Cell(str(row.reviews), count, "right"),
        ]

    def cursor_moved(self, row: FilmSummary | None) -> None:
        if row is not None:
            self.moves += 1
            self.post_message(FilmChosen(row.film.id, move=self.moves))

    def action_choose(self) -> None:
        if (row := self.current) is not None:
            self.post_message(FilmChosen(row.film.id, focus_reviews=True))

    def action_sort(self) -> None:
        self.post_message(SortCycled("films"))

    def action_reverse(self) -> None:
        self.post_message(SortReversed("films"))
