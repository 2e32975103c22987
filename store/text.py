"""Cleaning of every piece of text as it enters the store."""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

# C0 and C1 controls, DEL, and the bidi embedding/override/isolate marks: they can rewrite a
# terminal (ESC sequences) or reorder what is shown (bidi), so they never reach the store.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile("\r\n|[\r\n\x0b\x0c\x85\u2028\u2029]")


def clean_line(text: str | None) -> str:
    """One-line text (names, titles, grades): controls removed, line breaks become spaces."""
    if text is None:
        return ""
    if text.isprintable():  # no control, line break, tab or bidi mark (all are unprintable): the common case
        return text.strip()
    text = _LINE_BREAKS.sub(" ", text).replace("\t", " ")
    return _CONTROL.sub("", text).strip()


def clean_paragraphs(text: str | None) -> str:
    """Multi-line text (excerpts): line breaks kept as "\\n", other controls removed, each line's
    edges stripped; paragraphs keep one blank line between them (a run of blank lines becomes one,
    none at either end)."""
    if text is None:
        return ""
    if text.isprintable():  # one line, nothing to remove: the common case
        return text.strip()
    text = _LINE_BREAKS.sub("\n", text).replace("\t", " ")
    kept: list[str] = []
    for line in text.split("\n"):
        line = _CONTROL.sub("", line).strip()
        if line or (kept and kept[-1]):
            kept.append(line)
    if kept and not kept[-1]:
        kept.pop()
    return "\n".join(kept)


def clean_optional(text: str | None) -> str | None:
    """A one-line optional field: blank becomes None."""
    cleaned = clean_line(text)
    return cleaned or None


# How fold() folds, recorded with every persisted index of folded names (store/digest.py): change
# it whenever fold() or the pinned anyascii changes, and those indexes are built again.
FOLD_RULES = "casefold-nfkd-latin-anyascii-0.3.3"


class _FoldTable(dict):
    """str.translate's table for fold, filled one character at a time as characters are met.

    A combining mark is dropped (the accent of a decomposed 'ë'); a letter of a script other than
    Latin stays as it is (transliterated, different names would merge: 他 and 她 both read "ta");
    anything else, Latin letters that do not decompose (ø, æ, œ, ł, đ, þ, ı) and typography
    (’, –, «) included, becomes anyascii's ASCII form, lower-cased."""

    def __missing__(self, code: int) -> str | None:
        char = chr(code)
        if unicodedata.combining(char):
            value = None
        elif char.isalpha() and not unicodedata.name(char, "LATIN").startswith(("LATIN", "MODIFIER LETTER")):
            value = char
        else:
            value = anyascii(char).lower() or char  # a character anyascii cannot spell stays
        self[code] = value
        return value


# ASCII is there from the start, upper case lowered: NFKD can make some ('℃' is '°C').
_FOLD_TABLE = _FoldTable({code: chr(code).lower() for code in range(128)})


def fold(text: str) -> str:
    """Case- and accent-insensitive form for matching: 'Zoë', 'ZOE' and 'zoe' fold alike, and so
    do 'Søren' and 'soren', 'Æon' and 'aeon', 'Weiß' and 'weiss'. Film identity is the folded
    title with the year, so a change here can make two stored films share a key: the indexes keep
    both and the repository warns (store/indexes.py, Repository.warnings)."""
    if text.isascii():
        return text.lower()  # nothing to decompose: the common case, and much quicker
    return unicodedata.normalize("NFKD", text.casefold()).translate(_FOLD_TABLE)
