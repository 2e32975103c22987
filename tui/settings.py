"""The browser's remembered choices (the theme), in a small JSON file beside the database."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any


def settings_path_for(database: Path) -> Path:
    return database.with_name(database.name + ".settings.json")


def load_settings(path: Path) -> dict[str, Any]:
    """The saved settings; an absent or unreadable file means defaults (settings are never worth a crash)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save_settings(path: Path, settings: dict[str, Any]) -> None:
    """Write atomically: a temporary file beside the target, flushed, then renamed over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump(settings, file, indent=2, sort_keys=True)
            file.write("\n")
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
