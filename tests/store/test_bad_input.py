"""Bad input found by trying hostile files: each is refused in one line naming what is wrong (or,
where the input is fine, read as it is meant), never a traceback or a hang, and a refused import
leaves the database's files byte for byte as they were.

Only names that existed before these checks are imported at the top, so that every test here can
be run against the code before them and fail on its own. The command-line side (non-UTF-8
arguments; a FIFO, /dev/zero and a 2 GiB file, in a process of their own since they hang or eat
memory without the checks; `critics add` with an absurd grade) is in tests/cli/test_bad_input_cli.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from store.domain import FilmRecord, Publication, PublishedSummary, ReviewDraft
from store.errors import StoreError, ValidationError
from store.exchange import CSV_COLUMNS, export_csv, export_json, read_csv_export, read_import_file
from store.pages import PageError, parse_page
from store.records import validate_draft
from store.repository import Repository
from tests.fixed_store import files

BEYOND_64_BITS = 2**70
THOUSANDS_OF_DIGITS = "1" * 5000
MAX_PUBLISHED_COUNT = 1_000_000  # store.records.MAX_PUBLISHED_COUNT
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")  # store.exchange.FORMULA_STARTS




def refused(database: Path, source: Path, *words: str, title: str | None = "Page") -> str:
    """Import source into database: it must be refused in one line holding every word, and the
    database's folder must be byte for byte what it was."""
    before = files(database.parent)
    with pytest.raises(StoreError) as caught:
        records, publications = read_import_file(source, title=title, year=None)
        with Repository.open(database) as repository:
            repository.import_films(records, publications)
    message = str(caught.value)
    assert "\n" not in message and len(message) < 400, message
    for word in words:
        assert word in message, (word, message)
    assert files(database.parent) == before
    with Repository.open(database) as repository:  # and it still opens
        assert repository.review_count == 1
    return message


def write_json(tmp_path: Path, document: dict, name: str = "import.json") -> Path:
    source = tmp_path / name
    source.write_text(json.dumps(document))
    return source


def film(**fields) -> dict:
    return {"title": "Imported", "year": 2000, "reviews": [{"excerpt": "Words."}], **fields}


# -- 1. a grade of thousands of digits ------------------------------------------------------------


@pytest.mark.parametrize("grade", [
    THOUSANDS_OF_DIGITS, "0." + "0" * 5000 + "1", "1/" + "9" * 5000, f"{THOUSANDS_OF_DIGITS} out of {THOUSANDS_OF_DIGITS}",
    f"***1/2 out of {THOUSANDS_OF_DIGITS}", "7." + "5" * 5000 + "/10",
], ids=["number", "decimal", "scale", "out-of", "stars", "fraction"])
def test_a_grade_of_thousands_of_digits_is_a_grade_error_in_the_form_not_a_crash(grade):
    # The browser's form and `critics add` both go through validate_draft.
    record, errors = validate_draft(ReviewDraft("Words.", "Critic", None, None, grade))
    assert "digits" in errors["grade"] and "\n" not in errors["grade"] and len(errors["grade"]) < 400
    assert "score" not in record


def test_an_import_with_a_grade_of_thousands_of_digits_is_refused(database, tmp_path):
    source = write_json(tmp_path, {"films": [film(reviews=[{"excerpt": "Words.", "grade": THOUSANDS_OF_DIGITS}])]})
    refused(database, source, "grade", "digits")


def test_an_import_with_a_score_of_thousands_of_digits_is_refused_naming_the_file(database, tmp_path):
    source = tmp_path / "import.csv"
    source.write_text(f"title,year,excerpt,score\nImported,2000,Words.,{THOUSANDS_OF_DIGITS}\n")
    refused(database, source, str(source), "line 2", "score", "not a whole number")


