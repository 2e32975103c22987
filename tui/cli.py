"""The `critics` command: the browser by default, and import/add/edit/stats/export for scripts.

Every subcommand names its handler with set_defaults(handler=...); no subcommand opens the
browser. Only the browser imports textual, and only `critics bench` imports the bench: every
other command stays quick to start."""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from datetime import date
from pathlib import Path
from typing import Any, NoReturn, Sequence

from store.domain import CriticProfile, Film, FilmSummary, Review, ReviewDraft
from store.errors import StoreError
from store.locations import resolve_database
from store.records import published_to_dict
from store.text import clean_line


IMPORT_FORMATS = ("page", "json", "csv", "rt2020", "rt2020-films", "rt2023", "rt2023-films", "letterboxd")


class CommandError(StoreError):
    """A usage mistake on the command line."""


def _text(value: str) -> str:
    """Every argument without a type of its own: text, so it must be UTF-8. Python hands a byte
    that is not UTF-8 over as a lone surrogate, which the store cannot write: refused here, before
    anything is opened, and argparse names the option."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        char = ord(value[exc.start])
        what = f"byte 0x{char - 0xDC00:02x}" if 0xDC80 <= char <= 0xDCFF else f"U+{char:04X}"
        raise argparse.ArgumentTypeError(f"not UTF-8 text ({what} at character {exc.start + 1})") from None
    return value


def _file_name(value: str) -> str:
    """A file's name is the operating system's bytes: one that is not UTF-8 still names a file."""
    return value


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.register("type", None, _text)  # the type of every argument that names none

    def error(self, message: str) -> NoReturn:  # one line, no usage dump
        raise CommandError(f"{message} (see: {self.prog} --help)")


def _add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db", metavar="PATH", type=_file_name, default=argparse.SUPPRESS,
        help="the database file (default: $CRITICS_DB, else critics.json in your data folder)",
    )


def _add_film_choice(parser: argparse.ArgumentParser) -> None:
    """--film TITLE [--year Y] or --id N: the film a command changes."""
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--film", metavar="TITLE", help="the film's title, or its key (as a dataset names it)")
    which.add_argument("--id", type=int, metavar="N", help="the film's id (as `add-film` printed it)")
    parser.add_argument("--year", type=int, help="with --film: the film's year, when several films share the title")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="critics", description="Browse, score and keep film critic reviews in your terminal.")
    _add_db(parser)
    parser.set_defaults(handler=cmd_browse)  # no subcommand: the browser
    commands = parser.add_subparsers(dest="command", parser_class=_Parser)
    commands.type = _file_name  # the command's own arguments are decoded by its parser, naming them

    browse = commands.add_parser("browse", help="open the browser (the default)")
    _add_db(browse)
    browse.set_defaults(handler=cmd_browse)

    imp = commands.add_parser(
        "import", help="import a critic-review page, a Critics JSON/CSV export, or a Rotten Tomatoes or Letterboxd file",
        epilog="The layout is told by the file's header; --format forces one. Re-importing adds nothing.",
    )
    imp.add_argument("page", metavar="FILE", type=_file_name, help="the file to import")
    imp.add_argument("--format", dest="layout", choices=IMPORT_FORMATS, help="the file's layout (default: told by its header)")
    imp.add_argument("--title", help="the film's title (a page does not name its film)")
    imp.add_argument("--year", type=int, help="the film's year (a page)")
    imp.add_argument("--critic", metavar="NAME", help="whose reviews a Letterboxd export holds (required for it)")
    _add_db(imp)
    imp.set_defaults(handler=cmd_import)

    add = commands.add_parser("add", help="add one review (prints its id once it is on disk)")
    add_film_choice = add.add_mutually_exclusive_group(required=True)
    add_film_choice.add_argument("--film", metavar="TITLE", help="the film's title, or its key")
    add_film_choice.add_argument("--film-id", type=int, metavar="N", help="the film's id (as `add-film` printed it)")
    add.add_argument("--year", type=int, help="the film's year, when several films share the title")
    add.add_argument("--critic", required=True, metavar="NAME")
    add.add_argument("--publication", metavar="P")
    add.add_argument("--date", metavar="YYYY-MM-DD")
    add.add_argument("--grade", metavar="G", help="as the critic wrote it: 80, 3/4, 7.5/10, ***1/2, B+, ...")
    add.add_argument("--excerpt", metavar="TEXT", help="the review's text (a review needs a text, a grade or a call)")
    add.add_argument("--sentiment", metavar="CALL", help="the critic's own call: positive, mixed or negative")
    add.add_argument("--top-critic", action="store_true", help="the critic is a top critic")
    _add_db(add)
    add.set_defaults(handler=cmd_add)

    edit = commands.add_parser(
        "edit", help="change a review, by the id `add` printed; only the fields given change",
        epilog='An empty value clears a field (--grade "" leaves the review unscored); a review keeps a text, a grade or a call.',
    )
    edit.add_argument("review", metavar="ID", type=int, help="the review's id")
    edit.add_argument("--critic", metavar="NAME")
    edit.add_argument("--publication", metavar="P")
    edit.add_argument("--date", metavar="YYYY-MM-DD")
    edit.add_argument("--grade", metavar="G", help="as the critic wrote it: 80, 3/4, 7.5/10, ***1/2, B+, ...")
    edit.add_argument("--excerpt", metavar="TEXT")
    edit.add_argument("--sentiment", metavar="CALL", help='the critic\'s own call: positive, mixed or negative ("" for none)')
    edit.add_argument("--top-critic", choices=("true", "false"), help="whether the critic is a top critic")
    _add_db(edit)
    edit.set_defaults(handler=cmd_edit)

    delete = commands.add_parser("delete", help="delete a review, by the id `add` printed")
    delete.add_argument("review", metavar="ID", type=int, help="the review's id")
    _add_db(delete)
    delete.set_defaults(handler=cmd_delete)

    add_film = commands.add_parser("add-film", help="add a film (prints its id once it is on disk)")
    add_film.add_argument("--title", required=True, metavar="TITLE")
    add_film.add_argument("--year", type=int, help="the film's year")
    add_film.add_argument("--director", metavar="NAME")
    _add_db(add_film)
    add_film.set_defaults(handler=cmd_add_film)

    edit_film = commands.add_parser("edit-film", help="change a film's title, year or director")
    _add_film_choice(edit_film)
    edit_film.add_argument("--title", metavar="NEW", help="the new title")
    edit_film.add_argument("--new-year", metavar="YEAR", help='the new year ("" for none)')
    edit_film.add_argument("--director", metavar="NAME", help='the new director ("" for none)')
    _add_db(edit_film)
    edit_film.set_defaults(handler=cmd_edit_film)

    delete_film = commands.add_parser("delete-film", help="delete a film and all its reviews")
    _add_film_choice(delete_film)
    delete_film.add_argument("--yes", action="store_true", help="needed when the film has reviews: they go too")
    _add_db(delete_film)
    delete_film.set_defaults(handler=cmd_delete_film)

    stats = commands.add_parser("stats", help="Metascores, verdicts and distributions")
    stats_film = stats.add_mutually_exclusive_group()
    stats_film.add_argument("--film", metavar="TITLE", help="the film's title, or its key")
    stats_film.add_argument("--film-id", type=int, metavar="N", help="the film's id (as `add-film` printed it)")
    stats.add_argument("--year", type=int, help="the film's year, when several films share the title")
    stats.add_argument("--critic", metavar="NAME", help="films that critic reviewed, and the critic's profile")
    stats.add_argument("--json", action="store_true", help="machine-readable output")
    _add_db(stats)
    stats.set_defaults(handler=cmd_stats)

    match = commands.add_parser(
        "match", help="the critics whose scores agree with a critic's (yours too, once imported)",
        epilog="Ordered by the 80%% lower confidence bound of the correlation (docs/taste.md).",
    )
    match.add_argument("--critic", required=True, metavar="NAME")
    match.add_argument("--min-shared", type=int, default=5, metavar="N", help="films both scored, at least (default 5, N >= 4)")
    match.add_argument("--limit", type=int, default=20, metavar="N", help="critics listed at most (default 20)")
    match.add_argument("--json", action="store_true", help="machine-readable output")
    _add_db(match)
    match.set_defaults(handler=cmd_match)

    recommend = commands.add_parser(
        "recommend", help="films a critic has not reviewed that the critics agreeing with them scored high",
    )
    recommend.add_argument("--critic", required=True, metavar="NAME")
    recommend.add_argument("--limit", type=int, default=20, metavar="N", help="films listed at most (default 20)")
    recommend.add_argument("--json", action="store_true", help="machine-readable output")
    _add_db(recommend)
    recommend.set_defaults(handler=cmd_recommend)

    export = commands.add_parser("export", help="everything, as JSON or CSV (imports back identically)")
    export.add_argument("--format", choices=("json", "csv"), default="json")
    export.add_argument("--output", metavar="FILE", type=_file_name, help="write to FILE (atomically) instead of standard output")
    _add_db(export)
    export.set_defaults(handler=cmd_export)

    weight = commands.add_parser("weight", help="set a publication's weight in the Metascore (default 1.0)")
    weight.add_argument("publication", metavar="PUBLICATION")
    weight.add_argument("weight", metavar="WEIGHT", type=float)
    _add_db(weight)
    weight.set_defaults(handler=cmd_weight)

    check = commands.add_parser("check", help="read every record and report what is damaged (changes nothing)")
    _add_db(check)
    check.set_defaults(handler=cmd_check)

    repair = commands.add_parser(
        "repair", help="copy a damaged database's files aside, rebuild it from what is intact, and say what was dropped"
    )
    _add_db(repair)
    repair.set_defaults(handler=cmd_repair)

    compact = commands.add_parser("compact", help="fold the journal into a fresh snapshot (keeps a .bak)")
    _add_db(compact)
    compact.set_defaults(handler=cmd_compact)

    generate = commands.add_parser(
        "generate", help="write a synthetic database, or a synthetic dataset file with --layout (for benchmarks)"
    )
    generate.add_argument("--films", type=int, required=True, metavar="F")
    generate.add_argument("--reviews", type=int, required=True, metavar="R")
    generate.add_argument("--seed", type=int, default=1, metavar="N")
    generate.add_argument("--layout", choices=("rt2020",), help="write a Rotten Tomatoes reviews file in this layout")
    generate.add_argument("--db", metavar="PATH", type=_file_name, help="a new database file")
    generate.add_argument("--output", metavar="FILE", type=_file_name, help="with --layout: the new file")
    generate.set_defaults(handler=cmd_generate)

    bench = commands.add_parser(
        "bench", help="measure load, writes, queries and the browser on a fresh synthetic store, beside TinyDB, sqlite3 and orjson"
    )
    bench.add_argument("--reviews", type=int, default=200_000, metavar="R", help="reviews to generate (default 200000)")
    bench.add_argument("--films", type=int, default=None, metavar="F", help="films to generate (default R/20)")
    bench.add_argument("--seed", type=int, default=1, metavar="N")
    bench.add_argument("--json", action="store_true", help="print the numbers as JSON (progress still goes to stderr)")
    bench.set_defaults(handler=cmd_bench)
    return parser


def _open(args: argparse.Namespace):
    from store.repository import Repository

    path, _ = resolve_database(getattr(args, "db", None))
    repository = Repository.open(path)
    for warning in repository.warnings:
        print(f"critics: warning: {warning}", file=sys.stderr)
    return repository


def _did_you_mean(close: list[str]) -> str:
    return f"; did you mean: {', '.join(close)}?" if close else ""


def _choose_film(repository, title: str, year: int | None) -> FilmSummary:
    """The one film whose key is title, else the one called title (and of that year, if given).
    What the database holds decides, not how the command was typed, so an unknown or ambiguous
    film is status 1, not 2."""
    keyed = repository.film_by_key(title)
    if keyed is not None and year in (None, keyed.year):
        return repository.summary(keyed.id)
    films = repository.find_films(title, year)
    if len(films) == 1:
        return repository.summary(films[0].id)
    if films and year is None and len({f.year for f in films}) == len(films):
        years = ", ".join(str(f.year) for f in films)
        raise StoreError(f"several films are called {title!r} ({years}): add --year")
    if films and any(f.key is not None for f in films):  # titles repeat across keys
        listed = ", ".join(f"{f.label} [key {f.key}]" if f.key is not None else f"{f.label} [no key, id {f.id}]" for f in films)
        where = "; give the key with --film" + ("" if all(f.key is not None for f in films) else ", or the id with --film-id")
        raise StoreError(f"several films are called {title!r}: {listed}{where}")
    if films:  # same year too: their titles differ only in case or accents (see the warnings)
        labels = ", ".join(f.label for f in films)
        raise StoreError(f"several films are called {title!r}: {labels}; give the title exactly as listed")
    raise StoreError(f"no film called {title!r}{_did_you_mean(repository.suggest_titles(title))}")


class ProgressBar:
    """A bar on stderr for a long import: drawn only when stderr is a terminal and once the work
    has taken a second (a quick import prints nothing), erased when done."""

    WIDTH = 30

    def __init__(self, stream=None, clock=None, after: float = 1.0) -> None:
        import time

        self._stream = stream if stream is not None else sys.stderr
        self._clock = clock or time.monotonic
        self._start = self._clock()
        self._after = after
        self._drawn = False
        self._enabled = self._stream.isatty()

    def phase(self, label: str):
        """A progress callback (done, total) for one phase of the work."""

        def report(done: int, total: int) -> None:
            if not self._enabled or self._clock() - self._start < self._after:
                return
            share = done / total if total else 1.0
            filled = int(share * self.WIDTH)
            self._stream.write(f"\r{label:<9} [{'#' * filled}{'.' * (self.WIDTH - filled)}] {share:4.0%}")
            self._stream.flush()
            self._drawn = True

        return report

    def done(self) -> None:
        if self._drawn:
            self._stream.write("\r" + " " * (self.WIDTH + 18) + "\r")
            self._stream.flush()
            self._drawn = False


def _many(count: int, word: str) -> str:
    """ "1 review", "1,130,017 reviews": a count with its noun agreeing, thousands separated."""
    return f"{count:,} {word if count == 1 else word + 's'}"


def import_summary(result, incoming) -> str:
    """The one line an import prints: every count the import knows."""
    line = (
        f"imported {_many(result.reviews_added, 'review')}: {_many(result.films_added, 'film')} new, "
        f"{result.films_present:,} already present; {_many(result.reviews_skipped, 'review')} already present"
    )
    kept = incoming.unscored_grades
    if kept:
        common = ", ".join(f"{clean_line(grade)[:20]!r} {count:,}" for grade, count in kept.most_common(3))
        line += f"; {_many(sum(kept.values()), 'grade')} kept as written, unscored (most frequent: {common})"
    else:
        line += "; 0 grades kept unscored"
    if incoming.skipped:
        line += f"; {incoming.skipped:,} {incoming.skipped_what} skipped"
    return line


def cmd_import(args: argparse.Namespace) -> int:
    from store.importing import read_import

    bar = ProgressBar()
    try:
        _layout, incoming = read_import(
            Path(args.page), layout=args.layout, title=args.title, year=args.year, critic=args.critic,
            progress=bar.phase("reading"),
        )
        with _open(args) as repository:
            result = repository.import_prepared(
                incoming.films, incoming.publications, same_entry=incoming.same_entry, progress=bar.phase("saving"),
            )
            bar.done()
            print(import_summary(result, incoming))
            _compact_if_due(repository)
    finally:
        bar.done()
    return 0


def _compact_if_due(repository) -> None:
    """After a write's result is printed: compact once the journal has outgrown the snapshot
    (docs/architecture.md). A compaction that fails changes nothing; the write is kept."""
    if not repository.compaction_due:
        return
    sys.stdout.flush()
    try:
        repository.compact()
    except StoreError as exc:
        print(f"critics: warning: the change is saved, but compacting failed: {clean_line(str(exc))}", file=sys.stderr)


def cmd_add(args: argparse.Namespace) -> int:
    draft = ReviewDraft(
        args.excerpt or "", args.critic, args.publication, args.date, args.grade,
        sentiment=args.sentiment, top_critic=args.top_critic,
    )
    with _open(args) as repository:
        film = _film_or_id(repository, args)
        review = repository.add_review(film.film.id, draft, today=date.today())
        print(review.id)
        _compact_if_due(repository)
    return 0


def _film_or_id(repository, args: argparse.Namespace) -> FilmSummary:
    """The film --film/--year or --film-id names (add, stats)."""
    if args.film_id is not None:
        if args.year is not None:
            raise CommandError("--year chooses among films of one title: give --film, not --film-id")
        return repository.summary(args.film_id)
    return _choose_film(repository, args.film, args.year)


def _chosen_film(repository, args: argparse.Namespace) -> Film:
    """The film --film/--year or --id names."""
    if args.id is not None:
        if args.year is not None:
            raise CommandError("--year chooses among films of one title: give --film, not --id")
        return repository.film(args.id)
    return _choose_film(repository, args.film, args.year).film


def _review_label(repository, review: Review) -> str:
    """A review as the edit and delete commands name it: its id, film and critic."""
    film = clean_line(repository.film(review.film_id).label)
    return f"review {review.id} of {film} by {clean_line(review.critic) if review.critic else 'an uncredited critic'}"


def cmd_edit(args: argparse.Namespace) -> int:
    fields = ("excerpt", "critic", "publication", "date", "grade", "sentiment")
    given: dict[str, Any] = {field: getattr(args, field) for field in fields if getattr(args, field) is not None}
    if args.top_critic is not None:
        given["top_critic"] = args.top_critic == "true"
    if not given:
        raise CommandError(
            "nothing to change: give --critic, --publication, --date, --grade, --excerpt, --sentiment or --top-critic"
        )
    if "grade" in given:
        given["grade_unscored"] = False  # a grade typed here is read as `critics add` reads it
    with _open(args) as repository:
        before = repository.review(args.review)
        draft = dataclasses.replace(before.as_draft(), **given)
        review = repository.edit_review(before.id, draft, today=date.today())
        print(f"edited {_review_label(repository, review)}")
        _compact_if_due(repository)
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    with _open(args) as repository:
        review = repository.delete_review(args.review)
        print(f"deleted {_review_label(repository, review)}")
        _compact_if_due(repository)
    return 0


def cmd_add_film(args: argparse.Namespace) -> int:
    with _open(args) as repository:
        film = repository.add_film(args.title, args.year, args.director)
        print(film.id)
        _compact_if_due(repository)
    return 0


def cmd_edit_film(args: argparse.Namespace) -> int:
    changes: dict[str, Any] = {}
    if args.title is not None:
        changes["title"] = args.title
    if args.new_year is not None:
        changes["year"] = args.new_year
    if args.director is not None:
        changes["director"] = args.director
    if not changes:
        raise CommandError("nothing to change: give --title, --new-year or --director")
    with _open(args) as repository:
        film = repository.edit_film(_chosen_film(repository, args).id, **changes)
        print(clean_line(film.label))
        _compact_if_due(repository)
    return 0


def cmd_delete_film(args: argparse.Namespace) -> int:
    with _open(args) as repository:
        film = _chosen_film(repository, args)
        count = len(repository.reviews(film.id))
        if count and not args.yes:
            raise StoreError(
                f"{film.label} has {_many(count, 'review')} that would be deleted with it: add --yes to delete them all"
            )
        film, reviews = repository.delete_film(film.id)
        print(f"deleted {clean_line(film.label)} and its {_many(len(reviews), 'review')}")
        _compact_if_due(repository)
    return 0


def _summary_json(summary: FilmSummary) -> dict[str, Any]:
    """A film's summary as `stats --json` prints it."""
    return {
        "title": summary.film.title,
        "year": summary.film.year,
        "reviews": summary.reviews,
        "scored": summary.scored,
        "metascore": summary.metascore,
        "verdict": summary.verdict.label if summary.verdict else None,
        "distribution": {
            "positive": summary.distribution.positive,
            "mixed": summary.distribution.mixed,
            "negative": summary.distribution.negative,
            "unscored": summary.distribution.unscored,
        },
        "published": published_to_dict(summary.film.published),  # as the store writes and exports it
        "key": summary.film.key,
        "tomatometer": summary.tomatometer,
        "sentiment": {
            "positive": summary.calls.positive,
            "mixed": summary.calls.mixed,
            "negative": summary.calls.negative,
            "unstated": summary.calls.unstated,
        },
        "top_critics": {
            "reviews": summary.top_critics.reviews,
            "metascore": summary.top_critics.metascore,
            "tomatometer": summary.top_critics.tomatometer,
        },
    }


def _profile_json(profile: CriticProfile) -> dict[str, Any]:
    """A critic's profile as `stats --json --critic` prints it."""
    return {
        "name": profile.name, "names": list(profile.names), "reviews": profile.reviews,
        "scored": profile.scored, "mean": profile.mean, "higher": profile.higher,
        "same": profile.same, "lower": profile.lower, "mean_difference": profile.mean_difference,
    }


def cmd_stats(args: argparse.Namespace) -> int:
    import orjson

    if args.year is not None and not args.film:
        raise CommandError("--year chooses among films of one title: give --film too")
    with _open(args) as repository:
        if args.film or args.film_id is not None:
            films = [_film_or_id(repository, args)]
            if args.critic:
                names = set(repository.matching_critics(args.critic))
                films = [f for f in films if any(r.critic in names for r in repository.reviews(f.film.id))]
        else:
            films = list(repository.films(critic=args.critic))  # scored while the database is open
        profile = repository.critic_profile(args.critic) if args.critic else None
        if args.critic and profile is None:
            raise StoreError(f"no critic matches {args.critic!r}{_did_you_mean(repository.suggest_critics(args.critic))}")
    if args.json:
        document: dict[str, Any] = {"films": [_summary_json(f) for f in films]}
        if profile is not None:
            document["critic"] = _profile_json(profile)
        sys.stdout.write(orjson.dumps(document, option=orjson.OPT_INDENT_2).decode() + "\n")
        return 0
    # Text from the database is cleaned again for the terminal: one written by another program
    # may hold raw escapes the store never saw.
    width = max([len(clean_line(f.film.label)) for f in films] + [4])
    print(f"{'film':<{width}}  score  reviews  +/~/-/?        verdict")
    for f in films:
        d = f.distribution
        score = "tbd" if f.metascore is None else str(f.metascore)
        split = f"{d.positive}/{d.mixed}/{d.negative}/{d.unscored}"
        print(f"{clean_line(f.film.label):<{width}}  {score:>5}  {f.reviews:>7}  {split:<13}  {f.verdict.label if f.verdict else '-'}")
        if f.film.published is not None:
            p = f.film.published
            parts = [clean_line(p.verdict), f"{p.critics} critics" if p.critics is not None else ""]
            counts = "/".join("?" if c is None else str(c) for c in (p.positive, p.mixed, p.negative))
            print(f"{'':<{width}}  page says: {', '.join(x for x in parts if x)} (+/~/- {counts})")
    if profile is not None:
        diff = "n/a" if profile.mean_difference is None else f"{profile.mean_difference:+.1f}"
        mean = "n/a" if profile.mean is None else f"{profile.mean:.1f}"
        print(
            f"\ncritic {clean_line(profile.name)}: {profile.reviews} reviews, {profile.scored} scored, mean {mean}; "
            f"vs the Metascore: {profile.higher} higher, {profile.same} same (within 5), {profile.lower} lower, "
            f"mean difference {diff}"
        )
    return 0


