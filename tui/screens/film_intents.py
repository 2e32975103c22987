"""The films pane's n, e and d: the film form, saving what it holds, and deleting a film once the
person confirms. Mixed into BrowserScreen; Textual finds these handlers by name (on_<message>)
along the class's MRO, as it finds the screen's own."""

from __future__ import annotations

from textual.content import Content

from store.domain import Film
from store.errors import StoreError, ValidationError
from tui.messages import FilmDeleteRequested, FilmFormOpened
from tui.plain import content, one_line
from tui.screens.confirm import ConfirmScreen
from tui.screens.film_form import FilmFields, FilmFormScreen
from tui.widgets.focus import focus_now
from tui.words import counted


class FilmIntents:
    """Needs the browser's session, repository, films list and _show_outcome."""

    async def on_film_form_opened(self, event: FilmFormOpened) -> None:
        event.stop()
        if self.repository is None:
            return
        film: Film | None = None
        if event.film_id is not None:
            try:
                film = self.repository.film(event.film_id)
            except StoreError as error:
                self.notify(one_line(str(error)), severity="error", markup=False)
                return
        # Awaited: the key hold's last marker comes through the browser after this handler, so
        # the keys typed after `n` reach the form only once its title field has focus (under load
        # a form still mounting took them and they were lost).
        await self.app.push_screen(FilmFormScreen(self.save_film, film))

    def save_film(self, fields: FilmFields) -> dict[str, str] | None:
        """Save what the film form holds; the store's reasons per field if it refuses (then
        nothing changed), else None, with the film shown and the films pane focused."""
        try:
            if fields.film_id is None:
                outcome = self.session.add_film(fields.title, fields.year, fields.director)
            else:
                outcome = self.session.edit_film(fields.film_id, fields.title, fields.year, fields.director)
        except ValidationError as error:
            return dict(error.errors)
        except StoreError as error:
            return {"title": str(error)}
        self._show_outcome(outcome, focus_reviews=False)
        focus_now(self.films)
        return None

    def on_film_delete_requested(self, event: FilmDeleteRequested) -> None:
        event.stop()
        repository = self.repository
        if repository is None:
            return
        try:
            film = repository.film(event.film_id)
            reviews = len(repository.reviews(event.film_id))
        except StoreError as error:
            self.notify(one_line(str(error)), severity="error", markup=False)
            return
        question = Content("Delete ") + content(film.label)
        question += Content(f" and its {counted(reviews, 'review')}?" if reviews else "? It has no reviews.")

        def answered(yes: bool | None) -> None:
            if yes:
                try:
                    outcome = self.session.delete_film(film.id)
                except StoreError as error:
                    self.notify(one_line(str(error)), severity="error", markup=False)
                    return
                self._show_outcome(outcome, focus_reviews=False)

        self.app.push_screen(ConfirmScreen(question, "Delete film"), answered)
