"""How counts read in messages ("1 film", "2 films"): plain Python, for the session as for widgets."""

from __future__ import annotations


def counted(count: int, word: str, plural: str | None = None) -> str:
    """A count with its noun agreeing: "1 film", "2 films", "0 films"."""
    return f"{count} {word if count == 1 else (plural or word + 's')}"