def test_a_page_with_counts_of_thousands_of_digits_is_refused_naming_the_line(database, tmp_path):
    source = tmp_path / "page.txt"
    source.write_text(f"Mixed reviews - based on {THOUSANDS_OF_DIGITS} Critics\n\nCritic Reviews\n\n  1. 80\n    Words.\n")
    refused(database, source, str(source), "line 1", "count")
    source.write_text(f"Critic score distribution:\n  1. Positive: {THOUSANDS_OF_DIGITS} out of 3\n\nCritic Reviews\n\n  1. 80\n    W.\n")
    refused(database, source, "line 2", "count")


def test_a_page_entry_number_of_thousands_of_digits_is_refused_not_a_crash(database, tmp_path):
    source = tmp_path / "page.txt"
    source.write_text(f"Critic Reviews\n\n  1. 80\n    Words.\n  {THOUSANDS_OF_DIGITS}. 70\n    More.\n")
    refused(database, source, "line 5", "follows review 1")


# -- 3. a CSV field over csv's default limit of 131,072 characters --------------------------------


def test_a_200000_character_excerpt_survives_the_csv_round_trip(tmp_path):
    long_excerpt = ("Long, long review. " * 11_000)[:200_000].strip()
    with Repository.open(tmp_path / "a.json") as original:
        original.import_films([FilmRecord("Long", 2000, None, None, (ReviewDraft(long_excerpt, "Critic"),))])
        exported = export_csv(original)
    with Repository.open(tmp_path / "b.json") as copy:
        assert copy.import_films(*read_csv_export(exported, "export.csv")).reviews_added == 1
        assert export_csv(copy) == exported
        assert copy.reviews(copy.find_films("Long")[0].id)[0].excerpt == long_excerpt


def test_a_csv_field_over_the_raised_limit_is_refused_in_one_line(database, tmp_path, monkeypatch):
    monkeypatch.setattr("store.files.CSV_FIELD_LIMIT", 1000)
    import csv

    previous = csv.field_size_limit(1000)
    try:
        source = tmp_path / "import.csv"
        source.write_text(f"title,year,excerpt\nImported,2000,{'x' * 2000}\n")
        refused(database, source, str(source), "line 2", "field limit")
    finally:
        csv.field_size_limit(previous)


# -- 4. CR-only line ends ----------------------------------------------------------------------------


def test_a_csv_with_cr_only_line_ends_imports_like_the_lf_one(tmp_path):
    with Repository.open(tmp_path / "a.json") as original:
        original.import_films([FilmRecord("Mac", 1990, "Dir", PublishedSummary("Good", 2, 1, 1, 0), (
            ReviewDraft("First paragraph.\nSecond line.", "A Critic", "Weekly", "2020-01-02", "3/4"),
            ReviewDraft("Plain.", "B Critic"),
        ))])
        exported = export_csv(original)
    assert "\n" in exported.split("\n", 1)[1].rstrip("\n")  # a multi-line excerpt inside quotes
    old_mac = tmp_path / "old-mac.csv"
    old_mac.write_bytes(exported.replace("\n", "\r").encode())
    assert b"\n" not in old_mac.read_bytes()
    records, publications = read_import_file(old_mac, title=None, year=None)
    with Repository.open(tmp_path / "b.json") as copy:
        assert copy.import_films(records, publications).reviews_added == 2
        assert export_csv(copy) == exported


def test_a_page_with_cr_only_line_ends_reads_like_the_lf_one(tmp_path):
    page = "Mixed reviews - based on 2 Critics\n\nCritic Reviews\n\n  1. Reviewed by: A\n    Jul 15, 2013\n    Text\n    more.\n  2. 80\n    More.\n"
    lf, cr = tmp_path / "lf.txt", tmp_path / "cr.txt"
    lf.write_text(page)
    cr.write_bytes(page.replace("\n", "\r").encode())
    expected = read_import_file(lf, title="T", year=None)
    assert read_import_file(cr, title="T", year=None) == expected
    assert len(expected[0][0].reviews) == 2 and expected[0][0].reviews[0].excerpt == "Text\nmore."


