"""The bundled sample data, and opening the default database with it the first time."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path
from typing import Callable

from store.domain import FilmRecord, Publication
from store.exchange import read_json_export
from store.repository import Repository

SAMPLE_FILE = "critics-sample.json"


def read_sample() -> tuple[list[FilmRecord], list[Publication]]:
    """The bundled sample data (sample_data/critics-sample.json)."""
    raw = resources.files("sample_data").joinpath(SAMPLE_FILE).read_bytes()
    return read_json_export(raw, SAMPLE_FILE)


def open_repository(
    path: str | os.PathLike[str],
    *,
    seed_sample: bool = False,
    progress: Callable[[str], None] | None = None,
) -> Repository:
    """Open (or start) the database at path; with seed_sample, a new one starts with the sample data."""
    is_new = not Path(path).expanduser().exists()
    repository = Repository.open(path, progress=progress)
    if seed_sample and is_new:
        if progress is not None:
            progress("adding the sample data")
        films, publications = read_sample()
        repository.import_films(films, publications)
    return repository
