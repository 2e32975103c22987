"""What the store writes: table names, stored record <-> domain object, and draft validation.

Layout (see docs/architecture.md): table ``films`` (doc id = film id), one table
``reviews/<film id>`` per film (doc id = review id), ``publications`` (name, weight) and
``meta`` (id counters). Review ids only grow, so a film's reviews in id order are the order
they were added (a page's order).

A record holds only what is stated: a field absent reads as its default (no excerpt "", no call
None, top_critic False, no source id or film key None), so databases written before those
fields existed open as they are, with no migration.
"""

from __future__ import annotations

import dataclasses
import math
import re
from datetime import date, timedelta
from typing import Any

from store.domain import Film, FilmRecord, Publication, PublishedSummary, Review, ReviewDraft, Sentiment
from store.errors import ValidationError
from store.grades import GradeError, parse_grade
from store.text import clean_line, clean_optional, clean_paragraphs

FILMS, PUBLICATIONS, META = "films", "publications", "meta"
REVIEWS_PREFIX = "reviews/"
COUNTERS_ID = 1  # the one record of ``meta``
MAX_WEIGHT = 100.0
MAX_PUBLISHED_COUNT = 1_000_000  # a page's declared critics and counts: more is no real page
PUBLISHED_FIELDS = ("verdict", "critics", "positive", "mixed", "negative")

Record = dict[str, Any]


class WrongShape(ValueError):
    """A record in the database that is valid JSON but not what Critics writes."""


# -- tables -------------------------------------------------------------------------------


def reviews_table(film_id: int) -> str:
    return f"{REVIEWS_PREFIX}{film_id}"


def film_of_table(name: str) -> int | None:
    """The film whose reviews a table holds, or None for the other tables."""
    return int(name[len(REVIEWS_PREFIX):]) if name.startswith(REVIEWS_PREFIX) else None


# -- films --------------------------------------------------------------------------------


def published_to_dict(published: PublishedSummary | None) -> dict[str, Any] | None:
    """A page's declared summary as stored, exported and printed by `stats --json`."""
    if published is None:
        return None
    return {field: getattr(published, field) for field in PUBLISHED_FIELDS}


def film_to_record(film: Film) -> Record:
    record: Record = {"title": film.title}
    if film.year is not None:
        record["year"] = film.year
    if film.director:
        record["director"] = film.director
    if film.published is not None:
        record["published"] = published_to_dict(film.published)
    if film.key is not None:
        record["key"] = film.key
    return record


def film_label_with_key(film: Film) -> str:
    """A film as a message lists it among films of one title: its label, and its key if any."""
    return f"{film.label!r}" + (f" [key {film.key}]" if film.key is not None else "")


def film_from_record(key: str, record: Record) -> Film:
    published = record.get("published")
    film = Film(
        id=int(key),
        title=record["title"],
        year=record.get("year"),
        director=record.get("director"),
        published=None if published is None else PublishedSummary(**published),
        key=record.get("key"),
    )
    if (
        type(film.title) is not str or type(film.year or 0) is not int or type(film.director or "") is not str
        or type(film.key or "x") is not str
    ):
        raise WrongShape(f"film {key} has the wrong shape")
    if film.published is not None and not _valid_published(film.published):
        raise WrongShape(f"film {key} has a page summary that is not a verdict and counts")
    return film


def _valid_published(published: PublishedSummary) -> bool:
    counts = (published.critics, published.positive, published.mixed, published.negative)
    return type(published.verdict or "") is str and all(
        count is None or (type(count) is int and count >= 0) for count in counts
    )


def valid_weight(weight: object) -> bool:
    """A stored publication weight: a finite number from 0 to MAX_WEIGHT."""
    return type(weight) in (int, float) and math.isfinite(weight) and 0 <= weight <= MAX_WEIGHT  # type: ignore[arg-type]


# -- reviews ------------------------------------------------------------------------------


SENTIMENTS: dict[str, Sentiment] = {sentiment.value: sentiment for sentiment in Sentiment}
# What a person may type for a call (the form, `critics add`): Rotten Tomatoes' words and signs.
CALL_WORDS: dict[str, Sentiment] = {
    "fresh": Sentiment.POSITIVE, "rotten": Sentiment.NEGATIVE,
    "+": Sentiment.POSITIVE, "~": Sentiment.MIXED, "-": Sentiment.NEGATIVE,
    "pos": Sentiment.POSITIVE, "neg": Sentiment.NEGATIVE,
}


def review_from_record(review_id: int, film_id: int, record: Record) -> Review:
    sentiment = record.get("sentiment")
    return Review(
        id=review_id,
        film_id=film_id,
        excerpt=record.get("excerpt", ""),
        critic=record.get("critic"),
        publication=record.get("publication"),
        date=record.get("date"),
        grade=record.get("grade"),
        score=record.get("score"),
        sentiment=None if sentiment is None else SENTIMENTS[sentiment],
        top_critic=record.get("top_critic", False),
        source_id=record.get("source_id"),
    )


