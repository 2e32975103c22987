"""Reading a critic-review page (the text scrape of an aggregator's critic page), losslessly.

The format, as the seed page shows it::

    Generally favorable reviews - based on 11 Critics      <- declared verdict and count

    Critic score distribution:
      1. Positive: 9 out of 11                             <- any of Positive/Mixed/Negative
      2. Negative: 0 out of 11

    Critic Reviews

      1. Reviewed by:\u00a0Noel Murray                     <- an entry: its number, then any of
        Jul 15, 2013                                          a score, "Reviewed by:", a date,
        As Refn counts down the days ...                      then the excerpt (1+ lines)
      2. 80
        Each film in ...

Entries are numbered 1, 2, 3, ... in order: a line "N." (at most as indented as entry 1's line)
that skips or repeats a number is refused, never taken as excerpt text. Lines may end in LF, CRLF
or a lone CR (old Mac files).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from store.domain import PublishedSummary, ReviewDraft
from store.errors import StoreError
from store.grades import GradeError, parse_grade
from store.records import MAX_PUBLISHED_COUNT
from store.text import clean_line

_SUMMARY = re.compile(r"^(?P<verdict>.+?)\s+-\s+based on\s+(?P<count>\d+)\s+critics?$", re.IGNORECASE)
_DISTRIBUTION_HEADER = re.compile(r"^critic score distribution:?$", re.IGNORECASE)
_DISTRIBUTION_LINE = re.compile(
    r"^\d+\.\s*(?P<kind>positive|mixed|negative):\s*(?P<count>\d+)\s+out of\s+(?P<total>\d+)$", re.IGNORECASE
)
_REVIEWS_HEADER = re.compile(r"^critic reviews:?$", re.IGNORECASE)
_ENTRY = re.compile(r"^(?P<number>\d+)\.(?:\s+(?P<rest>.*))?$")
_REVIEWED_BY = re.compile(r"^reviewed by:(?P<critic>.*)$", re.IGNORECASE)
_DATE_FORMATS = ("%b %d, %Y", "%B %d, %Y", "%b. %d, %Y")
_MAX_SCORE_LINE = 24  # a grade line is short; anything longer is excerpt text
_MAX_NUMBER_DIGITS = 9  # entry numbers and counts: more digits is no page (and int() stays cheap)


class PageError(StoreError):
    """A file that is not a critic-review page; names the line."""


@dataclass(frozen=True, slots=True)
class Page:
    published: PublishedSummary | None
    reviews: tuple[ReviewDraft, ...]


def _page_date(text: str) -> str | None:
    """The ISO form of a page's date line ("Jul 15, 2013"), or None if it is not one."""
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date().isoformat()
        except ValueError:
            continue
    return None


def _indent(raw: str) -> int:
    return len(raw) - len(raw.lstrip())


def _whole(digits: str) -> int | None:
    """The number a run of digits writes, or None when it is too long to be a page's."""
    return int(digits) if len(digits) <= _MAX_NUMBER_DIGITS else None


def _is_grade(text: str) -> bool:
    if len(text) > _MAX_SCORE_LINE:
        return False
    try:
        parse_grade(text)
    except GradeError:
        return False
    return True


