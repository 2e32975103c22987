"""Rotten Tomatoes critic-review datasets, 2020 and 2023 layouts, reviews and films files.

Facts relied on (docs/datasets.md): films are keyed by `rotten_tomatoes_link` (2020) or by the
slug `id` (2023), never by title; the critic's call is `review_type` Fresh/Rotten (2020), or
`reviewState` fresh/rotten, else `scoreSentiment` POSITIVE/NEGATIVE (2023); `reviewId` is a
2023 review's source id (2020 reviews have none, so re-imports match the whole review)."""

from __future__ import annotations

import re
from pathlib import Path

from store.datasets.csvfile import CsvFile, Progress
from store.datasets.incoming import DatasetError, FilmsByKey, Incoming, RecordMaker
from store.domain import FilmRecord, Sentiment
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

# As each layout writes them (looked up first), and lower-cased for any other spelling.
_CALLS: dict[str, Sentiment | None] = {
    "Fresh": Sentiment.POSITIVE, "Rotten": Sentiment.NEGATIVE,  # 2020 review_type
    "fresh": Sentiment.POSITIVE, "rotten": Sentiment.NEGATIVE,  # 2023 reviewState
    "POSITIVE": Sentiment.POSITIVE, "NEGATIVE": Sentiment.NEGATIVE,  # 2023 scoreSentiment
    "positive": Sentiment.POSITIVE, "negative": Sentiment.NEGATIVE,
    "": None,  # no call stated
}
_FLAGS = {"True": True, "False": False, "true": True, "false": False, "": False}
_NOT_A_CALL = object()
_ISO_DAY = re.compile("([0-9]{4})-[0-9]{2}-[0-9]{2}")


def _call(value: str, column: str, where: str) -> Sentiment | None:
    call = _CALLS.get(value)
    if call is None and value not in _CALLS:
        call = _CALLS.get(value.strip().lower(), _NOT_A_CALL)
        if call is _NOT_A_CALL:
            raise DatasetError(f"{where}: {column} {clean_line(value)[:30]!r} is neither Fresh nor Rotten")
    return call  # type: ignore[return-value]


def _flag(value: str, column: str, where: str) -> bool:
    flag = _FLAGS.get(value)
    if flag is None:
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


class _Days:
    """A column's dates checked once each (a dataset repeats a few thousand days)."""

    def __init__(self, source: str, column: str) -> None:
        self._seen: dict[str, str | None] = {}
        self._source, self._column = source, column

    def __call__(self, value: str, line: int) -> str | None:
        day = self._seen.get(value, _NOT_A_CALL)
        if day is _NOT_A_CALL:
            day = self._seen[value] = _day(value, self._column, f"{self._source}, line {line}")
        return day  # type: ignore[return-value]


def read_reviews_2020(path: Path, progress: Progress | None = None) -> Incoming:
    incoming = Incoming(skipped_what="rows without text, score or call")
    films = FilmsByKey()
    with CsvFile(path, progress) as source:
        maker = RecordMaker(source.name, incoming.unscored_grades)
        days = _Days(source.name, "review_date")
        keys: dict[str, str] = {}
        link, critic, top, publisher, kind, score, when, content = source.columns(RT2020, "Rotten Tomatoes 2020 reviews")
        # The hottest loop of an import (1.13M rows): no per-row message is built unless a row is bad.
        for line, row in source.rows():
            key = keys.get(row[link])
            if key is None:
                key = keys[row[link]] = _film_key(row[link], "rotten_tomatoes_link", f"{source.name}, line {line}")
            call = _CALLS.get(row[kind]) or _call(row[kind], "review_type", f"{source.name}, line {line}")
            flag = _FLAGS.get(row[top])
            if flag is None:
                flag = _flag(row[top], "top_critic", f"{source.name}, line {line}")
            record = maker.record(
                line, row[content], row[critic], row[publisher], days(row[when], line), row[score], call, flag, None
            )
            if record is None:
                incoming.skipped += 1
                continue
            films.keyed_reviews(key).append(record)
    incoming.films = films.entries()
    return incoming


def read_reviews_2023(path: Path, progress: Progress | None = None) -> Incoming:
    incoming = Incoming(skipped_what="rows without text, score or call")
    films = FilmsByKey()
    with CsvFile(path, progress) as source:
        maker = RecordMaker(source.name, incoming.unscored_grades)
        days = _Days(source.name, "creationDate")
        (film, review_id, when, critic, top, score, state, publication, text, sentiment, _url) = source.columns(
            RT2023, "Rotten Tomatoes 2023 reviews"
        )
        for line, row in source.rows():
            where = f"{source.name}, line {line}"
            key = _film_key(row[film], "id", where)
            # reviewState is the call; scoreSentiment only where it is blank (docs/datasets.md).
            call = _call(row[state], "reviewState", where) or _call(row[sentiment], "scoreSentiment", where)
            record = maker.record(
                line, row[text], row[critic], row[publication], days(row[when], line), row[score], call,
                _flag(row[top], "isTopCritic", where), row[review_id],
            )
            if record is None:
                incoming.skipped += 1
                continue
            films.keyed_reviews(key).append(record)
    incoming.films = films.entries()
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