def same_review_key(record: Record) -> tuple:
    """What makes two reviews the same review (re-imports add nothing): the source's review id
    where it has one, else the whole review."""
    source_id = record.get("source_id")
    if source_id is not None:
        return ("source", source_id)
    return (
        record.get("critic"), record.get("publication"), record.get("date"), record.get("grade"),
        record.get("excerpt", ""), record.get("sentiment"), record.get("top_critic", False),
    )


_ISO_DAY = re.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Days already found real: an import checks the same few thousand days a million times.
_REAL_DAYS: set[str] = set()
_REAL_DAYS_LIMIT = 1 << 16


def date_error(when: str, today: date | None = None) -> str | None:
    """Why when is not a review's date, or None: it must be YYYY-MM-DD, a day that exists, and,
    when today is given, no more than a day after it (a day of slack for time zones)."""
    if today is None and when in _REAL_DAYS:
        return None
    if not _ISO_DAY.fullmatch(when):
        return f"'{when}' is not a date: use YYYY-MM-DD"
    try:
        day = date.fromisoformat(when)
    except ValueError:
        return f"'{when}' is not a date: there is no such day"
    if today is not None and day > today + timedelta(days=1):
        return f"'{when}' is after tomorrow (today is {today.isoformat()}): a review cannot be dated ahead"
    if len(_REAL_DAYS) < _REAL_DAYS_LIMIT:
        _REAL_DAYS.add(when)
    return None


def validate_draft(draft: ReviewDraft, today: date | None = None) -> tuple[Record, dict[str, str]]:
    """The cleaned record of a draft and the reason for each field it gets wrong.

    today, if given, refuses a date more than a day after it (what a person types: the CLI and
    the form pass it); without it any real day is kept (imports, undo, restoring a review)."""
    errors: dict[str, str] = {}
    record: Record = {}
    excerpt = clean_paragraphs(draft.excerpt)
    for field in ("critic", "publication"):
        value = clean_optional(getattr(draft, field))
        if value is not None:
            record[field] = value
    when = clean_optional(draft.date)
    if when is not None:
        problem = date_error(when, today)
        if problem is None:
            record["date"] = when
        else:
            errors["date"] = problem
    grade = clean_optional(draft.grade)
    if grade is not None and draft.grade_unscored:
        record["grade"] = grade  # kept as written, unscored (a dataset grade of unknown scale)
    elif grade is not None:
        try:
            record["score"] = parse_grade(grade)
            record["grade"] = grade
        except GradeError as exc:
            errors["grade"] = str(exc)
    sentiment = _sentiment(draft.sentiment)
    if isinstance(sentiment, Sentiment):
        record["sentiment"] = sentiment.value
    elif sentiment is not None:
        errors["sentiment"] = sentiment
    if type(draft.top_critic) is not bool:
        errors["top_critic"] = f"{draft.top_critic!r} is not true or false"[:80]
    elif draft.top_critic:
        record["top_critic"] = True
    source_id = clean_optional(draft.source_id)
    if source_id is not None:
        record["source_id"] = source_id
    if excerpt:
        record["excerpt"] = excerpt
    elif "grade" not in record and "sentiment" not in record:
        # Short: the browser's form shows it under the excerpt (it is asked only without a grade or call).
        errors["excerpt"] = "an excerpt is required"
    return record, errors


def _sentiment(value: Sentiment | str | None) -> Sentiment | str | None:
    """The call a draft states, or the reason it is not one (a str), or None (no call)."""
    if value is None or isinstance(value, Sentiment):
        return value
    if not isinstance(value, str):
        return f"{type(value).__name__} is not a call"
    text = clean_line(value).lower()
    if not text:
        return None
    found = SENTIMENTS.get(text) or CALL_WORDS.get(text)
    if found is None:
        shown = text if len(text) <= 24 else text[:21] + "..."
        return f"{shown!r} is not a call: use positive, mixed or negative (fresh, rotten)"
    return found


def clean_year(year: int | str | None) -> int | None:
    if year is None or year == "":
        return None
    try:
        value = int(year)
    except (TypeError, ValueError, OverflowError):
        raise ValidationError({"year": f"'{_shown_year(year)}' is not a year"}) from None
    if not 1870 <= value <= 2200:
        raise ValidationError({"year": f"{_shown_year(value)} is not a plausible film year (1870-2200)"})
    return value


def _shown_year(year: object) -> str:
    """A year as a message shows it: cut short, and never str() of a huge int (which raises)."""
    if isinstance(year, int) and year.bit_length() > 64:
        return "a number beyond 64 bits"
    text = str(year)
    return text if len(text) <= 24 else text[:21] + "..."


def valid_record(draft: ReviewDraft, today: date | None = None) -> Record:
    """The record of a valid draft; ValidationError with every field it gets wrong."""
    record, errors = validate_draft(draft, today)
    if errors:
        raise ValidationError(errors)
    return record