# -- 5. JSON numbers beyond 64 bits, and every number in range ----------------------------------


@pytest.mark.parametrize(("fields", "words"), [
    ({"year": BEYOND_64_BITS}, ["film 1 year", "not a plausible film year"]),
    ({"year": 99999}, ["film 1 year", "1870-2200"]),
    ({"published": {"critics": BEYOND_64_BITS}}, ["film 1 published critics", "not a count"]),
    ({"published": {"positive": 2**63}}, ["film 1 published positive", "not a count"]),
    ({"published": {"negative": MAX_PUBLISHED_COUNT + 1}}, ["film 1 published negative", "not a count"]),
    ({"reviews": [{"excerpt": "W.", "score": BEYOND_64_BITS}]}, ["film 1 review 1 score", "0 to 100"]),
    ({"reviews": [{"excerpt": "W.", "score": 101}]}, ["film 1 review 1 score", "0 to 100"]),
    ({"reviews": [{"excerpt": "W.", "score": -1, "grade": "B"}]}, ["film 1 review 1 score", "0 to 100"]),
])
def test_a_json_number_out_of_range_is_refused_naming_the_file_film_and_field(database, tmp_path, fields, words):
    source = write_json(tmp_path, {"films": [film(), film(title="Second", **fields)]})
    words = [w.replace("film 1", "film 2") for w in words]
    refused(database, source, f"{source} film 2", *words)


def test_a_json_number_beyond_a_double_is_refused_as_invalid_json(database, tmp_path):
    source = tmp_path / "import.json"
    source.write_text('{"films": [{"title": "Imported", "year": 1' + "0" * 400 + "}]}")
    refused(database, source, str(source), "not valid JSON", "infinity")


# -- 6. a FIFO, a device, a folder, a file too large -----------------------------------------------


def test_a_folder_given_as_the_import_file_is_refused_before_reading(database, tmp_path):
    refused(database, tmp_path, str(tmp_path), "a folder", "regular file")


def test_a_character_device_given_as_the_import_file_is_refused_before_reading(database):
    # /dev/zero and a FIFO would never end or never start: tests/cli/test_bad_input_cli.py.
    refused(database, Path("/dev/null"), "/dev/null", "a character device", "regular file")


def test_a_symlink_to_a_regular_file_is_read(tmp_path):
    target = tmp_path / "page.txt"
    target.write_text("Critic Reviews\n\n  1. 80\n    Words.\n")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    assert read_import_file(link, title="T", year=None) == read_import_file(target, title="T", year=None)


def test_a_file_over_the_limit_is_refused_with_its_size_before_reading(tmp_path):
    from store.exchange import MAX_IMPORT_BYTES, read_regular_file

    assert MAX_IMPORT_BYTES == 2 * 1024**3
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 101)
    with pytest.raises(StoreError, match=r"it is 101 bytes .* at most"):
        read_regular_file(big, limit=100)
    assert read_regular_file(big, limit=101) == b"x" * 101


# -- 7. page entry numbers that skip or repeat, and dates other than YYYY-MM-DD --------------------

SKIPPED = "Critic Reviews\n\n  1. Reviewed by: A\n    Jul 15, 2013\n    One.\n  2. 80\n    Two.\n  4. Reviewed by: B\n    Four.\n"
REPEATED = "Critic Reviews\n\n  1. Reviewed by: A\n    One.\n  2. 80\n    Two.\n  2. 70\n    Two again.\n"


@pytest.mark.parametrize(("page", "line", "found"), [(SKIPPED, 8, "4. Reviewed by: B"), (REPEATED, 7, "2. 70")])
def test_a_page_whose_entry_numbers_skip_or_repeat_is_refused_naming_the_line(database, tmp_path, page, line, found):
    with pytest.raises(PageError) as caught:
        parse_page(page, "page.txt")
    assert str(caught.value).startswith(f"page.txt, line {line}: '{found}' follows review 2: expected review 3")
    source = tmp_path / "page.txt"
    source.write_text(page)
    refused(database, source, f"line {line}", "follows review 2")


