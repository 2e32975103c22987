"""Critics who agree with a critic (m under a one-critic filter): the ranked critics in one tab, the
films they loved that the critic has not reviewed in the other. Worked out in a thread (numpy does
the sums, store/taste.py), so keys never wait; a line says so when it takes a while. Enter on a
critic filters by them; enter on a film goes to it."""

from __future__ import annotations

import time
from collections.abc import Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from store.errors import StoreError
from store.taste import Match, MatchResult, Recommendation, RecommendationResult, half_up
from tui.plain import content, one_line
from tui.widgets.focus import after_keys_land, focus_now
from tui.widgets.row_list import Cell, RowList

if TYPE_CHECKING:
    from store.repository import Repository

PROGRESS_AFTER = 0.2  # seconds: a line says the work goes on once it takes longer than this
MATCHES, FILMS = "matches", "films"


@dataclass(frozen=True)
class TasteChoice:
    """What enter chose: a critic to filter by, or a film to go to."""

    critic: str | None = None
    film_id: int | None = None


class MatchList(RowList[Match]):
    """The critics who agree, best first: shared films, r, its lower bound, mean difference, calls."""

    empty_text = "Comparing …"

    def key_of(self, row: Match) -> Hashable:
        return row.critic

    def _widths(self, width: int) -> tuple[int, ...]:
        numbers = (6, 6, 6, 5, 10)  # shared, r, lower, diff, calls
        critic = max(8, width - sum(numbers) - len(numbers))
        return (critic, *numbers)

    def header_cells(self, width: int) -> list[Cell]:
        critic, shared, r, lower, diff, calls = self._widths(width)
        return [
            Cell("Critic", critic), Cell("Shared", shared, "right"), Cell("r", r, "right"),
            Cell("Lower", lower, "right"), Cell("Diff", diff, "right"), Cell("Calls", calls, "right"),
        ]

    def row_cells(self, row: Match, width: int) -> list[Cell]:
        critic, shared, r, lower, diff, calls = self._widths(width)
        agree = "–" if row.calls_agree is None else f"{row.calls_agree}% of {row.calls_shared}"
        return [
            Cell(one_line(row.critic), critic),
            Cell(str(row.shared), shared, "right"),
            Cell(f"{half_up(row.r, 3):.3f}", r, "right"),
            Cell(f"{half_up(row.lower_bound, 3):.3f}", lower, "right"),
            Cell(f"{row.mean_abs_diff:.1f}", diff, "right"),
            Cell(agree, calls, "right"),
        ]


class RecommendationList(RowList[Recommendation]):
    """Films the critic has not reviewed, by what the critics who agree with them gave them."""

    empty_text = "Comparing …"

    def key_of(self, row: Recommendation) -> Hashable:
        return row.film.id

    def _widths(self, width: int) -> tuple[int, int, int]:
        predicted, critics = 9, 7
        return max(10, width - predicted - critics - 2), predicted, critics

    def header_cells(self, width: int) -> list[Cell]:
        film, predicted, critics = self._widths(width)
        return [Cell("Film", film), Cell("Predicted", predicted, "right"), Cell("Critics", critics, "right")]

    def row_cells(self, row: Recommendation, width: int) -> list[Cell]:
        film, predicted, critics = self._widths(width)
        return [
            Cell(one_line(row.film.label), film),
            Cell(str(row.predicted), predicted, "right"),
            Cell(str(row.contributors), critics, "right"),
        ]


