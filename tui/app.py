"""The Critics browser: the Textual app, its factory (shared by the console script and the tests) and its runner."""

from __future__ import annotations

import gc
import sys
from collections import deque
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.message import Message
from textual.message_pump import MessagePump
from textual.theme import Theme
from textual.timer import Timer

from store.errors import StoreError
from store.sample import open_repository
from tui.screens.browser import BrowserScreen
from tui.screens.help import HelpScreen
from tui.settings import load_settings, save_settings, settings_path_for

if TYPE_CHECKING:
    from store.repository import Repository

def _film_commands():
    from tui.providers import FilmCommands

    return FilmCommands


def _critic_commands():
    from tui.providers import CriticCommands

    return CriticCommands


def _publication_commands():
    from tui.providers import PublicationCommands

    return PublicationCommands


class KeysLanded(Message):
    """Sent after the keys a widget was given, the way they went: reaching the App, they are handled."""

    def __init__(self, hold: KeyHold) -> None:
        super().__init__()
        self.hold = hold


class OpeningProgress(Message):
    """How far opening the database has got (posted from the opening thread: posting never waits
    for the UI, where call_from_thread would wait for a frame at each step)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class KeyHold:
    """A priority key waiting for the keys typed before it (CriticsApp.hold_keys_until)."""

    # Rounds of markers before the action: the keys themselves, then the messages their actions
    # posted (a cursor key's FilmChosen, a field's Changed).
    ROUNDS_BEFORE = 2
    # Past this, the action runs and the keys go on anyway (a marker lost some way not foreseen);
    # long enough for a queue of refilters on a large store to drain first.
    TIMEOUT = 5.0
    # How often a waiting hold looks for markers whose way back closed under them.
    LOST_CHECK = 0.02

    def __init__(self, action: Callable[[], Any]) -> None:
        self.action = action
        self.rounds_before = self.ROUNDS_BEFORE
        self.acted = False
        # The markers of this round not back yet, each with the nodes it bubbles through.
        self.waiting: dict[KeysLanded, tuple[MessagePump, ...]] = {}
        self.timer: Timer | None = None
        self.lost_check: Timer | None = None

    def lost(self) -> bool:
        """Drop the markers that cannot come back: a node on their way closed (a screen a
        confirmation's callback dismissed). What was queued there went with it."""
        for marker, way in list(self.waiting.items()):
            if any(node._closing or node._closed for node in way):
                del self.waiting[marker]
        return not self.waiting


# Past this many reviews, freezing the loaded objects out of the garbage collector's view
# trims its pauses (docs/textual.md).
FREEZE_AFTER_REVIEWS = 50_000


class CriticsApp(App[None]):
    """Films, their critic reviews and the Metascore they add up to, driven from the keyboard."""

    CSS_PATH = "critics.tcss"
    TITLE = "Critics"
    # Providers load when the palette first opens: textual.command costs ~40 ms of start-up.
    COMMANDS = App.COMMANDS | {_film_commands, _critic_commands, _publication_commands}
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (120, "-wide")]
    VERTICAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-short"), (24, "-tall")]

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "help", "Help"),
    ]

    def __init__(
        self,
        *,
        path: Path | None = None,
        repository: Repository | None = None,
        seed_sample: bool = False,
        today: Callable[[], date] = date.today,
    ) -> None:
        if (path is None) == (repository is None):
            raise ValueError("give the app a database path or an open repository, not both")
        self._path = Path(path) if path is not None else repository.path  # type: ignore[union-attr]
        self._seed_sample = seed_sample
        self._today = today
        self._owns_repository = repository is None
        self.repository: Repository | None = repository
        self.error: str | None = None
        self._settings_path = settings_path_for(self._path)
        self._settings = load_settings(self._settings_path)
        # Keys typed ahead (hold_keys_until): where keys went since routing last settled, the
        # keys held behind a priority key, and that key's hold.
        self._routed: list[MessagePump] = []
        self._held: deque[events.Event] = deque()
        self._hold: KeyHold | None = None
        super().__init__()

    def get_default_screen(self) -> BrowserScreen:
        return BrowserScreen(today=self._today)

    @property
    def browser(self) -> BrowserScreen:
        screen = self.screen_stack[0]
        assert isinstance(screen, BrowserScreen)
        return screen

    def on_ready(self, event: events.Ready) -> None:
        # Ready comes once the first screen is composed (and painted): now fill it.
        theme = self._settings.get("theme")
        if isinstance(theme, str) and theme in self.available_themes:
            self.theme = theme
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        if self.repository is not None:
            self.browser.attach(self.repository)
        else:
            # After the first frame, not beside it: the two would share the GIL and the first
            # frame would come later (the bench's first_paint), the data no sooner.
            self.browser.show_progress(f"Opening {self._path} …")
            self._open_repository()

    # -- opening the database off the UI thread ------------------------------------------

    @work(thread=True, exclusive=True, group="open")
    def _open_repository(self) -> None:
        def progress(message: str) -> None:
            self.post_message(OpeningProgress(f"Opening {self._path.name}: {message} …"))

        # Opening makes objects by the ten thousand and keeps them: with the collector on, each of
        # its passes would also walk everything Textual made at start-up (most of the open's time
        # in a launched browser). They are frozen below once the store is large.
        gc.disable()
        try:
            repository = open_repository(self._path, seed_sample=self._seed_sample, progress=progress)
        except StoreError as error:
            gc.enable()
            self.call_from_thread(self._failed, str(error))
            return
        if repository.review_count > FREEZE_AFTER_REVIEWS:
            gc.freeze()  # the loaded store never becomes garbage: keep it out of every collection
        gc.enable()
        self.call_from_thread(self._opened, repository)

    def on_opening_progress(self, message: OpeningProgress) -> None:
        if self.repository is None:  # a late step after the panes were filled says nothing
            self.browser.show_progress(message.text)

    def _opened(self, repository: Repository) -> None:
        self.repository = repository
        self.browser.attach(repository)

    def _failed(self, message: str) -> None:
        self.error = message
        self.exit(return_code=1)

    def on_unmount(self) -> None:
        if self._owns_repository and self.repository is not None:
            self.repository.close()

    # -- app-wide behaviour ----------------------------------------------------------------

    def on_app_focus(self, event: events.AppFocus) -> None:
        # Coming back to the terminal: another process may have written meanwhile.
        if self.repository is not None:
            self.browser.refresh_from_disk()

    def _remember_theme(self, theme: Theme) -> None:
        if self._settings.get("theme") == theme.name:
            return
        self._settings["theme"] = theme.name
        try:
            save_settings(self._settings_path, self._settings)
        except OSError as error:
            self.notify(f"Cannot remember the theme: {error.strerror or error}", severity="warning", markup=False)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    # -- keys typed ahead (docs/textual.md, "Key routing and type-ahead") -------------------

    async def on_event(self, event: events.Event) -> None:
        # A key (or paste) from the terminal: held while a priority key waits for the keys before
        # it, else routed as Textual does, noting the widget it went to.
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded:
            if self._hold is not None:
                self._held.append(event)
                return
            target = self.focused or self.screen
            await super().on_event(event)
            if event.is_forwarded and target not in self._routed:
                self._routed.append(target)
            return
        await super().on_event(event)

    def hold_keys_until(self, action: Callable[[], Any]) -> None:
        """Run action (a priority binding's, which moves focus or changes where keys go) once
        every key typed before it has been handled, and only then route the keys typed after it.

        A KeysLanded marker goes to each widget a key went to and bubbles up as the keys did: each
        queue is first in, first out, so when every marker has reached the App, so has every key
        (a binding acts on a key only when it reaches the App). A second round waits for the
        messages those keys posted (a cursor's FilmChosen). The action runs; one more round, from
        the widget focused after it (and from the browser under a modal screen), waits for what it
        posted (ReviewSubmitted, ReviewFormOpened, a deletion once confirmed).
        Then the held keys are routed in order, as if typed just now."""
        if self._hold is not None:  # not expected: a held key runs no binding
            action()
            return
        hold = self._hold = KeyHold(action)
        hold.timer = self.set_timer(KeyHold.TIMEOUT, lambda: self._give_up(hold))
        hold.lost_check = self.set_interval(KeyHold.LOST_CHECK, lambda: self._check_lost(hold))
        self._advance(hold)

    def _advance(self, hold: KeyHold) -> bool:
        """Send the next round of markers, or run the action; True once the hold is over."""
        while True:
            if hold.rounds_before:
                hold.rounds_before -= 1
                targets = self._routed
            elif not hold.acted:
                hold.acted = True
                hold.action()
                # What the action posted: through the widget focused now (a screen the action
                # closed is gone, and a marker sent there would never land), and through the
                # browser, which acts for the screens over it (a review deleted once confirmed).
                targets = [self.focused or self.screen]
                if self.screen is not self.browser:
                    targets.append(self.browser)
            else:
                break
            hold.waiting = {}
            for target in targets:
                marker = KeysLanded(hold)
                if target.post_message(marker):
                    hold.waiting[marker] = tuple(target.ancestors_with_self) if isinstance(target, DOMNode) else (target,)
            if hold.waiting:
                return False
        for timer in (hold.timer, hold.lost_check):
            if timer is not None:
                timer.stop()
        self._hold = None
        self._routed.clear()
        return True

    async def on_keys_landed(self, message: KeysLanded) -> None:
        message.stop()
        hold = message.hold
        if hold is self._hold and hold.waiting.pop(message, None) is not None:
            if not hold.waiting and self._advance(hold):
                await self._route_held()

    async def _check_lost(self, hold: KeyHold) -> None:
        if hold is self._hold and hold.waiting and hold.lost() and self._advance(hold):
            await self._route_held()

    async def _give_up(self, hold: KeyHold) -> None:
        if hold is self._hold:
            hold.rounds_before = 0
            if not hold.acted:
                hold.acted = True
                hold.action()
            hold.waiting = {}
            if self._advance(hold):
                await self._route_held()

    async def _route_held(self) -> None:
        while self._held and self._hold is None:
            await self.on_event(self._held.popleft())


def make_app(
    *,
    path: Path | None = None,
    repository: Repository | None = None,
    seed_sample: bool = False,
    today: Callable[[], date] = date.today,
) -> CriticsApp:
    """The browser on a database file (opened in a worker) or on an open repository (tests)."""
    return CriticsApp(path=path, repository=repository, seed_sample=seed_sample, today=today)


def run_browser(path: Path, seed_sample: bool = False) -> int:
    """Run the browser on the database at path; the exit code (1 with a one-line error if it cannot open)."""
    app = make_app(path=Path(path), seed_sample=seed_sample)
    app.run()
    if app.error is not None:
        print(f"critics: error: {app.error}", file=sys.stderr)
        return 1
    return app.return_code or 0