def _check_limit(args: argparse.Namespace) -> None:
    if args.limit < 1:
        raise CommandError(f"--limit must be at least 1 (got {args.limit})")


def _json_line(document: dict[str, Any]) -> None:
    import orjson

    sys.stdout.write(orjson.dumps(document, option=orjson.OPT_INDENT_2).decode() + "\n")


def _why_empty(reason: str | None, as_json: bool) -> None:
    """Too little to go on is an answer, not an error: one line saying why (stderr beside JSON)."""
    if reason:
        print(clean_line(reason), file=sys.stderr if as_json else sys.stdout)


def cmd_match(args: argparse.Namespace) -> int:
    from store.taste import MIN_SHARED_FLOOR

    if args.min_shared < MIN_SHARED_FLOOR:
        raise CommandError(f"--min-shared must be at least {MIN_SHARED_FLOOR} (got {args.min_shared})")
    _check_limit(args)
    with _open(args) as repository:
        result = repository.match(args.critic, min_shared=args.min_shared, limit=args.limit)
    if args.json:
        _json_line({"critic": result.critic, "matches": [m.as_dict() for m in result.matches]})
        _why_empty(result.reason, True)
        return 0
    print(f"critics who agree with {clean_line(result.critic)} (films both scored: at least {args.min_shared})")
    if not result.matches:
        _why_empty(result.reason, False)
        return 0
    width = max([len(clean_line(m.critic)) for m in result.matches] + [6])
    print(f"{'critic':<{width}}  shared       r   lower  mean diff  calls  agree")
    for m in result.matches:
        shown = m.as_dict()
        agree = "-" if m.calls_agree is None else f"{m.calls_agree}%"
        print(
            f"{clean_line(m.critic):<{width}}  {m.shared:>6}  {shown['r']:>6.3f}  {shown['lower_bound']:>6.3f}"
            f"  {m.mean_abs_diff:>9.1f}  {m.calls_shared:>5}  {agree:>5}"
        )
    return 0


