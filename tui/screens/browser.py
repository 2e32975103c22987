"""The main screen: films, the distribution gauge (or a critic's profile) and reviews. It builds and
fills the panes; one handler per intent asks the session (tui/session.py) and draws its answer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer

from store.domain import Review
from store.errors import StoreError, ValidationError
from store.views import FilmSort, ReviewSort
from tui.messages import (
    CriticFilterChanged,
    ExactCriticChosen,
    FilmChosen,
    FilmDeleteRequested,
    FilmFormOpened,
    FindEverywhereRequested,
    PublicationWeightChanged,
    RefreshRequested,
    ReviewCriticRequested,
    ReviewDeleteRequested,
    ReviewFormClosed,
    ReviewFormOpened,
    ReviewSubmitted,
    SortCycled,
    SortReversed,
    TitleFilterChanged,
    UndoRequested,
)
from tui.plain import content, one_line
from tui.screens.confirm import ConfirmScreen
from tui.screens.film_intents import FilmIntents
from tui.screens.taste_intents import TasteIntents
from tui.screens.text_intents import TextIntents
from tui.session import BrowserSession, Outcome
from tui.suggest import CriticSuggester
from tui.widgets.film_list import FilmList
from tui.widgets.gauge import CriticProfileView, DistributionGauge
from tui.widgets.query_bar import FindBar, QueryBar
from tui.widgets.review_list import ReviewList
from tui.widgets.reviews_pane import ReviewsPane, review_heading
from tui.widgets.status_line import StatusLine
from tui.widgets.focus import after_keys_land, focus_now, is_text_field

if TYPE_CHECKING:
    from store.repository import Repository

REFRESH_SECONDS = 2.0
OPENING_TEXT = "Opening the database …"
PROFILE_DELAY = 0.15  # seconds of no typing before the critic profile is computed
PROFILE_MAX_CRITICS = 50  # more critics than this match: no combined profile

# The column whose header shows each sort's arrow (page order has none).
FILM_SORT_COLUMNS = {FilmSort.TITLE: "Title", FilmSort.METASCORE: "MS", FilmSort.YEAR: "Year", FilmSort.REVIEWS: "Revs"}
REVIEW_SORT_COLUMNS = {
    ReviewSort.PAGE: None,
    ReviewSort.SCORE: "",
    ReviewSort.CRITIC: "Critic",
    ReviewSort.PUBLICATION: "Publication",
    ReviewSort.DATE: "Date",
}


class SummaryPane(VerticalScroll):
    """Holds the gauge or, under a critic filter, the critic's profile; a pane of its own that scrolls
    when a small terminal cannot show all of it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("k", "scroll_up", "Up", show=False),
        Binding("j", "scroll_down", "Down", show=False),
        Binding("g", "scroll_home", "Top", show=False),
        Binding("G", "scroll_end", "Bottom", show=False),
    ]


@dataclass
class CriticTyped(CriticFilterChanged):
    """The critic bar's text changed: the filter follows it, and the bar is never written back
    (it may already hold keys typed after this message was sent). generation: the bar's, when
    typed (QueryBar.set_value counts): older than the bar's now, the text was set since."""

    generation: int = 0


@dataclass
class TitleTyped(TitleFilterChanged):
    """The title bar's text changed (as CriticTyped)."""

    generation: int = 0


# The reviews pane needs this many rows for the form beside the list; on a shorter terminal it
# takes the whole screen while the form is open.
FORM_ROOM = 9


