"""Where the tests find the project and the shared seed page (relative to this file: no machine paths)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The seed page lives beside the repository in ../shared (CI always has it; a clone may not).
SEED = ROOT.parent / "shared" / "seeds" / "pusher-1996-critic-reviews.txt"