def cmd_recommend(args: argparse.Namespace) -> int:
    _check_limit(args)
    with _open(args) as repository:
        result = repository.recommend(args.critic, limit=args.limit)
    if args.json:
        _json_line({"critic": result.critic, "recommendations": [r.as_dict() for r in result.recommendations]})
        _why_empty(result.reason, True)
        return 0
    print(f"films {clean_line(result.critic)} has not reviewed, as the critics who agree with them scored them")
    if not result.recommendations:
        _why_empty(result.reason, False)
        return 0
    width = max([len(clean_line(r.film.label)) for r in result.recommendations] + [4])
    print(f"{'film':<{width}}  predicted  critics")
    for r in result.recommendations:
        print(f"{clean_line(r.film.label):<{width}}  {r.predicted:>9}  {r.contributors:>7}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from store.durable import write_atomically
    from store.exchange import csv_chunks, json_chunks

    with _open(args) as repository:
        # Streamed a film at a time: memory holds one film's reviews, never the whole export.
        if args.format == "json":
            chunks = json_chunks(repository)
        else:
            chunks = (text.encode() for text in csv_chunks(repository))
        database = repository.path.resolve()
        if args.output:
            target = Path(args.output)
            if not target.parent.is_dir():
                raise CommandError(f"cannot write {target}: the folder {target.parent} does not exist")
            # Exporting over the database (or its journal, backup or lock) would destroy it.
            own = {database.with_name(database.name + suffix) for suffix in ("", ".journal", ".bak", ".lock")}
            if target.resolve() in own:
                raise CommandError(f"cannot write {target}: it is the database's own file; choose another name")
            try:
                write_atomically(target, chunks)
            except OSError as exc:
                raise StoreError(f"cannot write {target}: {exc.strerror or exc}") from None
        else:
            for chunk in chunks:
                sys.stdout.buffer.write(chunk)
            sys.stdout.flush()
    return 0


def cmd_weight(args: argparse.Namespace) -> int:
    with _open(args) as repository:
        publication = repository.set_publication_weight(args.publication, args.weight)
        print(f"{publication.name}: weight {publication.weight:g}")
        _compact_if_due(repository)
    return 0


def cmd_compact(args: argparse.Namespace) -> int:
    with _open(args) as repository:
        repository.compact()
        print(f"compacted {repository.path} ({repository.review_count} reviews); previous snapshot kept as {repository.path.name}.bak")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from store.checkup import examine

    path, _ = resolve_database(getattr(args, "db", None))
    checkup = examine(path)
    for line in (*checkup.notes, *checkup.problems):
        print(clean_line(line))
    found = f"{_many(len(checkup.problems), 'problem')}: `critics repair` copies the files aside and rebuilds" if checkup.problems else "no damage found"
    print(f"{clean_line(str(checkup.path))}: {checkup.films} films, {checkup.reviews} reviews, {checkup.entries} journal entries; {found}")
    return 1 if checkup.problems else 0


def cmd_repair(args: argparse.Namespace) -> int:
    from store.checkup import repair

    path, _ = resolve_database(getattr(args, "db", None))
    checkup, copies = repair(path)
    if not checkup.problems:
        print(f"{clean_line(str(checkup.path))}: no damage found; nothing was changed")
        return 0
    for line in checkup.problems:
        print(f"dropped: {clean_line(line)}")
    print(f"the damaged files were copied to: {', '.join(clean_line(str(copy)) for copy in copies)}")
    print(f"repaired {clean_line(str(checkup.path))}: {checkup.films} films, {checkup.reviews} reviews")
    return 0


def cmd_browse(args: argparse.Namespace) -> int:
    path, is_default = resolve_database(getattr(args, "db", None))
    from tui.app import run_browser  # textual is imported here and only here

    return run_browser(path, seed_sample=is_default)


def cmd_generate(args: argparse.Namespace) -> int:
    if args.layout is not None:
        from store.dataset_generator import generate_rt2020

        if args.output is None or args.db is not None:
            raise CommandError("--layout writes a file: give --output FILE (and no --db)")
        rows = generate_rt2020(Path(args.output).expanduser(), args.films, args.reviews, args.seed)
        print(f"generated {rows} {args.layout} reviews of {args.films} films in {args.output}")
        return 0
    if args.db is None or args.output is not None:
        raise CommandError("generate writes a database: give --db PATH (or --layout with --output FILE)")
    from store.generator import generate

    size = generate(Path(args.db).expanduser(), args.films, args.reviews, args.seed)
    print(f"generated {size.reviews} reviews of {size.films} films in {args.db}")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from store.generator import MAX_PER_FILM, MIN_PER_FILM

    from bench.runner import MIN_FILMS, default_films, render_table, run_bench  # the one import of bench from tui: critics bench starts it (lazily)

    films = args.films if args.films is not None else default_films(args.reviews)
    if films < MIN_FILMS or args.reviews < films * MIN_PER_FILM or args.reviews > films * MAX_PER_FILM:
        raise StoreError(
            f"bench needs at least {MIN_FILMS} films and {MIN_PER_FILM}-{MAX_PER_FILM} reviews a film "
            f"(got {args.reviews} reviews over {films} films)"
        )
    result = run_bench(args.reviews, films, seed=args.seed)
    if args.json:
        import json

        print(json.dumps(result.to_json()))
    else:
        print(render_table(result))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        return args.handler(args)
    except StoreError as exc:
        print(f"critics: error: {clean_line(str(exc))}", file=sys.stderr)
        return 2 if isinstance(exc, CommandError) else 1
    except KeyboardInterrupt:
        print("critics: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