def count_error(count: object) -> str | None:
    """Why count is not a page's declared count, or None: a whole number 0-MAX_PUBLISHED_COUNT
    (or None, not stated). The store refuses a negative one on open, and orjson any beyond 64 bits."""
    if count is None:
        return None
    if type(count) is not int or not 0 <= count <= MAX_PUBLISHED_COUNT:
        if type(count) is int and count.bit_length() > 64:  # repr() of a huge int can fail
            return f"a number over 64 bits is not a count: use a whole number from 0 to {MAX_PUBLISHED_COUNT:,}"
        shown = repr(count) if len(repr(count)) <= 24 else repr(count)[:21] + "..."
        return f"{shown} is not a count: use a whole number from 0 to {MAX_PUBLISHED_COUNT:,}"
    return None


def valid_film_record(film: FilmRecord) -> tuple[FilmRecord, list[Record]]:
    """A film to import with its reviews' records; the first bad review refuses the import."""
    reviews = []
    for number, draft in enumerate(film.reviews, 1):
        review, errors = validate_draft(draft)
        if errors:
            field, reason = next(iter(errors.items()))
            raise ValidationError({f"{film.title} review {number} {field}": reason})
        reviews.append(review)
    for field in PUBLISHED_FIELDS[1:] if film.published is not None else ():
        problem = count_error(getattr(film.published, field))
        if problem is not None:
            raise ValidationError({f"{film.title} published {field}": problem})
    if film.published is not None and film.published.verdict is not None:
        # Text entering the store is cleaned here, whoever built the record.
        published = dataclasses.replace(film.published, verdict=clean_optional(film.published.verdict))
        film = dataclasses.replace(film, published=published)
    if film.key is not None:
        film = dataclasses.replace(film, key=clean_optional(film.key))
    return film, reviews


def named_publication(publication: Publication) -> Publication:
    name = clean_line(publication.name)
    if not name:
        raise ValidationError({"publication": "a publication name is required"})
    if not valid_weight(publication.weight):  # an import's weights: the store refuses others on open
        raise ValidationError({f"{name} weight": f"a weight is a number from 0 to {MAX_WEIGHT:g}"})
    return Publication(name, publication.weight)


def valid_publication(name: str, weight: object) -> Publication:
    """A publication weight as `critics weight` and the palette set it: 0 to MAX_WEIGHT."""
    named = named_publication(Publication(name))
    try:
        value = float(weight)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValidationError({"weight": f"'{weight}' is not a number"}) from None
    if not math.isfinite(value) or not 0 <= value <= MAX_WEIGHT:
        raise ValidationError({"weight": f"a weight is a number from 0 to {MAX_WEIGHT:g}"})
    return Publication(named.name, value)


def check_reviews(film_id: int, table: dict[str, Record], names: dict[str, str] | None = None) -> None:
    """Refuse (WrongShape) a reviews table holding a record Critics did not write: every value is
    checked, not only shapes (a score outside 0-100, a call that is not one). names, if given,
    shares one string object per critic or publication name (memory), and sentiments are shared."""
    shared = names if names is not None else {}
    try:
        for key, record in table.items():
            if type(record) is not dict:
                raise WrongShape(f"review {key} of film {film_id} is not a record")
            score = record.get("score")
            sentiment = record.get("sentiment")
            if (
                type(record.get("excerpt", "")) is not str
                or (score is not None and (type(score) is not int or not 0 <= score <= 100))
                or type(record.get("date") or "") is not str
                or type(record.get("grade") or "") is not str
                or type(record.get("top_critic", False)) is not bool
                or type(record.get("source_id") or "") is not str
                or not (record.get("excerpt") or record.get("grade") or sentiment)  # says nothing
            ):
                raise WrongShape(f"review {key} of film {film_id} has the wrong shape (or a score outside 0-100)")
            if sentiment is not None:
                one = _SENTIMENT_VALUES.get(sentiment) if type(sentiment) is str else None
                if one is None:
                    raise WrongShape(f"review {key} of film {film_id} has a call that is not positive, mixed or negative")
                record["sentiment"] = one  # one string object for all (memory)
            for field in ("critic", "publication"):
                name = record.get(field)
                if name is not None:
                    same = shared.get(name)
                    if same is None:
                        if type(name) is not str:
                            raise WrongShape(f"review {key} of film {film_id} has a {field!r} that is not text")
                        shared[name] = name
                    elif same is not name:
                        record[field] = same
    except TypeError:  # an unhashable name (a list, say) from a hand-edited file
        for key, record in table.items():
            for field in ("critic", "publication"):
                if type(record.get(field) or "") is not str:
                    raise WrongShape(f"review {key} of film {film_id} has a {field!r} that is not text") from None
        raise


_SENTIMENT_VALUES = {value: value for value in SENTIMENTS}
