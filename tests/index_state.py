"""What a repository's indexes hold, as plain data: kept current change by change, they must
equal indexes built afresh from the same tables."""

from __future__ import annotations

from typing import Any

from store.indexes import Indexes


def index_state(index: Indexes) -> dict[str, Any]:
    names = ("films", "film_keys", "shared_keys", "source_keys", "keyed_titles", "folded_titles", "weights",
             "next_review", "next_film")
    return {name: getattr(index, name) for name in names} | {"digest": index.digest.state()}


def fresh_indexes(storage) -> Indexes:
    """Indexes built afresh from every table the storage holds (each read whole)."""
    return Indexes.build({name: dict(storage.table(name)) for name in storage.table_names()})
