"""Cleaning of every piece of text as it enters the store."""

from __future__ import annotations

import re
import unicodedata

# C0 and C1 controls, DEL, and the bidi embedding/override/isolate marks: they can rewrite a
# terminal (ESC sequences) or reorder what is shown (bidi), so they never reach the store.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile("\r\n|[\r\n\x0b\x0c\x85\u2028\u2029]")


def clean_line(text: str | None) -> str:
    """One-line text (names, titles, grades): controls removed, line breaks become spaces."""
    if text is None:
        return ""
    text = _LINE_BREAKS.sub(" ", text).replace("\t", " ")
    return _CONTROL.sub("", text).strip()


def clean_paragraphs(text: str | None) -> str:
    """Multi-line text (excerpts): line breaks kept as "\\n", other controls removed."""
    if text is None:
        return ""
    text = _LINE_BREAKS.sub("\n", text).replace("\t", " ")
    lines = [_CONTROL.sub("", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line).strip()


def clean_optional(text: str | None) -> str | None:
    """A one-line optional field: blank becomes None."""
    cleaned = clean_line(text)
    return cleaned or None


def fold(text: str) -> str:
    """Case- and accent-insensitive form for matching: 'Zoë' and 'ZOE' fold alike."""
    if text.isascii():
        return text.lower()  # nothing to decompose: the common case, and much quicker
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