def test_a_numbered_line_indented_as_excerpt_text_stays_excerpt_text():
    page = parse_page("Critic Reviews\n\n  1. Reviewed by: A\n    1996. A year of many crimes,\n    4. and more.\n  2. 80\n    Two.\n")
    assert [r.excerpt for r in page.reviews] == ["1996. A year of many crimes,\n4. and more.", "Two."]


def test_a_page_numbered_without_indentation_still_reads():
    page = parse_page("Critic Reviews\n1. Reviewed by: A\nOne.\n2. 80\nTwo.\n3.\nThree.\n")
    assert [(r.critic, r.grade, r.excerpt) for r in page.reviews] == [("A", None, "One."), (None, "80", "Two."), (None, None, "Three.")]


@pytest.mark.parametrize("when", ["2023-W01-1", "2023-001", "20230101", "2023-1-1", "2023-01-01T00:00", "２０２３-０１-０１"])
def test_a_date_other_than_yyyy_mm_dd_is_refused_in_a_draft_and_an_import(database, tmp_path, when):
    _, errors = validate_draft(ReviewDraft("Words.", "Critic", None, when))
    assert "YYYY-MM-DD" in errors["date"]
    source = write_json(tmp_path, {"films": [film(reviews=[{"excerpt": "W.", "date": when}])]})
    refused(database, source, "review 1 date", "YYYY-MM-DD")


def test_a_page_date_is_read_only_from_its_own_forms_and_always_becomes_yyyy_mm_dd():
    page = parse_page("Critic Reviews\n\n  1. Reviewed by: A\n    Sep 3, 2013\n    One.\n"
                      "  2. Reviewed by: B\n    2023-W01-1\n    Two.\n")
    assert [r.date for r in page.reviews] == ["2013-09-03", None]
    assert page.reviews[1].excerpt == "2023-W01-1\nTwo."  # not a page date: kept as text


# -- 8. publication weights and published counts in imports -------------------------------------


@pytest.mark.parametrize("weight", [1000, 100.5, -1, "nan", "inf", True, "heavy"])
def test_a_json_publication_weight_outside_0_to_100_is_refused_naming_it(database, tmp_path, weight):
    source = write_json(tmp_path, {"films": [film()], "publications": [{"name": "P", "weight": 2}, {"name": "Q", "weight": weight}]})
    refused(database, source, f"{source} publication 2 weight", "0 to 100")


@pytest.mark.parametrize("weight", ["101", "-0.5", "nan", "1e999", "x"])
def test_a_csv_publication_weight_outside_0_to_100_is_refused_naming_the_line(database, tmp_path, weight):
    source = tmp_path / "import.csv"
    source.write_text(f"title,year,excerpt,publication,publication_weight\nImported,2000,W.,P,2\nImported,2000,V.,Q,{weight}\n")
    refused(database, source, f"{source}, line 3 weight", "0 to 100")


@pytest.mark.parametrize("count", [-1, -(2**70), 1.5, True, MAX_PUBLISHED_COUNT + 1])
def test_a_json_published_count_that_is_not_a_whole_number_from_0_is_refused(database, tmp_path, count):
    source = write_json(tmp_path, {"films": [film(published={"verdict": "Good", "critics": 3, "mixed": count})]})
    refused(database, source, f"{source} film 1 published mixed")


@pytest.mark.parametrize("count", ["-1", "1.5", "many", str(2**70)])
def test_a_csv_published_count_that_is_not_a_whole_number_from_0_is_refused(database, tmp_path, count):
    source = tmp_path / "import.csv"
    source.write_text(f"title,year,excerpt,published_critics\nImported,2000,W.,{count}\n")
    refused(database, source, f"{source}, line 2 published critics")


