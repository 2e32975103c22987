"""The Critics browser: the Textual app, its factory (shared by the console script and the tests) and its runner."""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import ClassVar

from textual import events, work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.theme import Theme

from store.errors import StoreError
from store.repository import Repository
from store.sample import open_repository
from tui.screens.browser import BrowserScreen
from tui.screens.help import HelpScreen
from tui.settings import load_settings, save_settings, settings_path_for

def _film_commands():
    from tui.providers import FilmCommands

    return FilmCommands


def _critic_commands():
    from tui.providers import CriticCommands

    return CriticCommands


def _publication_commands():
    from tui.providers import PublicationCommands

    return PublicationCommands


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
            self.browser.show_progress(f"Opening {self._path} …")
            self._open_repository()

    # -- opening the database off the UI thread ------------------------------------------

    @work(thread=True, exclusive=True, group="open")
    def _open_repository(self) -> None:
        def progress(message: str) -> None:
            self.call_from_thread(self.browser.show_progress, f"Opening {self._path.name}: {message} …")

        try:
            repository = open_repository(self._path, seed_sample=self._seed_sample, progress=progress)
        except StoreError as error:
            self.call_from_thread(self._failed, str(error))
            return
        if repository.review_count > FREEZE_AFTER_REVIEWS:
            gc.freeze()  # the loaded store never becomes garbage: keep it out of every collection
        self.call_from_thread(self._opened, repository)

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
