"""Names and titles as a person types them: completing a critic's name from any of its words, and
the close names to offer when one is unknown ("did you mean"). Pure functions over folded text
(store/text.py `fold`), so they are blind to case and accents like every filter of the store;
rapidfuzz ranks what several candidates share."""

from __future__ import annotations

from typing import Hashable, Iterable, Mapping, TypeVar

from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

from store.text import fold

K = TypeVar("K", bound=Hashable)

# rapidfuzz's WRatio (0-100) a name needs to be offered as close when no word of it starts
# like the words typed: 'Pushr' is 91 from 'Pusher', 'muller' 50 from 'Pusher'.
CLOSE_CUTOFF = 70.0

# The order completions come in: the name starts as typed, a later word does, it is inside a word.
NAME_START, WORD_START, INSIDE_WORD = 0, 1, 2


def _word_end(folded: str, at: int) -> int:
    """Where the word going on at position at ends (at itself if no word goes on there)."""
    end = at
    while end < len(folded) and folded[end].isalnum():
        end += 1
    return end


def _placed(query: str, folded: str) -> tuple[int, int] | None:
    """How well the folded query sits in a folded name: (NAME_START, WORD_START or INSIDE_WORD,
    the position it is found at), or None if the name does not hold it."""
    at = folded.find(query)
    if at < 0:
        return None
    if at == 0:
        return NAME_START, 0
    first = at
    while at >= 0:
        if not folded[at - 1].isalnum():
            return WORD_START, at
        at = folded.find(query, at + 1)
    return INSIDE_WORD, first


def completions(
    query: str, names: Iterable[str], *, folds: Mapping[str, str] | None = None, limit: int | None = None
) -> list[str]:
    """The names that hold what was typed, best first: those it starts, then those with a word it
    starts, then those with a word it is inside; within each, the closest to the word typed (the
    rapidfuzz ratio of the query to the name's words from where it is found), then by name.

    Case- and accent-blind ('zoe' finds 'Zoë Brandt', 'vik' 'Søren Vik'); folds, if given, holds
    names already folded (the repository's critic_folds)."""
    needle = fold(query).lstrip()
    if not needle.strip():
        return []
    ranked = []
    for name in names:
        folded = folds.get(name) if folds is not None else None
        if folded is None:
            folded = fold(name)
        placed = _placed(needle, folded)
        if placed is None:
            continue
        where, at = placed
        words = folded[at:_word_end(folded, at + len(needle))]
        ranked.append((where, -fuzz.ratio(needle, words), folded, name))
    ranked.sort()
    return [name for *_, name in ranked[:limit]]


def complete(query: str, names: Iterable[str], *, folds: Mapping[str, str] | None = None) -> str | None:
    """The one name to complete what was typed to, with its own case and accents, or None."""
    best = completions(query, names, folds=folds, limit=1)
    return best[0] if best else None


def close_matches(
    query: str, folded: Mapping[K, str], *, limit: int = 3, cutoff: float = CLOSE_CUTOFF
) -> list[K]:
    """The keys of folded (key -> folded text) whose text is close to query, best first, at most
    limit: first those where every word typed starts a word of the text ('muller' for "Müller's
    Last Summer", 'last sum' too), then those rapidfuzz's WRatio puts at cutoff or above ('Pushr'
    for 'Pusher'); within each, by that score, then by text."""
    needle = default_process(fold(query))
    if not needle:
        return []
    typed = needle.split()
    ranked = []
    for key, text in folded.items():
        candidate = default_process(text)
        score = fuzz.WRatio(needle, candidate)
        words = candidate.split()
        prefixes = all(any(word.startswith(part) for word in words) for part in typed)
        if prefixes or score >= cutoff:
            ranked.append((not prefixes, -score, text, key))
    ranked.sort(key=lambda entry: entry[:3])  # keys need not be comparable; ties keep their order
    return [key for *_, key in ranked[:limit]]
