"""The critic bar's completion: a Textual Suggester over store/names.py `complete`.

Unlike Textual's SuggestFromList it completes from any word of a name and ignores accents ('vik'
offers 'Søren Vik', 'zoe' 'Zoë Brandt'); the suggestion is the whole name with its accents, and
the bar's right arrow accepts it as with any Input suggestion."""

from __future__ import annotations

from typing import Iterable

from textual.suggester import Suggester

from store.names import complete
from store.text import fold


class CriticSuggester(Suggester):
    """Completes a critic's name from the names given (folded once, here)."""

    def __init__(self, names: Iterable[str]) -> None:
        # The names are fixed while the bar is open, so the base class may cache by value.
        super().__init__(use_cache=True, case_sensitive=False)
        self._folds = {name: fold(name) for name in names}

    async def get_suggestion(self, value: str) -> str | None:
        return complete(value, self._folds, folds=self._folds)