def test_the_store_itself_refuses_a_weight_or_count_it_would_refuse_on_open(database):
    # Whoever builds the records: a weight over 100 or a negative count written would make the
    # database refuse to open ("damaged").
    before = files(database.parent)
    with Repository.open(database) as repository:
        with pytest.raises(ValidationError, match="P weight: a weight is a number from 0 to 100"):
            repository.import_films([], [Publication("P", 1000.0)])
        with pytest.raises(ValidationError, match="New published critics"):
            repository.import_films([FilmRecord("New", 2000, None, PublishedSummary("Good", -3))])
        with pytest.raises(ValidationError, match="New published positive: a number over 64 bits"):
            repository.import_films([FilmRecord("New", 2000, None, PublishedSummary("Good", 3, BEYOND_64_BITS))])
    assert files(database.parent) == before
    with Repository.open(database) as repository:
        assert repository.review_count == 1


def test_weights_and_counts_in_range_still_import(tmp_path):
    source = write_json(tmp_path, {"films": [film(published={"verdict": "Good", "critics": MAX_PUBLISHED_COUNT, "positive": 0})],
                                   "publications": [{"name": "Zero", "weight": 0}, {"name": "Top", "weight": 100}]})
    with Repository.open(tmp_path / "ok.json") as repository:
        repository.import_films(*read_import_file(source, title=None, year=None))
        assert repository.weight_of("Top") == 100.0 and repository.weight_of("Zero") == 0.0
        assert repository.find_films("Imported")[0].published.critics == MAX_PUBLISHED_COUNT


# -- 9. spreadsheet formula injection in the CSV export ------------------------------------------

HOSTILE_CELLS = ["=1+1", "'quoted", "''twice", "-3", "+44 20", "@x", "\tx", "=HYPERLINK(\"http://evil\")", "-"]


def test_csv_cells_a_spreadsheet_would_run_are_written_with_one_quote_and_read_back_exactly(tmp_path):
    with Repository.open(tmp_path / "a.json") as original:
        for number, cell in enumerate(HOSTILE_CELLS):
            original.import_films([FilmRecord(cell, 2000 + number, cell, PublishedSummary(cell, 1), (
                ReviewDraft(cell if cell.strip() else "x", cell, cell, None, None),
                ReviewDraft(f"{cell} inside", "Critic", None, None, "80"),
            ))], [Publication(cell, 2.5)])
        original.set_publication_weight("-", 0.0)
        exported = export_csv(original)
        exported_json = export_json(original)
    import csv
    import io

    rows = list(csv.reader(io.StringIO(exported, newline="")))
    assert tuple(rows[0]) == CSV_COLUMNS  # the header is unchanged
    cells = [cell for row in rows[1:] for cell in row]
    assert cells and not any(cell.startswith(FORMULA_STARTS[:-1]) for cell in cells)
    assert "'=1+1" in cells and "''quoted" in cells and "'''twice" in cells and "'-3" in cells and "'@x" in cells
    assert "x" in cells  # a tab never reaches the store: cleaned to nothing at the edge
    with Repository.open(tmp_path / "b.json") as copy:
        copy.import_films(*read_csv_export(exported, "export.csv"))
        assert export_csv(copy) == exported
        assert export_json(copy) == exported_json
        assert {s.film.title for s in copy.films()} >= {"=1+1", "'quoted", "''twice", "-3", "@x"}


def test_the_csv_import_removes_exactly_one_leading_quote_from_any_cell(tmp_path):
    source = tmp_path / "import.csv"
    source.write_text("title,year,excerpt,critic,publication,grade\n'=1+1,'2001,'''three,','',''B+\n")
    (record,), _ = read_import_file(source, title=None, year=None)
    assert (record.title, record.year) == ("=1+1", 2001)
    review = record.reviews[0]
    assert (review.excerpt, review.critic, review.publication, review.grade) == ("''three", None, "'", "'B+")
