"""What the bench's runner and its probe processes share: the measures' names, run counts, results."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, dataclass, field
from typing import Any, Callable

SCREEN_SIZE = (120, 40)  # the headless app's terminal, in the app probe and every launch
MS_KEYS = (
    "open", "add", "edit", "delete", "add_big_film", "critic_filter", "find_first", "find_all",
    "compaction", "compaction_wait", "match", "recommend",
    "film_select", "filter_keystroke", "first_paint", "ready", "stats_json", "export", "import",
)
PEER_KEYS = (
    "tinydb_jsonstorage_load", "tinydb_jsonstorage_insert", "tinydb_jsonstorage_search",
    "sqlite_insert_commit", "sqlite_search", "orjson_loads", "sqlite_csv_import",
)
LARGE = 100_000  # from this many reviews the slow peers and the launches run fewer times
# Above this many reviews stock TinyDB is not measured: each of its runs takes minutes (it reads
# and rewrites its whole file for one insert) and it would hold several GB.
TINYDB_UP_TO = 200_000

# The review the store and the peers each write: accents, dashes and CJK, as real reviews hold.
SAMPLE_EXCERPT = (
    "Une mise-en-scène patiente — the camera waits, the cast breathes, and the ending arrives "
    "with the quiet force of déjà vu; überraschend, tender, never naïve. 皮肉 is the word."
)

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Runs:
    """How many times each measure runs (the median is reported)."""

    load: int
    writes: int  # each of add, edit and delete
    critic_filter: int
    film_select: int
    keystroke_critics: int  # critic names typed key by key; every key is one sample
    launches: int
    orjson: int
    tinydb: int  # each of load, insert, search: about a second apiece at 200k
    sqlite: int
    chatty: bool = False  # a progress line per run (slow sizes), else one per group
    imports: int = 3  # each of critics import and its peer, a fresh process a run
    commands: int = 3  # each of `critics stats --json` and `critics export`, a fresh process a run
    finds: int = 21  # whole searches of every review's text

    @classmethod
    def for_size(cls, reviews: int) -> "Runs":
        if reviews > TINYDB_UP_TO:
            return cls(load=5, writes=21, critic_filter=101, film_select=21, keystroke_critics=3,
                       launches=3, orjson=3, tinydb=0, sqlite=21, chatty=True, imports=1, finds=3)
        if reviews >= LARGE:
            return cls(load=5, writes=21, critic_filter=101, film_select=21, keystroke_critics=3,
                       launches=3, orjson=5, tinydb=3, sqlite=21, chatty=True)
        return cls(load=7, writes=21, critic_filter=101, film_select=21, keystroke_critics=3,
                   launches=5, orjson=7, tinydb=7, sqlite=21)

    def to_arg(self) -> str:
        """As one command-line argument of a probe process."""
        return json.dumps(asdict(self))

    @classmethod
    def from_arg(cls, text: str) -> "Runs":
        return cls(**json.loads(text))


@dataclass
class BenchResult:
    reviews: int
    films: int
    ms: dict[str, float]
    peak_rss_mb: float
    peers_ms: dict[str, float | None]  # None: not measured at this size (stock TinyDB above TINYDB_UP_TO)
    # For the readable table only (not in --json): samples, spreads, what was measured on.
    runs: Runs
    notes: dict[str, Any] = field(default_factory=dict)
    # The import measure's peak RSS (MB), ours and the peer's: {"critics": ..., "peer": ...}.
    import_peak_rss_mb: dict[str, float] = field(default_factory=dict)
    # Peak RSS (MB) of `critics stats --json` and of `critics export`: {"stats_json": ..., "export": ...}.
    command_peak_rss_mb: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "reviews": self.reviews,
            "films": self.films,
            "ms": {key: self.ms[key] for key in MS_KEYS},
            "peak_rss_mb": self.peak_rss_mb,
            "peers_ms": {key: self.peers_ms[key] for key in PEER_KEYS},
            "import_peak_rss_mb": dict(self.import_peak_rss_mb),
            "command_peak_rss_mb": dict(self.command_peak_rss_mb),
        }


def median_ms(samples: list[float]) -> float:
    """The median of samples in seconds, as milliseconds."""
    # Imported here: the launch probe loads this module, and statistics is not among the
    # browser's own imports, so importing it up front would count against every launch.
    import statistics

    return round(statistics.median(samples) * 1000, 3)


def spread_of(samples: list[float]) -> dict[str, float]:
    """How many samples (seconds) and their min, p90 and max, as milliseconds."""
    ordered = sorted(samples)
    return {
        "n": len(ordered),
        "min": round(ordered[0] * 1000, 3),
        "p90": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))] * 1000, 3),
        "max": round(ordered[-1] * 1000, 3),
    }


def say(message: str) -> None:
    """A progress line on stderr (stdout carries only results)."""
    print(f"bench: {message}", file=sys.stderr, flush=True)


def step(runs: Runs, what: str, number: int, total: int) -> None:
    """Progress for one run of a group: every run when runs are slow, else the group once."""
    if runs.chatty:
        say(f"{what} {number + 1}/{total}")
    elif number == 0:
        say(f"{what} x{total}")


def peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM belongs to the process image, so unlike
    ru_maxrss it does not carry over the parent's peak through fork + exec."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    scale = 1024 * 1024 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB elsewhere
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale
