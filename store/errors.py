"""The errors the store raises: each reads as one line a person can act on."""

from __future__ import annotations


class StoreError(Exception):
    """A database, file or input problem; str() is one line and nothing was changed."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(message.split()))


class ValidationError(StoreError):
    """A review or film the store refuses, with the reason for each field."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{field}: {reason}" for field, reason in self.errors.items()))