def decode_page(raw: bytes, name: str = "page") -> str:
    """UTF-8 with or without a BOM; anything else is refused."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PageError(f"{name} is not UTF-8 text (bad byte at offset {exc.start})") from None


def parse_page(text: str, name: str = "page") -> Page:
    """The declared summary and every review of a page, in order; PageError names the bad line."""
    raw_lines = text.splitlines()  # LF, CRLF and a lone CR all end a line
    lines = [clean_line(line) for line in raw_lines]
    position = 0

    def fail(message: str, line_number: int | None = None) -> PageError:
        where = f"{name}, line {line_number}" if line_number else name
        return PageError(f"{where}: {message}")

    def count(digits: str, line_number: int) -> int:
        value = _whole(digits)
        if value is None or value > MAX_PUBLISHED_COUNT:
            shown = digits if len(digits) <= 12 else digits[:9] + "..."
            raise fail(f"{shown} is not a count of critics (at most {MAX_PUBLISHED_COUNT:,})", line_number)
        return value

    def skip_blank() -> None:
        nonlocal position
        while position < len(lines) and not lines[position]:
            position += 1

    skip_blank()
    verdict: str | None = None
    critics: int | None = None
    counts: dict[str, int] = {}
    if position < len(lines) and (match := _SUMMARY.match(lines[position])):
        verdict, critics = match["verdict"], count(match["count"], position + 1)
        position += 1
        skip_blank()
    if position < len(lines) and _DISTRIBUTION_HEADER.match(lines[position]):
        position += 1
        skip_blank()
        while position < len(lines) and (match := _DISTRIBUTION_LINE.match(lines[position])):
            kind = match["kind"].lower()
            if kind in counts:
                raise fail(f"{match['kind']} is stated twice", position + 1)
            total = count(match["total"], position + 1)
            if critics is not None and total != critics:
                raise fail(f"says out of {total} but the page declares {critics} critics", position + 1)
            critics = total if critics is None else critics
            counts[kind] = count(match["count"], position + 1)
            position += 1
            skip_blank()
        if not counts:
            raise fail("expected lines like '1. Positive: 9 out of 11' after 'Critic score distribution:'", position + 1)
    if position >= len(lines) or not _REVIEWS_HEADER.match(lines[position]):
        found = lines[position][:40] if position < len(lines) else "the end of the file"
        expected = "'Critic Reviews'" if verdict or counts else "'<verdict> - based on N Critics' or 'Critic Reviews'"
        raise fail(f"expected {expected}, found {found!r}; this is not a critic-review page", position + 1)
    position += 1

    # Split the rest into entries: a line "N." with the next expected number starts one. Another
    # "N." as little indented as entry 1 is a skipped or repeated entry: refused, not merged into
    # the excerpt before it (a more indented one is excerpt text, like "1996. A year of ...").
    entries: list[tuple[int, list[str]]] = []
    entry_indent = 0
    for number in range(position, len(lines)):
        line = lines[number]
        match = _ENTRY.match(line)
        expected = len(entries) + 1
        if match and _whole(match["number"]) == expected:
            if not entries:
                entry_indent = _indent(raw_lines[number])
            entries.append((number + 1, [match["rest"] or ""]))
        elif match and entries and _indent(raw_lines[number]) <= entry_indent:
            raise fail(
                f"{line[:40]!r} follows review {expected - 1}: expected review {expected} "
                "(entries are numbered 1, 2, 3, ... with no gap or repeat)",
                number + 1,
            )
        elif line:
            if not entries:
                raise fail(f"expected review 1 ('1. Reviewed by: ...'), found {line[:40]!r}", number + 1)
            entries[-1][1].append(line)
    if not entries:
        raise fail("no reviews after 'Critic Reviews'", len(lines))

    reviews = []
    for index, (line_number, body) in enumerate(entries, 1):
        body = [line for line in body if line]
        critic = review_date = grade = None
        while body:
            head = body[0]
            if (by := _REVIEWED_BY.match(head)) and critic is None:
                critic = clean_line(by["critic"]) or None
            elif review_date is None and (iso := _page_date(head)):
                review_date = iso
            elif grade is None and critic is None and review_date is None and _is_grade(head):
                grade = head
            else:
                break
            body.pop(0)
        if not body:
            raise fail(f"review {index} has no excerpt", line_number)
        reviews.append(ReviewDraft(excerpt="\n".join(body), critic=critic, date=review_date, grade=grade))

    published = None
    if verdict is not None or counts:
        published = PublishedSummary(
            verdict=verdict,
            critics=critics,
            positive=counts.get("positive"),
            mixed=counts.get("mixed"),
            negative=counts.get("negative"),
        )
    return Page(published, tuple(reviews))
