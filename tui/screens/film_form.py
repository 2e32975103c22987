"""Add a film, or change one's title, year or director: a small form over the browser.

The form does not save: ctrl+s (or enter in the last field) hands its fields to the browser's
save function, at once (not by a message: the keys typed after ctrl+s must find the form already
closed, tui/widgets/focus.py); the form closes, or shows the store's reasons beside the fields."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from store.domain import Film
from tui.plain import content, paragraph
from tui.screens.confirm import ConfirmScreen
from tui.widgets.focus import FieldInput, after_keys_land, focus_now

# Field name (as the store names it in ValidationError.errors) and its label, in tab order.
FILM_FIELDS: tuple[tuple[str, str], ...] = (("title", "Title"), ("year", "Year"), ("director", "Director"))


@dataclass(frozen=True, slots=True)
class FilmFields:
    """What the film form holds when saved: a new film (film_id None) or a change to this one."""

    film_id: int | None
    title: str
    year: str | None = None
    director: str | None = None


# Saves the fields; the store's reasons per field when it refuses, else None.
SaveFilm = Callable[[FilmFields], "dict[str, str] | None"]


class FilmFormScreen(ModalScreen[None]):
    """Title (required), year and director. The browser that opened it closes it once saved."""

    # Priority, acting once the keys typed before them have landed (tui/widgets/focus.py): they
    # move focus or close the form.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "cancel", "Cancel", priority=True),
        Binding("tab,down", "move(1)", "Next field", show=False, priority=True),
        Binding("shift+tab,up", "move(-1)", "Previous field", show=False, priority=True),
        Binding("enter", "enter", "Next field", show=False, priority=True),
    ]

    def __init__(self, save: SaveFilm, film: Film | None = None) -> None:
        super().__init__()
        self.save = save
        self.film = film  # None: a new film
        self._opened_with = self._values_of(film)

    @staticmethod
    def _values_of(film: Film | None) -> dict[str, str]:
        if film is None:
            return {"title": "", "year": "", "director": ""}
        return {"title": film.title, "year": str(film.year or ""), "director": film.director or ""}

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "New film" if self.film is None else Content("Edit ") + content(self.film.label)
            for name, label in FILM_FIELDS:
                with Horizontal(classes="field"):
                    yield Label(label)
                    yield FieldInput(self._opened_with[name], id=f"film-{name}", compact=True, select_on_focus=False)
                note = Static("", id=f"film-note-{name}", classes="note")
                note.display = False
                yield note
            yield Static(Content("ctrl+s save · tab next field · escape cancel"), id="film-keys")

    def on_mount(self) -> None:
        focus_now(self.field("title"))
        for name, _ in FILM_FIELDS:
            self.field(name).cursor_position = len(self.field(name).value)

    def field(self, name: str) -> FieldInput:
        return self.query_one(f"#film-{name}", FieldInput)

    @property
    def values(self) -> dict[str, str]:
        return {name: self.field(name).value.strip() for name, _ in FILM_FIELDS}

    @property
    def changed(self) -> bool:
        return self.values != {name: value.strip() for name, value in self._opened_with.items()}

    def show_errors(self, errors: dict[str, str]) -> None:
        """The store's reason beside each field it refused (one on no field goes under the title)."""
        first = None
        for name, _ in FILM_FIELDS:
            reason = errors.get(name)
            if name == "title" and reason is None:
                others = [f"{field}: {why}" for field, why in errors.items() if field not in dict(FILM_FIELDS)]
                reason = "; ".join(others) or None
            note = self.query_one(f"#film-note-{name}", Static)
            note.update(Content("✗ " + paragraph(reason)) if reason else Content(""))
            note.display = reason is not None
            self.field(name).set_class(reason is not None, "-error")
            if reason is not None and first is None:
                first = name
        if first is not None:
            focus_now(self.field(first))

    def _index(self) -> int:
        for index, (name, _) in enumerate(FILM_FIELDS):
            if self.field(name) is self.focused:
                return index
        return 0

    def action_move(self, step: int) -> None:
        after_keys_land(self, lambda: focus_now(self.field(FILM_FIELDS[(self._index() + step) % len(FILM_FIELDS)][0])))

    def action_enter(self) -> None:
        # Enter in the last field saves, as a person filling a form from the top expects.
        after_keys_land(self, lambda: self._save() if self._index() == len(FILM_FIELDS) - 1 else self._move_next())

    def _move_next(self) -> None:
        focus_now(self.field(FILM_FIELDS[self._index() + 1][0]))

    def action_save(self) -> None:
        after_keys_land(self, self._save)

    def _save(self) -> None:
        values = self.values
        fields = FilmFields(
            None if self.film is None else self.film.id,
            values["title"],
            values["year"] or None,
            values["director"] or None,
        )
        errors = self.save(fields)
        if errors:
            self.show_errors(errors)
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        after_keys_land(self, self._cancel)

    def _cancel(self) -> None:
        if not self.changed:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmScreen(Content("Discard the changes to this film?"), "Discard changes"), answered)
