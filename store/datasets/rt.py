"""Rotten Tomatoes critic-review datasets, 2020 and 2023 layouts, reviews and films files.

Facts relied on (docs/datasets.md): films are keyed by `rotten_tomatoes_link` (2020) or by the
slug `id` (2023), never by title; the critic's call is `review_type` Fresh/Rotten (2020), or
`reviewState` fresh/rotten, else `scoreSentiment` POSITIVE/NEGATIVE (2023); `reviewId` is a
2023 review's source id (2020 reviews have none, so re-imports match the whole review)."""

from __future__ import annotations

import re
from pathlib import Path

from store.datasets.csvfile import CsvFile, Progress
from store.datasets.incoming import DatasetError, FilmsByKey, Incoming, dataset_record, says_nothing
from store.domain import FilmRecord, ReviewDraft, Sentiment
from store.errors import ValidationError
from store.records import clean_year
from store.text import clean_line, clean_optional

RT2020 = (
    "rotten_tomatoes_link", "critic_name", "top_critic", "publisher_name", "review_type", "review_score",
    "review_date", "review_content",
)
RT2020_FILMS = ("rotten_tomatoes_link", "movie_title")  # how its header starts (22 columns in all)
RT2020_FILM_COLUMNS = ("rotten_tomatoes_link", "movie_title", "directors", "original_release_date", "streaming_release_date")
RT2023 = (
    "id", "reviewId", "creationDate", "criticName", "isTopCritic", "originalScore", "reviewState",
    "publicatioName", "reviewText", "scoreSentiment", "reviewUrl",  # publicatioName: misspelt in the data
)
RT2023_FILMS = ("id", "title", "audienceScore", "tomatoMeter", "rating")  # how its header starts
RT2023_FILM_COLUMNS = ("id", "title", "director", "releaseDateTheaters", "releaseDateStreaming")

_CALLS = {
    "fresh": Sentiment.POSITIVE, "rotten": Sentiment.NEGATIVE,  # review_type, reviewState
    "positive": Sentiment.POSITIVE, "negative": Sentiment.NEGATIVE,  # scoreSentiment
}
_FLAGS = {"true": True, "false": False, "": False}
_ISO_DAY = re.compile("([0-9]{4})-[0-9]{2}-[0-9]{2}")


def _call(value: str, column: str, where: str) -> Sentiment | None:
    text = value.strip().lower()
    if not text:
        return None
    call = _CALLS.get(text)
    if call is None:
        raise DatasetError(f"{where}: {column} {clean_line(value)[:30]!r} is neither Fresh nor Rotten")
    return call


def _flag(value: str, column: str, where: str) -> bool:
    flag = _FLAGS.get(value.strip().lower())
    if flag is None:
        raise DatasetError(f"{where}: {column} {clean_line(value)[:30]!r} is neither True nor False")
    return flag


def _day(value: str, column: str, where: str) -> str | None:
    """An ISO day as the data writes it (the 2023 layout may add a time: it is dropped)."""
    text = value.strip()
    if not text:
        return None
    match = _ISO_DAY.match(text)
    if match is None or (len(text) > 10 and text[10] not in " T"):
        raise DatasetError(f"{where}: {column} {clean_line(text)[:30]!r} is not a date: use YYYY-MM-DD")
    return text[:10]


def _film_key(value: str, column: str, where: str) -> str:
    key = clean_line(value)
    if not key:
        raise DatasetError(f"{where}: no film key in {column}")
    return key


def read_reviews_2020(path: Path, progress: Progress | None = None) -> Incoming:
    incoming = Incoming()
    films = FilmsByKey()
    with CsvFile(path, progress) as source:
        link, critic, top, publisher, kind, score, when, content = source.columns(RT2020, "Rotten Tomatoes 2020 reviews")
        for line, row in source.rows():
            where = f"{source.name}, line {line}"
            key = _film_key(row[link], "rotten_tomatoes_link", where)
            draft = ReviewDraft(
                excerpt=row[content], critic=row[critic] or None, publication=row[publisher] or None,
                date=_day(row[when], "review_date", where), grade=row[score] or None,
                sentiment=_call(row[kind], "review_type", where), top_critic=_flag(row[top], "top_critic", where),
            )
            if says_nothing(draft):
                incoming.skipped += 1
                continue
            films.reviews_of(key, lambda: FilmRecord(key, key=key)).append(
                dataset_record(draft, where, incoming.unscored_grades)
            )
    incoming.films = films.entries()
    incoming.skipped_what = "rows without text, score or call"
    return incoming


def read_reviews_2023(path: Path, progress: Progress | None = None) -> Incoming:
    incoming = Incoming()
    films = FilmsByKey()
    with CsvFile(path, progress) as source:
        (film, review_id, when, critic, top, score, state, publication, text, sentiment, _url) = source.columns(
            RT2023, "Rotten Tomatoes 2023 reviews"
        )
        for line, row in source.rows():
            where = f"{source.name}, line {line}"
            key = _film_key(row[film], "id", where)
            # reviewState is the call; scoreSentiment only where it is blank (docs/datasets.md).
            call = _call(row[state], "reviewState", where) or _call(row[sentiment], "scoreSentiment", where)
            draft = ReviewDraft(
                excerpt=row[text], critic=row[critic] or None, publication=row[publication] or None,
                date=_day(row[when], "creationDate", where), grade=row[score] or None, sentiment=call,
                top_critic=_flag(row[top], "isTopCritic", where), source_id=row[review_id] or None,
            )
            if says_nothing(draft):
                incoming.skipped += 1
                continue
            films.reviews_of(key, lambda: FilmRecord(key, key=key)).append(
                dataset_record(draft, where, incoming.unscored_grades)
            )
    incoming.films = films.entries()
    incoming.skipped_what = "rows without text, score or call"
    return incoming


def _year(row: list[str], columns: tuple[int, int], names: tuple[str, str], where: str) -> int | None:
    """The year of the first release date given (theatres, else streaming)."""
    for index, name in zip(columns, names):
        day = _day(row[index], name, where)
        if day is not None:
            try:
                return clean_year(day[:4])
            except ValidationError as exc:
                raise DatasetError(f"{where}: {name}: {exc.errors['year']}") from None
    return None


def _read_films(path: Path, columns: tuple[str, ...], layout: str, progress: Progress | None) -> Incoming:
    films = FilmsByKey()
    with CsvFile(path, progress) as source:
        key_at, title_at, director_at, first_at, second_at = source.columns(columns, layout)
        for line, row in source.rows():
            where = f"{source.name}, line {line}"
            key = _film_key(row[key_at], columns[0], where)
            title = clean_line(row[title_at]) or key  # until a title is known, the key stands for it
            year = _year(row, (first_at, second_at), (columns[3], columns[4]), where)
            films.add_film(key, FilmRecord(title, year, clean_optional(row[director_at]), key=key))
    return Incoming(films=films.entries())


def read_films_2020(path: Path, progress: Progress | None = None) -> Incoming:
    return _read_films(path, RT2020_FILM_COLUMNS, "Rotten Tomatoes 2020 films", progress)


def read_films_2023(path: Path, progress: Progress | None = None) -> Incoming:
    return _read_films(path, RT2023_FILM_COLUMNS, "Rotten Tomatoes 2023 films", progress)
