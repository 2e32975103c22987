"""The browser's way into the taste match (m under a one-critic filter): the view of the critics who
agree, and what enter there chooses (a critic to filter by, a film to go to). Mixed into
BrowserScreen; Textual finds these handlers by name (on_<message>) along the class's MRO."""

from __future__ import annotations

from typing import TYPE_CHECKING

from store.text import fold
from tui.messages import ExactCriticChosen, FilmChosen, TasteMatchRequested
from tui.widgets.focus import after_keys_land

if TYPE_CHECKING:
    from tui.screens.taste import TasteChoice

NOT_ONE_CRITIC = "m: filter by one critic first (c)"


class TasteIntents:
    """Needs the browser's session, repository and status line."""

    _one_critic: tuple[tuple[str, bool, int], str | None] | None = None

    def single_critic(self) -> str | None:
        """The one critic the critic filter names (every name it matches folds alike), or None."""
        repository = self.repository
        session = self.session
        if repository is None or not session.critic_filtered:
            return None
        key = (session.critic_query, session.critic_exact, repository.review_count)
        if self._one_critic is not None and self._one_critic[0] == key:
            return self._one_critic[1]
        names = repository.matching_critics(session.critic_query, exact=session.critic_exact)
        one = names[0] if names and len({fold(name) for name in names}) == 1 else None
        self._one_critic = (key, one)
        return one

    def action_taste(self) -> None:
        after_keys_land(self, self._request_taste)

    def action_no_single_critic(self) -> None:
        after_keys_land(self, self._request_taste)

    def _request_taste(self) -> None:
        critic = self.single_critic()
        if critic is None:
            self._update_status(NOT_ONE_CRITIC)
            return
        self.post_message(TasteMatchRequested(critic))

    async def on_taste_match_requested(self, event: TasteMatchRequested) -> None:
        event.stop()
        repository = self.repository
        if repository is None:
            return

        def chosen(choice: TasteChoice | None) -> None:
            if choice is None:
                return
            if choice.critic is not None:
                self.post_message(ExactCriticChosen(choice.critic))
            elif choice.film_id is not None:
                self.post_message(FilmChosen(choice.film_id, focus_reviews=True))

        # Imported when first opened: the view and the taste arithmetic behind it are not needed
        # for the browser's first frame (first_paint).
        from tui.screens.taste import TasteScreen

        await self.app.push_screen(TasteScreen(repository, event.critic), chosen)  # mounted before keys go on
