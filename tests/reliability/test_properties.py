"""Properties (Hypothesis): the importers never crash, export then import is the identity, and a
Metascore lies between its reviews' lowest and highest scores.

The grade parser's own property (any text is a 0-100 score or a GradeError) is in
tests/test_grades.py and the scoring function's min/max property in tests/test_scoring.py; here
the same promises are checked one level up, through the Repository and the import files.
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.domain import Publication, PublishedSummary, ReviewDraft
from store.errors import StoreError, ValidationError
from store.exchange import export_csv, export_json, read_csv_export, read_import_file, read_json_export
from store.pages import Page, PageError, parse_page
from store.domain import FilmRecord
from store.repository import Repository

# CRITICS_HYPOTHESIS_EXAMPLES raises the number of examples for a long hunt (default 60).
EXAMPLES = int(os.environ.get("CRITICS_HYPOTHESIS_EXAMPLES", "60"))
SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=EXAMPLES)

# -- the page importer on anything -----------------------------------------------------------

PAGE_LINES = st.sampled_from([
    "Critic Reviews", "Critic reviews:", "Generally favorable reviews - based on 3 Critics",
    "Mixed or average reviews - based on 0 critic", "Critic score distribution:", "  1. Positive: 2 out of 3",
    "  2. Mixed: 1 out of 3", "  3. Negative: 4 out of 3", "  1. Reviewed by:\u00a0Noel Murray", "  2. 80",
    "  3. B+", "  1.", "  2. Reviewed by:", "  4. ***1/2", "Jul 15, 2013", "Feb 30, 2013", "Sept. 3, 2020",
    "    An excerpt line.", "    [/foo] [bold]x[/]", "\x1b[2J\x1b]0;t\x07", "", "   ", "\u202e", "99999999999999999999",
    "1. Positive: 99999999999999999999999 out of 99999999999999999999999",
])
PAGE_TEXT = st.one_of(
    st.text(),
    st.lists(st.one_of(PAGE_LINES, st.text(max_size=30)), max_size=30).map("\n".join),
    st.lists(PAGE_LINES, min_size=1, max_size=40).map("\r\n".join),
)


@SETTINGS
@given(PAGE_TEXT)
def test_the_page_parser_accepts_or_refuses_in_one_line_never_crashes(text):
    try:
        page = parse_page(text, "page.txt")
    except PageError as error:
        message = str(error)
        assert message.startswith("page.txt") and "\n" not in message
        return
    assert isinstance(page, Page) and page.reviews
    assert all(review.excerpt.strip() for review in page.reviews)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
FIELDS = ["title", "year", "director", "published", "reviews", "excerpt", "critic", "publication", "date",
          "grade", "score", "verdict", "critics", "positive", "mixed", "negative", "name", "weight"]
EXPORT_LIKE = st.recursive(
    st.none() | st.integers(-5, 3000) | st.text(max_size=12) | st.sampled_from(["2020-01-02", "3/4", "B+", "80"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(FIELDS), inner, max_size=6),
    max_leaves=25,
)
IMPORT_FILES = st.one_of(
    PAGE_TEXT.map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.binary(max_size=200),
    JSON_VALUES.map(lambda v: json.dumps(v).encode()),
    st.fixed_dictionaries({"films": st.lists(EXPORT_LIKE, max_size=3)},
                          optional={"publications": st.lists(EXPORT_LIKE, max_size=3)}).map(lambda v: json.dumps(v).encode()),
    st.lists(st.lists(st.one_of(st.text(max_size=10), st.sampled_from(["", "2001", "x", "3/4", "1.5", "nan", "inf"])),
                      min_size=1, max_size=16), max_size=4)
    .map(lambda rows: "title,year,director,excerpt,critic,grade,publication,publication_weight\n"
         + "\n".join(",".join(json.dumps(cell) for cell in row) for row in rows)).map(str.encode),
)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
          max_examples=EXAMPLES * 3)
@given(IMPORT_FILES)
def test_importing_any_file_adds_it_or_refuses_it_with_a_store_error(tmp_path, raw):
    source = tmp_path / "import.txt"
    source.write_bytes(raw)
    db = tmp_path / "critics.json"
    try:
        records, publications = read_import_file(source, title="Imported", year=None)
        with Repository.open(db) as repository:
            before = export_json(repository)
            try:
                result = repository.import_films(records, publications)
            except StoreError as error:
                assert "\n" not in str(error)
                assert export_json(repository) == before  # all or nothing
                return
            assert result.reviews_added + result.reviews_skipped == sum(len(r.reviews) for r in records)
    except StoreError as error:
        assert "\n" not in str(error)


# -- export then import is the identity ---------------------------------------------------------

TEXT = st.text(max_size=25)
NAMES = st.one_of(st.sampled_from(["Zoë Brandt", "Noel Murray", "[/foo]", "Staff [Not Credited]", "東京"]), TEXT)
GRADES = st.one_of(st.none(), st.sampled_from(["80", "3/4", "7.5/10", "***1/2", "★★★½", "B+", "A-", "F", "0", "100",
                                               "3 out of 5", "2.5/4"]), TEXT)
DATES = st.one_of(st.none(), st.dates(date(1990, 1, 1), date(2030, 12, 31)).map(date.isoformat))
DRAFTS = st.builds(ReviewDraft, excerpt=st.text(max_size=60), critic=st.one_of(st.none(), NAMES),
                   publication=st.one_of(st.none(), NAMES), date=DATES, grade=GRADES,
                   sentiment=st.sampled_from([None, "positive", "mixed", "negative", "Fresh"]), top_critic=st.booleans(),
                   source_id=st.one_of(st.none(), st.sampled_from(["r1", "r2"]), TEXT), grade_unscored=st.booleans())
FILM_KEYS = st.one_of(st.none(), st.sampled_from(["m/0814255", "addams_family", "=key"]), TEXT)
COUNT = st.one_of(st.none(), st.integers(0, 500))
PUBLISHED = st.one_of(st.none(), st.builds(PublishedSummary, verdict=st.one_of(st.none(), TEXT), critics=COUNT,
                                           positive=COUNT, mixed=COUNT, negative=COUNT))
YEARS = st.one_of(st.none(), st.integers(1870, 2200))
OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("film"), TEXT, YEARS, st.one_of(st.none(), TEXT)),
        st.tuples(st.just("import"), TEXT, YEARS, PUBLISHED, st.lists(DRAFTS, max_size=4), FILM_KEYS),
        st.tuples(st.just("review"), st.integers(0, 50), DRAFTS),
        st.tuples(st.just("edit"), st.integers(0, 200), DRAFTS),
        st.tuples(st.just("delete"), st.integers(0, 200)),
        st.tuples(st.just("weight"), NAMES, st.floats(0, 100, allow_nan=False)),
    ),
    max_size=14,
)


def _apply(repository: Repository, operations) -> None:
    """Run generated operations through the Repository API; the refused ones change nothing."""
    for operation in operations:
        kind, *args = operation
        films = [s.film.id for s in repository.films()]
        reviews = [r.id for f in films for r in repository.reviews(f)]
        try:
            if kind == "film":
                repository.add_film(*args)
            elif kind == "import":
                title, year, published, drafts, key = args
                repository.import_films([FilmRecord(title, year, None, published, tuple(drafts), key)])
            elif kind == "review" and films:
                repository.add_review(films[args[0] % len(films)], args[1])
            elif kind == "edit" and reviews:
                repository.edit_review(reviews[args[0] % len(reviews)], args[1])
            elif kind == "delete" and reviews:
                repository.delete_review(reviews[args[0] % len(reviews)])
            elif kind == "weight":
                repository.set_publication_weight(*args)
        except ValidationError:
            pass


@SETTINGS
@given(OPERATIONS)
def test_export_json_then_import_is_the_identity(operations):
    with tempfile.TemporaryDirectory() as folder:
        with Repository.open(Path(folder) / "a.json") as original:
            _apply(original, operations)
            exported = export_json(original)
            count = original.review_count
        with Repository.open(Path(folder) / "b.json") as copy:
            result = copy.import_films(*read_json_export(exported, "export.json"))
            assert result.reviews_added == count and result.reviews_skipped == 0
            assert export_json(copy) == exported
        with Repository.open(Path(folder) / "b.json") as reopened:
            assert export_json(reopened) == exported


@SETTINGS
@given(OPERATIONS)
def test_export_csv_then_import_is_the_identity(operations):
    with tempfile.TemporaryDirectory() as folder:
        with Repository.open(Path(folder) / "a.json") as original:
            _apply(original, operations)
            exported = export_csv(original)
            count = original.review_count
        with Repository.open(Path(folder) / "b.json") as copy:
            result = copy.import_films(*read_csv_export(exported, "export.csv"))
            assert result.reviews_added == count
            assert export_csv(copy) == exported


def test_two_identical_reviews_of_one_film_survive_the_round_trip(tmp_path):
    """A film can hold the same review twice (typed twice); the export must bring both back,
    while importing the same file again still adds nothing."""
    with Repository.open(tmp_path / "a.json") as original:
        film = original.add_film("Twice", 2000)
        for _ in range(2):
            original.add_review(film.id, ReviewDraft("Same words.", "Same Critic", None, None, "50"))
        exported = export_json(original)
    with Repository.open(tmp_path / "b.json") as copy:
        assert copy.import_films(*read_json_export(exported, "e.json")).reviews_added == 2
        assert export_json(copy) == exported
        again = copy.import_films(*read_json_export(exported, "e.json"))
        assert (again.reviews_added, again.reviews_skipped) == (0, 2)


# -- the Metascore lies between the lowest and highest score -------------------------------------

SCORED = st.lists(
    st.tuples(st.integers(0, 100), st.sampled_from(["P1", "P2", "P3", None])),
    min_size=1, max_size=12,
)
WEIGHTS = st.fixed_dictionaries({name: st.floats(0, 100, allow_nan=False) for name in ("P1", "P2", "P3")})


@SETTINGS
@given(SCORED, WEIGHTS, st.integers(0, 3))
def test_a_films_metascore_lies_between_its_lowest_and_highest_score(scored, weights, unscored):
    with tempfile.TemporaryDirectory() as folder, Repository.open(Path(folder) / "m.json") as repository:
        drafts = [ReviewDraft(f"Review {n}.", f"Critic {n}", publication, None, str(score))
                  for n, (score, publication) in enumerate(scored)]
        drafts += [ReviewDraft(f"Unscored {n}.", "U") for n in range(unscored)]
        repository.import_films([FilmRecord("Scored", 2000, None, None, tuple(drafts))],
                                [Publication(name, weight) for name, weight in weights.items()])
        summary = repository.summary(repository.find_films("Scored")[0].id)
        assert summary.reviews == len(scored) + unscored
        if summary.metascore is not None:
            scores = [score for score, _ in scored]
            assert min(scores) <= summary.metascore <= max(scores)
            assert len(scored) >= 4
        profile = repository.critic_profile("Critic 0")
        assert profile is not None and profile.reviews == 1
