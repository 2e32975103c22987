"""Finding words in review text: what a query asks for, whether an excerpt holds it, where.

A query is its words; an excerpt matches when it holds every one of them, in any order, ignoring
case and accents (the same folding as every filter: store/text.py). Pure functions, so the in-film
filter, the search across every film and the highlighting all agree."""

from __future__ import annotations

from dataclasses import dataclass

from store.domain import Review
from store.text import fold

# Reviews looked at between two reports of a search across every film: a few milliseconds of work
# at 200,000 reviews, so a browser drawing each report never keeps keys waiting longer.
FIND_STEP = 1_000


def words_of(query: str) -> tuple[str, ...]:
    """The folded words a query asks for; none for a blank query (which matches nothing)."""
    return tuple(dict.fromkeys(fold(query).split()))  # a repeated word asks for nothing more


def holds(text: str, words: tuple[str, ...]) -> bool:
    """Whether text holds every word (words from words_of)."""
    if not words:
        return False
    folded = fold(text)
    if len(words) == 1:
        return words[0] in folded  # the common case, run on every review of a search
    return all(word in folded for word in words)


def spans(text: str, words: tuple[str, ...]) -> list[tuple[int, int]]:
    """Where in text (offsets into text itself) each word occurs, merged and in order, for
    highlighting. Folding can change a text's length (ß folds to ss), so the text is folded a
    character at a time to map each folded offset back to its character."""
    if not words or not text:
        return []
    starts: list[int] = []  # for each folded character, the index of the character it came from
    pieces: list[str] = []
    if text.isascii():
        folded = text.lower()
        starts = list(range(len(text)))
    else:
        for index, char in enumerate(text):
            piece = fold(char)
            pieces.append(piece)
            starts.extend([index] * len(piece))
        folded = "".join(pieces)
    found: list[tuple[int, int]] = []
    for word in words:
        at = folded.find(word)
        while at != -1:
            end = at + len(word)
            found.append((starts[at], starts[end - 1] + 1))
            at = folded.find(word, end)
    found.sort()
    merged: list[tuple[int, int]] = []
    for start, end in found:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


@dataclass(frozen=True, slots=True)
class FindProgress:
    """One step of a search across every film (Queries.find): the reviews found since the last
    step (possibly none), and how far it has gone, in reviews looked at out of the reviews there
    were when it started."""

    found: tuple[Review, ...]
    looked_at: int
    total: int