class TasteScreen(Screen[TasteChoice | None]):
    """Two tabs over one computation: the critics who agree with `critic`, and their films."""

    # Priority, acting once the keys before them have landed (tui/widgets/focus.py): each changes
    # where the next keys go.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", priority=True),
        Binding("enter", "choose", "Choose", priority=True),
        Binding("tab,shift+tab", "switch", "Critics / films", priority=True),
    ]

    def __init__(self, repository: Repository, critic: str) -> None:
        super().__init__()
        self.repository = repository
        self.critic = critic
        self.tab = MATCHES
        self.computing = True
        self.matches: MatchResult | None = None
        self.recommendations: RecommendationResult | None = None
        self.took: float | None = None  # seconds the computation took

    def compose(self) -> ComposeResult:
        yield Static(self._title(), id="taste-title")
        yield Static("", id="taste-tabs")
        yield MatchList(id="taste-matches")
        yield RecommendationList(id="taste-films")
        yield Static("", id="taste-status")
        yield Footer()

    def on_mount(self) -> None:
        self.films_list.display = False
        focus_now(self.match_list)
        self._draw_tabs()
        self._started = time.perf_counter()
        self.set_timer(PROGRESS_AFTER, self._still_computing)
        self.run_worker(self._compute, thread=True, exclusive=True, group="taste")

    @property
    def match_list(self) -> MatchList:
        return self.query_one("#taste-matches", MatchList)

    @property
    def films_list(self) -> RecommendationList:
        return self.query_one("#taste-films", RecommendationList)

    def _title(self) -> Content:
        return Content("Critics who agree with ") + content(self.critic)

    # -- computing --------------------------------------------------------------------------------

    def _compute(self) -> None:
        """In a thread: the numbers, then drawn on the app's thread."""
        try:
            matches, recommendations = self.repository.taste(self.critic)
        except StoreError as error:
            self.app.call_from_thread(self._failed, str(error))
            return
        self.app.call_from_thread(self._show, matches, recommendations)

    def _still_computing(self) -> None:
        if self.computing:
            self._status(Content("Comparing every critic's scores with ") + content(self.critic)
                         + Content("'s … (the first time reads every review; keys work meanwhile)"))

    def _failed(self, message: str) -> None:
        if not self.is_attached:
            return  # closed while it was worked out
        self.computing = False
        for widget in (self.match_list, self.films_list):
            widget.empty_text = "Nothing to show."
            widget.refresh()
        self._status(content(message))

    def _show(self, matches: MatchResult, recommendations: RecommendationResult) -> None:
        if not self.is_attached:
            return  # closed while it was worked out
        self.computing = False
        self.took = time.perf_counter() - self._started
        self.matches, self.recommendations = matches, recommendations
        self.critic = matches.critic
        self.query_one("#taste-title", Static).update(self._title())
        self.match_list.empty_text = "No critic to compare with."
        self.films_list.empty_text = "No film to suggest."
        self.match_list.set_rows(list(matches.matches), reset=True, announce=False)
        self.films_list.set_rows(list(recommendations.recommendations), reset=True, announce=False)
        self._draw_tabs()
        self._explain()
        self.refresh_bindings()

    def _explain(self) -> None:
        """The status line: why a list is empty, else what its columns mean."""
        if self.tab == MATCHES:
            result = self.matches
            reason = result.reason if result else None
            hint = "ordered by Lower: the 80% lower bound of r, the score correlation · Diff: mean points apart"
        else:
            result = self.recommendations
            reason = result.reason if result else None
            hint = "Predicted: the scores of the critics who agree, weighted by how surely they agree"
        if reason:
            self._status(content(reason))
        elif result is not None:
            self._status(Content(hint))

    def _draw_tabs(self) -> None:
        def tab(label: str, count: int | None, active: bool) -> Content:
            text = f" {label}{'' if count is None else f' ({count})'} "
            return Content.styled(text, "bold reverse" if active else "dim")

        matches = None if self.matches is None else len(self.matches.matches)
        films = None if self.recommendations is None else len(self.recommendations.recommendations)
        line = tab("Critics who agree", matches, self.tab == MATCHES) + Content(" ")
        line += tab("What they loved, unreviewed", films, self.tab == FILMS)
        self.query_one("#taste-tabs", Static).update(line + Content("  tab switches"))

    def _status(self, message: Content) -> None:
        self.query_one("#taste-status", Static).update(message)

    # -- keys -------------------------------------------------------------------------------------

    def action_close(self) -> None:
        after_keys_land(self, lambda: self.dismiss(None))

    def action_switch(self) -> None:
        after_keys_land(self, self._switch)

    def _switch(self) -> None:
        self.tab = FILMS if self.tab == MATCHES else MATCHES
        showing = self.films_list if self.tab == FILMS else self.match_list
        self.match_list.display = self.tab == MATCHES
        self.films_list.display = self.tab == FILMS
        focus_now(showing)
        self._draw_tabs()
        self._explain()
        self.refresh_bindings()

    def action_choose(self) -> None:
        after_keys_land(self, self._choose)

    def _choose(self) -> None:
        if self.tab == MATCHES:
            if (match := self.match_list.current) is not None:
                self.dismiss(TasteChoice(critic=match.critic))
        elif (film := self.films_list.current) is not None:
            self.dismiss(TasteChoice(film_id=film.film.id))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "choose":
            showing = self.match_list if self.tab == MATCHES else self.films_list
            return None if showing.current is None else True
        return True