class BrowserScreen(FilmIntents, TextIntents, TasteIntents, Screen[None]):
    # The footer (80 columns, with the palette's key) shows the keys a newcomer needs first; the
    # help screen (?) lists them all.
    # Priority (the keys typed after one wait until it has acted, and it acts once the keys typed
    # before it have landed: tui/widgets/focus.py): each moves focus or changes where keys go. In
    # a text field the printable ones are letters (check_action). `e` and enter stand in for the
    # lists' own (same look in the footer) where they apply.
    BINDINGS: ClassVar[list[BindingType]] = [
        # First, so the footer shows it first: at 80 columns with filters on, the keys after the
        # fifth or sixth do not fit, and help must always be in reach (it lists them all).
        Binding("question_mark", "help", "Help", priority=True),
        Binding("c", "critic_filter", "Critic", priority=True),
        Binding("p", "publication_filter", "Publication", show=False, priority=True),
        Binding("slash", "title_search", "Title", show=False, priority=True),
        Binding("f", "find", "Find", priority=True),
        Binding("F", "find_everywhere", "Find in all", show=False, priority=True),
        Binding("a", "add_review", "Add", priority=True),
        Binding("n", "new_film", "New", priority=True),
        Binding("e", "edit", "Edit", priority=True),
        Binding("d", "delete", "Delete", show=False, priority=True),
        Binding("enter", "choose_film", "Reviews", show=False, priority=True),
        Binding("u", "undo", "Undo", priority=True),
        # With nothing to undo, `undo` is greyed in the footer and `u` falls through to this one,
        # which says so in the status line.
        Binding("u", "nothing_to_undo", "Undo", show=False, priority=True),
        # Under a one-critic filter: the critics who agree. Otherwise `taste` is hidden and `m`
        # falls through to the next one, which says what it needs in the status line.
        Binding("m", "taste", "Agree", priority=True),
        Binding("m", "no_single_critic", "Agree", show=False, priority=True),
        Binding("tab", "next_pane", "Next pane", show=False, priority=True),
        Binding("shift+tab", "previous_pane", "Previous pane", show=False, priority=True),
        Binding("r", "refresh", "Refresh", show=False),
        Binding("t", "top_critics", "Top critics", show=False),
        # "Clear", not "Clear filters": at 80 columns under a one-critic filter the films pane's
        # footer holds help, every film key, m and esc, and the filters are named beside it.
        Binding("escape", "clear_filters", "Clear"),
    ]
    ESCAPE_TO_MINIMIZE = False  # escape is the form's (cancel) when it fills a small screen

    def __init__(self, *, today: Callable[[], date] = date.today) -> None:
        super().__init__()
        self.today = today
        self.session = BrowserSession(today=today)
        self._last_focus = "films"
        self._binding_state: tuple[bool, ...] = ()
        self._profile_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        with Grid(id="panes"):
            with Vertical(id="films-pane", classes="pane"):
                yield FilmList(id="films")
            with SummaryPane(id="summary-pane", classes="pane"):
                yield DistributionGauge(id="gauge")
                yield CriticProfileView(id="profile")
            yield ReviewsPane(id="reviews-pane", classes="pane")
        yield QueryBar(
            "Critic", "→ accept · enter keep · esc clear", placeholder="part of a critic's name", id="critic-bar"
        )
        yield QueryBar(
            "Publication", "→ accept · enter keep · esc clear", placeholder="part of a publication's name",
            id="publication-bar",
        )
        yield QueryBar("Title", "enter keep · esc clear", placeholder="part of a title", id="title-bar")
        yield FindBar(
            "Find", "ctrl+f in every film · enter keep · esc clear", placeholder="words in this film's reviews",
            id="find-bar",
        )
        yield StatusLine(id="status")
        yield Footer(compact=True)  # one space between keys: the browser has many

    def on_mount(self) -> None:
        self.query_one("#profile").display = False
        self.query_one("#films-pane").border_title = Content("Films")
        self.query_one("#summary-pane").border_title = Content("Summary")
        self.query_one("#reviews-pane").border_title = Content("Reviews")
        # Plain text, not Textual's animated loading indicator: its frames would compete with
        # the opening worker for the GIL and slow a large store's load by a third.
        for pane in (self.films, self.reviews_pane.list):
            pane.empty_text = OPENING_TEXT

    # -- the session's state, read by the command palette, the tests and the benchmark ----------

    @property
    def repository(self) -> Repository | None:
        return self.session.repository

    @property
    def selected_film(self) -> int | None:
        return self.session.selected_film

    @property
    def critic_query(self) -> str:
        return self.session.critic_query

    @property
    def title_query(self) -> str:
        return self.session.title_query

    @property
    def film_sort(self) -> FilmSort:
        return self.session.film_sort

    @property
    def review_sort(self) -> ReviewSort:
        return self.session.review_sort

    # -- parts ---------------------------------------------------------------------------------

    @property
    def films(self) -> FilmList:
        return self.query_one("#films", FilmList)

    @property
    def reviews_pane(self) -> ReviewsPane:
        return self.query_one("#reviews-pane", ReviewsPane)

    @property
    def reviews(self) -> ReviewList:
        return self.query_one("#reviews", ReviewList)

    @property
    def gauge(self) -> DistributionGauge:
        return self.query_one("#gauge", DistributionGauge)

    @property
    def profile(self) -> CriticProfileView:
        return self.query_one("#profile", CriticProfileView)

    @property
    def status(self) -> StatusLine:
        return self.query_one("#status", StatusLine)

    @property
    def critic_bar(self) -> QueryBar:
        return self.query_one("#critic-bar", QueryBar)

    @property
    def title_bar(self) -> QueryBar:
        return self.query_one("#title-bar", QueryBar)

    @property
    def publication_bar(self) -> QueryBar:
        return self.query_one("#publication-bar", QueryBar)

    @property
    def find_bar(self) -> QueryBar:
        return self.query_one("#find-bar", QueryBar)

    def _bars(self) -> tuple[QueryBar, ...]:
        return (self.critic_bar, self.publication_bar, self.title_bar, self.find_bar)

    def _open_bar(self, bar: QueryBar, suggester: CriticSuggester | None = None) -> None:
        """One bar open at a time; the lists take focus back when it closes (QueryBar.Done)."""
        if self.repository is None:
            return
        self._remember_focus()
        for other in self._bars():
            if other is not bar:
                other.close()
        bar.open(suggester)

    # -- loading -------------------------------------------------------------------------------

    def show_progress(self, message: str) -> None:
        self.status.show_message(message)

    def attach(self, repository: Repository) -> None:
        """Fill the panes from an open repository and start watching it for other writers."""
        self.session.attach(repository)
        for pane in (self.films, self.reviews_pane.list):
            del pane.empty_text  # back to the list's own "nothing here" text
        self.status.show_path(repository.path)
        self.reload_films()
        if self.selected_film is None and (current := self.films.current) is not None:
            self.show_film(current.film.id)
        focus_now(self.films)
        self.set_interval(REFRESH_SECONDS, self.refresh_from_disk, name="refresh-from-disk")
        for warning in repository.warnings:
            self.notify(one_line(warning), title="Database", severity="warning", markup=False)

    # -- drawing what the session lists ---------------------------------------------------------

    def reload_films(self, *, top: bool = False) -> None:
        """Re-read the films list (filters and sort applied), keeping the selected film if it is listed
        (top: the cursor goes to the first film instead, after a new order)."""
        repository = self.repository
        if repository is None:
            return
        rows = self.session.films()
        self.films.show_sort(FILM_SORT_COLUMNS[self.film_sort], self.session.films_descending)
        self.films.set_rows(rows, keep=None if top else self.selected_film, announce=False, reset=top)
        pane = self.query_one("#films-pane")
        pane.border_title = Content(f"Films · {self.session.film_sort_label}")
        total = repository.film_count
        pane.border_subtitle = Content(f"{len(rows)} of {total}" if len(rows) != total else f"{total}")
        current = self.films.current
        if current is None:
            self._show_nothing()
        elif current.film.id != self.selected_film:
            self.show_film(current.film.id)
        else:
            self.show_film(current.film.id, keep_review=self.reviews.current.id if self.reviews.current else None)
        self._schedule_profile()
        self._update_status()
        self._sync_bindings()

    def show_film(self, film_id: int, *, keep_review: int | None = None) -> None:
        """Fill the reviews pane and the gauge for this film."""
        if self.repository is None:
            return
        changed = film_id != self.selected_film
        try:
            summary = self.session.select_film(film_id)
        except StoreError:
            self._show_nothing()
            return
        self.gauge.show(summary)
        title = content(summary.film.label)
        if self.session.top_only:
            title += Content(" · top critics")
        self.query_one("#summary-pane").border_title = title
        self._show_profile()
        self.reload_reviews(keep=None if changed else keep_review, reset=changed)

    def reload_reviews(self, *, keep: int | None = None, reset: bool = False) -> None:
        repository = self.repository
        if repository is None or self.selected_film is None:
            return
        pane = self.reviews_pane
        film = repository.film(self.selected_film)
        pane.border_title = Content("Reviews · ") + content(film.label)
        try:
            rows = self.session.reviews()
        except StoreError as error:
            # This film's reviews are damaged on disk (read when first asked for): say so, and
            # the rest of the database goes on working (`critics check` says what is damaged).
            self.reviews.set_rows([], announce=False)
            pane.detail.show(None)
            pane.border_subtitle = Content("cannot be read: see critics check")
            self.notify(one_line(str(error)), title="Damaged", severity="error", markup=False)
            return
        review_list = self.reviews
        review_list.show_sort(REVIEW_SORT_COLUMNS[self.review_sort], self.session.reviews_descending)
        review_list.set_rows(rows, keep=keep, announce=False, reset=reset)
        pane.detail.show(review_list.current)
        count = f"{len(rows)}"
        if self.critic_query and self.session.critic_exact:
            count += f" by {one_line(self.critic_query)}"
        elif self.critic_query:
            count += f" by critics matching “{one_line(self.critic_query)}”"
        if self.session.publication_query:
            count += f" in “{one_line(self.session.publication_query)}”"
        if self.session.text_query:
            count += f" holding “{one_line(self.session.text_query)}”"
        if self.session.top_only:
            count += " · top critics"
        pane.border_subtitle = Content(f"{count} · {self.session.review_sort_label}")
        self._sync_bindings()

    def _show_nothing(self) -> None:
        self.gauge.show(None)
        self.query_one("#summary-pane").border_title = Content("Summary")
        self.reviews.set_rows([], announce=False)
        self.reviews_pane.detail.show(None)
        self.reviews_pane.border_title = Content("Reviews")
        self.reviews_pane.border_subtitle = Content("no film listed")
        self._show_profile()

    def _show_profile(self) -> None:
        """Under a critic filter the summary area shows the critic's profile instead of the gauge."""
        filtering = self.session.critic_filtered
        self.gauge.display = not filtering
        self.profile.display = filtering
        if filtering:
            self.query_one("#summary-pane").border_title = Content("Critic profile")

    def _schedule_profile(self) -> None:
        """Recompute the profile once typing pauses: the first one over many critics can take
        a few hundred milliseconds in the store, and the lists must follow every keystroke."""
        if self._profile_timer is not None:
            self._profile_timer.stop()
            self._profile_timer = None
        if self.session.critic_filtered:
            self.profile.show_pending(self.critic_query)
            self._profile_timer = self.set_timer(PROFILE_DELAY, self._compute_profile)

    def _compute_profile(self) -> None:
        self._profile_timer = None
        repository = self.repository
        if repository is None or not self.session.critic_filtered:
            return
        exact = self.session.critic_exact
        matching = len(repository.matching_critics(self.critic_query, exact=exact))
        if matching > PROFILE_MAX_CRITICS:
            # A profile of hundreds of critics says little and costs the most: ask for more letters.
            self.profile.show_too_many(self.critic_query, matching)
        else:
            profile = repository.critic_profile(self.critic_query, exact=exact, top_only=self.session.top_only)
            self.profile.show(self.critic_query, profile)

    def _update_status(self, message: str = "") -> None:
        repository = self.repository
        if repository is None:
            return
        self.status.show_state(
            critic=self.critic_query,
            critic_exact=self.session.critic_exact,
            publication=self.session.publication_query,
            title=self.title_query,
            text=self.session.text_query,
            top_only=self.session.top_only,
            films_listed=len(self.films.rows),
            films_total=repository.film_count,
            reviews_total=repository.review_count,
            message=message,
        )

    def refresh_from_disk(self) -> bool:
        """Pick up other processes' writes; redraw only if something changed."""
        if self.repository is None:
            return False
        try:
            changed = self.session.refresh()
        except StoreError as error:
            self.notify(one_line(str(error)), title="Refresh failed", severity="error", markup=False)
            return False
        if changed:
            self.reload_films()
        return changed

    # -- keys -> intents ---------------------------------------------------------------------

    def action_help(self) -> None:
        after_keys_land(self, self.app.action_help)

    def action_critic_filter(self) -> None:
        after_keys_land(self, self._open_critic_bar)

    def _open_critic_bar(self) -> None:
        if self.repository is not None:
            self._open_bar(self.critic_bar, CriticSuggester(self.repository.critics()))

    def action_publication_filter(self) -> None:
        after_keys_land(self, self._open_publication_bar)

    def _open_publication_bar(self) -> None:
        if self.repository is not None:
            names = [publication.name for publication in self.repository.publications()]
            self._open_bar(self.publication_bar, CriticSuggester(names))

    def action_title_search(self) -> None:
        after_keys_land(self, lambda: self._open_bar(self.title_bar))

    def action_find(self) -> None:
        after_keys_land(self, lambda: self._open_bar(self.find_bar))

    def action_find_everywhere(self) -> None:
        after_keys_land(self, lambda: self.post_message(FindEverywhereRequested(self.session.text_query)))

    def action_new_film(self) -> None:
        after_keys_land(self, lambda: self.post_message(FilmFormOpened()))

    def action_edit(self) -> None:
        after_keys_land(self, self._edit)

    def _edit(self) -> None:
        if self.focused is self.reviews and (review := self.reviews.current) is not None:
            self.post_message(ReviewFormOpened(review.id))
        elif self.focused is self.films and (film := self.films.current) is not None:
            self.post_message(FilmFormOpened(film.film.id))

    def action_delete(self) -> None:
        after_keys_land(self, self._delete_focused)

    def _delete_focused(self) -> None:
        if self.focused is self.reviews and (review := self.reviews.current) is not None:
            self.post_message(ReviewDeleteRequested(review.id))
        elif self.focused is self.films and (film := self.films.current) is not None:
            self.post_message(FilmDeleteRequested(film.film.id))

    def action_add_review(self) -> None:
        after_keys_land(self, lambda: self.post_message(ReviewFormOpened()))

    def action_choose_film(self) -> None:
        after_keys_land(self, self._choose_film)

    def _choose_film(self) -> None:
        if self.focused is self.films:
            self.films.action_choose()

    def action_next_pane(self) -> None:
        after_keys_land(self, self.focus_next)

    def action_previous_pane(self) -> None:
        after_keys_land(self, self.focus_previous)

    def action_undo(self) -> None:
        after_keys_land(self, lambda: self.post_message(UndoRequested()))

    def action_nothing_to_undo(self) -> None:
        after_keys_land(self, lambda: self.post_message(UndoRequested()))

    def action_top_critics(self) -> None:
        on = self.session.toggle_top_only()
        self.reload_films()
        self._update_status("" if on else "All critics again.")  # on: the state says "top critics only"

    def action_refresh(self) -> None:
        self.post_message(RefreshRequested())

    def action_clear_filters(self) -> None:
        # Escape in the lists drops a filter kept with enter, without reopening its bar.
        if self.critic_query:
            self.post_message(CriticFilterChanged(""))
        if self.title_query:
            self.post_message(TitleFilterChanged(""))
        if self.session.publication_query or self.session.text_query:
            self.publication_bar.set_value("")
            self.find_bar.set_value("")
            self.session.set_publication_query("")
            self.session.set_text_query("")
            self.reload_films()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        focused = self.focused
        if action in (
            "help", "critic_filter", "publication_filter", "title_search", "find", "find_everywhere", "add_review",
            "new_film", "edit", "delete", "undo", "nothing_to_undo", "taste", "no_single_critic",
        ) and is_text_field(focused):
            return False  # a letter in a field ("/" too: Textual does not count "slash" as printable)
        if action in ("next_pane", "previous_pane") and focused is not None and self.reviews_pane.form in focused.ancestors:
            return False  # the form moves between its own fields
        if action in ("edit", "delete"):
            # In the lists, on their highlighted row: greyed in the footer when there is none.
            if focused is self.reviews:
                return None if self.reviews.current is None else True
            if focused is self.films:
                return None if self.films.current is None else True
            return False
        if action == "new_film":
            return focused is self.films
        if action == "choose_film":
            return focused is self.films
        if action == "taste":
            return self.single_critic() is not None
        if action == "no_single_critic":
            return self.single_critic() is None
        if action == "undo" and not self.session.can_undo:
            return None
        if action == "nothing_to_undo" and self.session.can_undo:
            return False
        if action == "clear_filters" and not self.session.filtered:
            return False
        if action == "add_review" and not self.session.can_add_review:
            return None
        return True

    def _sync_bindings(self) -> None:
        """Redraw the footer only when an action became (un)available: recomposing it costs ~10 ms."""
        state = (self.session.can_undo, self.session.can_add_review, self.session.filtered, self.single_critic() is not None)
        if state != self._binding_state:
            self._binding_state = state
            self.refresh_bindings()

    def _remember_focus(self) -> None:
        focused = self.focused
        if focused is self.reviews:
            self._last_focus = "reviews"
        elif focused is self.films:
            self._last_focus = "films"

    def _restore_focus(self) -> None:
        focus_now(self.reviews if self._last_focus == "reviews" else self.films)

    # -- intents -----------------------------------------------------------------------------

    @on(FilmChosen)
    def _film_chosen(self, event: FilmChosen) -> None:
        event.stop()
        if self.repository is None:
            return
        if event.move is not None and event.move != self.films.moves:
            return  # the cursor has moved again since: that move's choice is on its way
        if not event.focus_reviews and self.films.index_of(event.film_id) is None:
            return  # the films cursor was there before the list changed (typing a filter): stale
        if self.session.choose_film(event.film_id):  # it was hidden: the filters are gone
            self._show_filters_dropped()
            self.reload_films()
        self.films.move_to_key(event.film_id, announce=False)
        if event.film_id != self.selected_film:
            self.show_film(event.film_id)
        if event.focus_reviews:
            focus_now(self.reviews)

    @on(QueryBar.Changed, "#critic-bar")
    def _critic_typed(self, event: QueryBar.Changed) -> None:
        self.post_message(CriticTyped(event.value, event.generation))

    @on(QueryBar.Changed, "#title-bar")
    def _title_typed(self, event: QueryBar.Changed) -> None:
        self.post_message(TitleTyped(event.value, event.generation))

    @on(QueryBar.Changed, "#publication-bar")
    def _publication_typed(self, event: QueryBar.Changed) -> None:
        event.stop()
        if event.generation != self.publication_bar.generation:
            return  # typed before the bar was set from elsewhere: out of date
        self.session.set_publication_query(event.value)
        self.reload_films()

    @on(QueryBar.Changed, "#find-bar")
    def _find_typed(self, event: QueryBar.Changed) -> None:
        event.stop()
        if event.generation != self.find_bar.generation:
            return
        self.session.set_text_query(event.value)
        self.reload_reviews(keep=self.reviews.current.id if self.reviews.current else None)
        self._update_status()
        self._sync_bindings()

    @on(QueryBar.Done)
    def _bar_done(self, event: QueryBar.Done) -> None:
        self._restore_focus()

    def _show_filters_dropped(self) -> None:
        """The session dropped the filters (to show a film they hid): the bars say so."""
        for bar in (self.critic_bar, self.publication_bar, self.title_bar):
            self._show_query(bar, "")

    @staticmethod
    def _show_query(bar: QueryBar, query: str) -> None:
        """A filter set elsewhere (the palette, escape) shows in its bar, without announcing it again
        (and what was typed before it, still on its way, is out of date: QueryBar.generation)."""
        bar.set_value(query)

    @on(CriticFilterChanged)
    def _critic_filter_changed(self, event: CriticFilterChanged) -> None:
        event.stop()
        if isinstance(event, CriticTyped):
            # The bar is the source, never written back; typed before the filter was set
            # elsewhere (the palette), the change is out of date.
            if event.generation != self.critic_bar.generation:
                return
            self.session.set_critic_query(event.query)
        elif isinstance(event, ExactCriticChosen):  # that critic and no other (the taste match's enter)
            self.critic_bar.set_value(event.query, note=f"exactly {one_line(event.query)}")
            self.session.set_critic_query(event.query, exact=True)
        else:
            self._show_query(self.critic_bar, event.query)
            self.session.set_critic_query(event.query)
        self.reload_films()

    def _review_or_say_why(self, review_id: int) -> Review | None:
        """The review an intent names, or None with the reason notified (another process may
        have deleted it since it was listed)."""
        if self.repository is None:
            return None
        try:
            return self.repository.review(review_id)
        except StoreError as error:
            self.notify(one_line(str(error)), severity="error", markup=False)
            return None

    @on(ReviewCriticRequested)
    def _review_critic_requested(self, event: ReviewCriticRequested) -> None:
        event.stop()
        review = self._review_or_say_why(event.review_id)
        if review is None:
            return
        problem = self.session.filter_by_critic_of(review)
        if problem is not None:
            self._update_status(problem)
            return
        self.critic_bar.set_value(self.critic_query, note=f"exactly {one_line(self.critic_query)}")
        self.reload_films()

    @on(TitleFilterChanged)
    def _title_filter_changed(self, event: TitleFilterChanged) -> None:
        event.stop()
        if isinstance(event, TitleTyped):
            if event.generation != self.title_bar.generation:
                return  # as for the critic bar
        else:
            self._show_query(self.title_bar, event.query)
        self.session.set_title_query(event.query)
        self.reload_films()

    @on(SortCycled)
    def _sort_cycled(self, event: SortCycled) -> None:
        event.stop()
        # A new order shows its top: the cursor goes to the first row.
        if event.pane == "films":
            self.session.cycle_film_sort()
            self.reload_films(top=True)
        else:
            self.session.cycle_review_sort()
            self.reload_reviews(reset=True)

    @on(SortReversed)
    def _sort_reversed(self, event: SortReversed) -> None:
        event.stop()
        if self.repository is None:
            return
        if event.pane == "films":
            self.session.reverse_film_sort()
            self.reload_films(top=True)
        else:
            self.session.reverse_review_sort()
            self.reload_reviews(reset=True)

    @on(ReviewList.Highlighted)
    def _review_highlighted(self, event: ReviewList.Highlighted) -> None:
        self.reviews_pane.detail.show(event.review)

    @on(ReviewList.ExpandToggled)
    def _expand(self) -> None:
        self.reviews_pane.toggle_expanded()

    @on(ReviewFormOpened)
    def _form_opened(self, event: ReviewFormOpened) -> None:
        event.stop()
        repository = self.repository
        if repository is None or not self.session.can_add_review:
            self.notify("Choose a film first.", severity="warning", markup=False)
            return
        critics = repository.critics()
        publications = [publication.name for publication in repository.publications()]
        pane = self.reviews_pane
        form = pane.open_form()
        if event.review_id is None:
            film = repository.film(self.selected_film)
            form.open_add(film.id, film.label, self.today(), critics, publications)
        else:
            review = self._review_or_say_why(event.review_id)
            if review is None:
                pane.close_form()
                return
            form.open_edit(review, repository.film(review.film_id).label, critics, publications)
        self._fit_form()
        self.call_after_refresh(self.reviews.scroll_to_cursor)

    @on(ReviewFormClosed)
    def _form_closed(self, event: ReviewFormClosed) -> None:
        event.stop()
        if event.changed:

            def answered(discard: bool | None) -> None:
                if discard:
                    self.post_message(ReviewFormClosed())

            question = Content("Discard the changes to this review?")
            self.app.push_screen(ConfirmScreen(question, "Discard changes"), answered)
            return
        self.reviews_pane.close_form()
        self._fit_form()
        focus_now(self.reviews)

    def _fit_form(self) -> None:
        """The open form takes the whole screen (but the footer) on a terminal too short to show it
        beside the other panes: it must be seen to be typed into. Closed, the panes come back."""
        pane = self.reviews_pane
        if not pane.editing:
            if self.maximized is pane:
                self.minimize()
        elif self.maximized is not pane and pane.region.height < FORM_ROOM:
            self.maximize(pane, container=False)

    @on(events.Resize)
    def _refit_form(self, event: events.Resize) -> None:
        if self.reviews_pane.editing:
            self.minimize()  # measured again at the new size, once laid out
            self.call_after_refresh(self._fit_form)

    @on(ReviewSubmitted)
    def _review_submitted(self, event: ReviewSubmitted) -> None:
        event.stop()
        if self.repository is None:
            return
        form = self.reviews_pane.form
        try:
            outcome = self.session.save(event.film_id, event.review_id, event.draft)
        except ValidationError as error:
            form.show_errors(error.errors)
            return
        except StoreError as error:
            form.show_errors({"excerpt": str(error)})
            return
        self.reviews_pane.close_form()
        self._fit_form()
        self._show_outcome(outcome, focus_reviews=True)

    def _show_outcome(self, outcome: Outcome, *, focus_reviews: bool) -> None:
        """After a change: the film's badge and gauge redrawn, the changed review under the cursor."""
        if outcome.filters_dropped:
            self._show_filters_dropped()
        self.reload_films()
        if outcome.review is not None:
            self.reload_reviews(keep=outcome.review.id)
        if focus_reviews:
            focus_now(self.reviews)
        self._update_status(outcome.message)
        self._sync_bindings()

    @on(ReviewDeleteRequested)
    def _delete_requested(self, event: ReviewDeleteRequested) -> None:
        event.stop()
        review = self._review_or_say_why(event.review_id)
        if review is None or (repository := self.repository) is None:
            return
        question = Content("Delete this review of ") + content(repository.film(review.film_id).label)
        question += Content("?\n") + review_heading(review)

        def answered(yes: bool | None) -> None:
            if yes:
                self._delete(review.id)

        self.app.push_screen(ConfirmScreen(question, "Delete review"), answered)

    def _delete(self, review_id: int) -> None:
        try:
            outcome = self.session.delete(review_id)
        except StoreError as error:
            self.notify(one_line(str(error)), severity="error", markup=False)
            return
        self._show_outcome(outcome, focus_reviews=True)

    @on(UndoRequested)
    def _undo(self, event: UndoRequested) -> None:
        event.stop()
        if self.repository is None:
            return
        try:
            outcome = self.session.undo()
        except StoreError as error:
            self.notify(f"Cannot undo: {one_line(str(error))}", severity="error", markup=False)
            self._sync_bindings()
            return
        if outcome is None:
            self._update_status("Nothing to undo.")
        else:
            # Undoing an add leaves the focus where it was; bringing a review back puts it under the cursor.
            self._show_outcome(outcome, focus_reviews=outcome.review is not None)

    @on(PublicationWeightChanged)
    def _weight_changed(self, event: PublicationWeightChanged) -> None:
        event.stop()
        if self.repository is None:
            return
        try:
            publication = self.session.set_publication_weight(event.publication, event.weight)
        except StoreError as error:
            self.notify(one_line(str(error)), severity="error", markup=False)
            return
        self.reload_films()
        self._update_status(f"{one_line(publication.name)} now weighs {publication.weight:g}.")

    @on(RefreshRequested)
    def _refresh_requested(self, event: RefreshRequested) -> None:
        event.stop()
        changed = self.refresh_from_disk()
        self._update_status("Refreshed: new data." if changed else "Refreshed: nothing new.")
