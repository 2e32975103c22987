"""Exports stream a film at a time, byte for byte what the whole document makes at once."""

from __future__ import annotations

import orjson

from store.domain import FilmRecord
from store.exchange import REVIEW_FIELDS, csv_chunks, export_csv, export_json, json_chunks
from store.records import published_to_dict
from tests.fixed_store import build_store


def _whole_document(repository) -> bytes:
    films, publications = repository.export_films()
    document = {
        "films": [
            {
                "title": film.title, "year": film.year, "director": film.director, "key": film.key,
                "published": published_to_dict(film.published),
                "reviews": [{field: getattr(review, field) for field in REVIEW_FIELDS} for review in reviews],
            }
            for film, reviews in films
        ],
        "publications": [{"name": p.name, "weight": p.weight} for p in publications],
    }
    return orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n"


def test_the_streamed_json_export_is_the_whole_documents_bytes(tmp_path):
    with build_store(tmp_path / "critics.json") as repository:
        assert export_json(repository) == _whole_document(repository)
        assert len(list(json_chunks(repository))) > len(repository.films())  # a chunk a film at least


def test_an_empty_store_and_one_without_weights_stream_the_same_bytes_too(repository):
    assert export_json(repository) == _whole_document(repository)
    repository.import_films([FilmRecord("A", 2000), FilmRecord("B", 2001)])
    assert export_json(repository) == _whole_document(repository)


def test_the_csv_export_streams_a_film_at_a_time(tmp_path):
    with build_store(tmp_path / "critics.json") as repository:
        chunks = list(csv_chunks(repository))
        assert "".join(chunks) == export_csv(repository)
        assert len(chunks) >= len(repository.films())


def test_an_export_keeps_no_film_reviews_in_memory_afterwards(tmp_path):
    with build_store(tmp_path / "critics.json") as repository:
        export_json(repository)
        assert repository._index._review_lists == {}
