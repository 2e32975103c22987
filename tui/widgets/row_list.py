"""A keyboard list on Textual's Line API: draws only the rows on screen, so 100,000 rows cost what 20 do."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import ClassVar, Generic, NamedTuple, TypeVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.plain import fit
from tui.widgets.tones import legible

RowT = TypeVar("RowT")


class Cell(NamedTuple):
    """One column of one row: plain text (never markup), its width, alignment, and the component
    class it is drawn with (resolved on the row's own background, so `auto` colours and alpha work
    on the cursor row too)."""

    text: str
    width: int
    align: str = "left"
    style: str | None = None


def sorted_header(label: str, width: int, arrow: str) -> str:
    """A column's header with the sort's arrow after it; a narrow column shortens the label, never the arrow."""
    if width <= 1:
        return arrow[:width]
    if not label:
        return arrow
    if cell_len(label) + 2 <= width:
        return f"{label} {arrow}"
    return fit(label, width - 1) + arrow


class RowList(ScrollView, Generic[RowT], can_focus=True):
    """A fixed header line, then one line per row, with a cursor; subclasses say what a row shows."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "row-list--header",
        "row-list--cursor",
        "row-list--empty",
    }

    DEFAULT_CSS = """
    RowList {
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-size-vertical: 1;
        background: $surface;
        & > .row-list--header { color: $text-muted; text-style: bold; }
        & > .row-list--empty { color: $text-muted; text-style: italic; }
        & > .row-list--cursor {
            color: $block-cursor-blurred-foreground;
            background: $block-cursor-blurred-background;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .row-list--cursor {
            color: $block-cursor-foreground;
            background: $block-cursor-background;
            text-style: $block-cursor-text-style;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor_up", "Up", show=False),
        Binding("down,j", "cursor_down", "Down", show=False),
        Binding("g,home", "first", "First", show=False),
        Binding("G,end", "last", "Last", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
    ]

    empty_text: str = "Nothing here."
    # The sorted column's header and its arrow ("▲" smallest first, "▼" largest first), or None.
    sorted_by: tuple[str, str] | None = None

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._rows: Sequence[RowT] = ()
        self._cursor: int | None = None
        # Drawn rows, keyed by everything that changes how one looks; cleared when the rows change.
        self._drawn: LRUCache[tuple, Strip] = LRUCache(1024)

    # -- what subclasses provide -------------------------------------------------------------

    def key_of(self, row: RowT) -> Hashable:
        """The identity of a row, used to keep the cursor on it when the rows change."""
        raise NotImplementedError

    def header_cells(self, width: int) -> list[Cell]:
        raise NotImplementedError

    def row_cells(self, row: RowT, width: int) -> list[Cell]:
        raise NotImplementedError

    def header(self, label: str, width: int, align: str = "left") -> Cell:
        """A header cell, with the sort's arrow if the list is sorted by this column."""
        if self.sorted_by is not None and self.sorted_by[0] == label:
            return Cell(sorted_header(label, width, self.sorted_by[1]), width, align)
        return Cell(label, width, align)

    def show_sort(self, label: str | None, descending: bool) -> None:
        """Mark the sorted column's header (label None: no column holds the order)."""
        sorted_by = None if label is None else (label, "▼" if descending else "▲")
        if sorted_by != self.sorted_by:
            self.sorted_by = sorted_by
            self._drawn.clear()
            self.refresh()

    def cursor_moved(self, row: RowT | None) -> None:
        """Called after the cursor lands on another row (or on none)."""

    # -- rows and cursor -----------------------------------------------------------------------

    @property
    def rows(self) -> Sequence[RowT]:
        return self._rows

    @property
    def cursor(self) -> int | None:
        return self._cursor

    @property
    def current(self) -> RowT | None:
        """The row under the cursor."""
        return None if self._cursor is None else self._rows[self._cursor]

    @property
    def current_key(self) -> Hashable | None:
        """The key of the row under the cursor (without reading the row where a subclass can:
        the rows may be the store's lazy list, whose row can be gone from the store by now)."""
        row = self.current
        return None if row is None else self.key_of(row)

    def index_of(self, key: Hashable) -> int | None:
        for index, row in enumerate(self._rows):
            if self.key_of(row) == key:
                return index
        return None

    def set_rows(
        self, rows: Sequence[RowT], *, keep: Hashable | None = None, announce: bool = True, reset: bool = False
    ) -> None:
        """Replace every row; the cursor stays on the row whose key is `keep`, else near where it was
        (reset: else on the first row, for a list of something else).

        announce=False: the caller redraws what depends on the cursor itself (no cursor_moved call).
        """
        before = self.current_key
        self._rows = rows
        self._drawn.clear()
        index = self.index_of(keep) if keep is not None else None
        if index is None and before is not None and not reset:
            index = self.index_of(before)
        if index is None and rows:
            index = 0 if reset else min(self._cursor or 0, len(rows) - 1)
        self._cursor = index if rows else None
        self._update_virtual_size()
        self.scroll_to_cursor()
        self.refresh()
        after = self.current_key
        if (before is None) != (after is None):
            self.refresh_bindings()  # actions on "the current row" come and go (the footer is costly)
        if announce and before != after:
            self.cursor_moved(self.current)

    def move_cursor(self, index: int, *, announce: bool = True) -> None:
        if not self._rows:
            return
        index = max(0, min(index, len(self._rows) - 1))
        if index == self._cursor:
            return
        previous, self._cursor = self._cursor, index
        top = round(self.scroll_offset.y)
        self.scroll_to_cursor()
        if round(self.scroll_offset.y) == top:
            # Only two lines changed (a scroll repaints everything by itself).
            if previous is not None:
                self.refresh_line(previous + 1)
            self.refresh_line(index + 1)
        if announce:
            self.cursor_moved(self._rows[index])

    def move_to_key(self, key: Hashable, *, announce: bool = True) -> bool:
        """Put the cursor on the row with this key, if it is listed."""
        index = self.index_of(key)
        if index is None:
            return False
        self.move_cursor(index, announce=announce)
        return True

    @property
    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def scroll_to_cursor(self) -> None:
        if self._cursor is None:
            self.scroll_to(y=0, animate=False)
            return
        top = round(self.scroll_offset.y)
        if self._cursor < top:
            self.scroll_to(y=self._cursor, animate=False)
        elif self._cursor >= top + self._page:
            self.scroll_to(y=self._cursor - self._page + 1, animate=False)

    def _update_virtual_size(self) -> None:
        # One extra line for the header, so the last row can scroll into view below it.
        # Assigning virtual_size lays out the whole screen: only when it really changes.
        size = Size(self.scrollable_content_region.width, len(self._rows) + 1)
        if size != self.virtual_size:
            self.virtual_size = size

    def on_resize(self, event: events.Resize) -> None:
        self._update_virtual_size()
        self.call_after_refresh(self.scroll_to_cursor)

    # -- actions -------------------------------------------------------------------------------

    def action_cursor_up(self) -> None:
        self.move_cursor((self._cursor or 0) - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(0 if self._cursor is None else self._cursor + 1)

    def action_first(self) -> None:
        self.move_cursor(0)

    def action_last(self) -> None:
        self.move_cursor(len(self._rows) - 1)

    def action_page_up(self) -> None:
        self.move_cursor((self._cursor or 0) - self._page)

    def action_page_down(self) -> None:
        self.move_cursor((self._cursor or 0) + self._page)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y == 0:
            return
        index = round(self.scroll_offset.y) + offset.y - 1
        if 0 <= index < len(self._rows):
            self.move_cursor(index)

    # -- drawing ---------------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.get_visual_style().rich_style  # cached, unlike .rich_style (which walks the DOM)
        if y == 0:
            return self._strip(self.header_cells(width), width, ("row-list--header",))
        index = round(self.scroll_offset.y) + y - 1
        if not self._rows:
            if y == 1:
                return self._strip([Cell(self.empty_text, width)], width, ("row-list--empty",))
            return Strip.blank(width, base)
        if index >= len(self._rows):
            return Strip.blank(width, base)
        row = self._rows[index]
        on_cursor = index == self._cursor
        key = (self.key_of(row), width, on_cursor, self._pseudo_classes_cache_key, self.app.theme)
        strip = self._drawn.get(key)
        if strip is None:
            strip = self._strip(self.row_cells(row, width), width, ("row-list--cursor",) if on_cursor else ())
            self._drawn[key] = strip
        return strip

    def _cell_style(self, name: str, row_classes: tuple[str, ...], base: Style) -> Style:
        """A cell's component class over its row: a class with a background of its own (a badge)
        keeps its colours on the cursor row too; one without is resolved on the row's background."""
        own_background = self.get_component_styles(name).has_rule("background")
        resolved = self.get_visual_style(*(() if own_background else row_classes), name).rich_style
        return legible(base + resolved)

    def _strip(self, cells: list[Cell], width: int, row_classes: tuple[str, ...]) -> Strip:
        """One line of cells; row_classes style the whole line (the header, the cursor), and each
        cell's own component class is resolved on top of them."""
        # get_visual_style (not .rich_style, which walks the DOM) is cached, and resolves `auto`
        # colours and alpha against the real background.
        base = legible(self.get_visual_style(*row_classes).rich_style)
        segments: list[Segment] = []
        used = 0
        for number, cell in enumerate(cells):
            if cell.width <= 0:
                continue
            if number and used < width:
                segments.append(Segment(" ", base))
                used += 1
            cell_width = min(cell.width, width - used)
            if cell_width <= 0:
                break
            style = base if cell.style is None else self._cell_style(cell.style, row_classes, base)
            segments.append(Segment(fit(cell.text, cell_width, align=cell.align), style))
            used += cell_width
        if used < width:
            segments.append(Segment(" " * (width - used), base))
        return Strip(segments, width)
