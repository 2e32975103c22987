"""Importing Rotten Tomatoes (2020 and 2023 layouts, reviews and films files) and Letterboxd
exports, on small files written here in each layout's exact header (no third-party data)."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.datasets.incoming import DatasetError
from store.datasets.letterboxd import plain_text
from store.domain import Sentiment
from store.errors import StoreError
from store.importing import FORMATS, read_import, sniff
from store.repository import Repository

RT2020 = """\
rotten_tomatoes_link,critic_name,top_critic,publisher_name,review_type,review_score,review_date,review_content
m/0814255,Andrew L. Urban,False,Urban Cinefile,Fresh,,2010-02-06,"A fantasy adventure that fuses Greek mythology, with ""modern"" teens."
m/0814255,Louise Keller,False,Urban Cinefile,Fresh,2/4,2010-02-06,Uma Thurman as Medusa.
m/0814255,,True,FILMINK (Australia),Rotten,3/5,2010-02-09,
m/0814255,Ben McEachen,False,Empire,Rotten,3 1/2 stars,2010-02-10,Half-baked.
m/0814255,Nick Schager,False,Slant,Rotten,80,2010-02-10,A bare number.
m/10008705-mr_untouchable,Critic X,True,The Paper,Fresh,B+,2007-10-26,Sharp.
"""
RT2020_FILMS = """\
rotten_tomatoes_link,movie_title,movie_info,critics_consensus,content_rating,genres,directors,authors,actors,original_release_date,streaming_release_date
m/0814255,Percy Jackson & the Olympians: The Lightning Thief,"Always trouble-prone, the life of teenager Percy.",,PG,Action,Chris Columbus,Craig Titley,Logan Lerman,2010-02-12,2015-11-25
m/10008705-mr_untouchable,Mr. Untouchable,A documentary.,,R,Documentary,Marc Levin,,,,2008-06-03
"""
RT2023 = """\
id,reviewId,creationDate,criticName,isTopCritic,originalScore,reviewState,publicatioName,reviewText,scoreSentiment,reviewUrl
addams_family,2618,2019-10-11,Sandra Hall,False,3/5,fresh,Sydney Morning Herald,Ghoulish fun.,POSITIVE,http://example.com/1
the_addams_family_2019,102,2019-10-10,Top One,True,,rotten,The Paper,Flat.,NEGATIVE,
the_addams_family_2019,103,2019-10-10,Someone,False,2.5/5 stars,,Weekly,,POSITIVE,
the_addams_family_2019,104,2019-10-12,Else,False,3 out of 5,fresh,Daily,Fine.,POSITIVE,
"""
RT2023_FILMS = """\
id,title,audienceScore,tomatoMeter,rating,ratingContents,releaseDateTheaters,releaseDateStreaming,runtimeMinutes,genre,originalLanguage,director,writer,boxOffice,distributor,soundMix
addams_family,The Addams Family,66,,PG-13,,1991-11-22,2005-08-18,99,Comedy,English,Barry Sonnenfeld,,,,
the_addams_family_2019,The Addams Family,75,45,PG,,2019-10-11,,87,Comedy,English,Greg Tiernan,,,,
"""
REVIEWS = """\
Date,Name,Year,Letterboxd URI,Rating,Rewatch,Review,Tags,Watched Date
2023-01-05,Pusher,1996,https://boxd.it/abc1,4.5,,"Grim.<br />Funny.<br /><br />Second &amp; last <i>paragraph</i>: &lt;i&gt; stays.",,2023-01-04
2023-01-06,Unrated Thoughts,2001,https://boxd.it/abc2,,,Only words.,,
"""
DIARY = """\
Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date
2023-01-05,Pusher,1996,https://boxd.it/abc1,4.5,,,2023-01-04
2023-02-01,Heat,1995,https://boxd.it/def2,,Yes,,2023-01-30
2023-03-01,Heat,1995,https://boxd.it/ghi3,4,,,2023-02-28
"""
RATINGS = """\
Date,Name,Year,Letterboxd URI,Rating
2023-02-28,Heat,1995,https://boxd.it/film-heat,4
2023-04-01,Alien,1979,https://boxd.it/film-alien,5
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load(repository: Repository, path: Path, **options):
    layout, incoming = read_import(path, **options)
    result = repository.import_prepared(incoming.films, incoming.publications, same_entry=incoming.same_entry)
    return layout, incoming, result


# -- Rotten Tomatoes 2020 ---------------------------------------------------------------------


def test_rt2020_reviews_import_with_calls_top_critics_and_unconvertible_grades_kept(tmp_path, repository):
    layout, incoming, result = load(repository, write(tmp_path, "rotten_tomatoes_critic_reviews.csv", RT2020))
    assert layout == "rt2020"
    assert (result.films_added, result.reviews_added, result.reviews_skipped) == (2, 6, 0)
    assert dict(incoming.unscored_grades) == {"3 1/2 stars": 1, "80": 1}
    film = repository.film_by_key("m/0814255")
    assert film.title == "m/0814255"  # until its films file names it
    reviews = repository.reviews(film.id)
    assert [(r.critic, r.sentiment, r.grade, r.score, r.top_critic) for r in reviews] == [
        ("Andrew L. Urban", Sentiment.POSITIVE, None, None, False),
        ("Louise Keller", Sentiment.POSITIVE, "2/4", 50, False),  # Fresh at 2/4: the call is the critic's
        (None, Sentiment.NEGATIVE, "3/5", 60, True),
        ("Ben McEachen", Sentiment.NEGATIVE, "3 1/2 stars", None, False),
        ("Nick Schager", Sentiment.NEGATIVE, "80", None, False),  # a bare number: scale unstated
    ]
    assert reviews[0].excerpt == 'A fantasy adventure that fuses Greek mythology, with "modern" teens.'
    assert reviews[2].excerpt == "" and reviews[2].date == "2010-02-09"
    summary = repository.summary(film.id)
    assert (summary.calls.positive, summary.calls.negative, summary.tomatometer) == (2, 3, 40)


def test_rt2020_films_file_after_the_reviews_names_the_films_and_reimporting_adds_nothing(tmp_path, repository):
    reviews = write(tmp_path, "reviews.csv", RT2020)
    films = write(tmp_path, "rotten_tomatoes_movies.csv", RT2020_FILMS)
    load(repository, reviews)
    layout, _, named = load(repository, films)
    assert layout == "rt2020-films"
    assert (named.films_added, named.films_present, named.reviews_added) == (0, 2, 0)
    percy = repository.film_by_key("m/0814255")
    assert (percy.title, percy.year, percy.director) == ("Percy Jackson & the Olympians: The Lightning Thief", 2010, "Chris Columbus")
    assert repository.film_by_key("m/10008705-mr_untouchable").year == 2008  # streaming date: no theatre date
    _, _, again = load(repository, reviews)
    assert (again.films_added, again.reviews_added, again.reviews_skipped) == (0, 0, 6)
    assert repository.film_by_key("m/0814255").title.startswith("Percy Jackson")  # the reviews file does not rename it


def test_rt2020_films_file_before_the_reviews(tmp_path, repository):
    _, _, films = load(repository, write(tmp_path, "movies.csv", RT2020_FILMS))
    assert (films.films_added, films.reviews_added) == (2, 0)
    _, _, reviews = load(repository, write(tmp_path, "reviews.csv", RT2020))
    assert (reviews.films_added, reviews.films_present, reviews.reviews_added) == (0, 2, 6)
    assert len(repository.reviews(repository.find_films("Mr. Untouchable")[0].id)) == 1


# -- Rotten Tomatoes 2023 ---------------------------------------------------------------------


def test_rt2023_keys_films_by_id_takes_the_call_from_review_state_else_score_sentiment(tmp_path, repository):
    write(tmp_path, "rotten_tomatoes_movies.csv", RT2023_FILMS)
    layout, _, films = load(repository, tmp_path / "rotten_tomatoes_movies.csv")
    assert layout == "rt2023-films" and films.films_added == 2
    layout, incoming, result = load(repository, write(tmp_path, "rotten_tomatoes_movie_reviews.csv", RT2023))
    assert layout == "rt2023"
    assert (result.films_added, result.films_present, result.reviews_added) == (0, 2, 4)
    assert dict(incoming.unscored_grades) == {}  # 2.5/5 stars and 3 out of 5 both convert
    same_title = repository.find_films("The Addams Family")
    assert sorted((f.year, f.key) for f in same_title) == [(1991, "addams_family"), (2019, "the_addams_family_2019")]
    reviews = repository.reviews(repository.film_by_key("the_addams_family_2019").id)
    assert [(r.source_id, r.sentiment, r.top_critic, r.score) for r in reviews] == [
        ("102", Sentiment.NEGATIVE, True, None), ("103", Sentiment.POSITIVE, False, 50), ("104", Sentiment.POSITIVE, False, 60)
    ]
    _, _, again = load(repository, tmp_path / "rotten_tomatoes_movie_reviews.csv")
    assert (again.reviews_added, again.reviews_skipped) == (0, 4)  # by reviewId


# -- Letterboxd ---------------------------------------------------------------------------------


def test_letterboxd_review_html_becomes_plain_text_with_its_line_breaks():
    assert plain_text("Grim.<br />Funny.<br /><br />Second &amp; last <i>paragraph</i>: &lt;i&gt; stays.") == (
        "Grim.\nFunny.\n\nSecond & last paragraph: <i> stays."
    )
    assert plain_text("<p>One.</p><blockquote>Quoted.</blockquote>Two") == "\n\nOne.\n\n\n\nQuoted.\n\nTwo"


def test_letterboxd_files_overlap_and_import_only_what_is_new(tmp_path, repository):
    layout, incoming, reviews = load(repository, write(tmp_path, "reviews.csv", REVIEWS), critic="Me")
    assert layout == "letterboxd" and (reviews.films_added, reviews.reviews_added) == (2, 2)
    pusher = repository.reviews(repository.find_films("Pusher", 1996)[0].id)[0]
    assert (pusher.critic, pusher.date, pusher.grade, pusher.score, pusher.source_id) == (
        "Me", "2023-01-04", "4.5/5", 90, "https://boxd.it/abc1"
    )
    assert pusher.excerpt == "Grim.\nFunny.\n\nSecond & last paragraph: <i> stays."
    _, diary_in, diary = load(repository, write(tmp_path, "diary.csv", DIARY), critic="Me")
    assert (diary.reviews_added, diary.reviews_skipped, diary_in.skipped) == (1, 1, 1)  # abc1 again; a plain entry
    _, _, ratings = load(repository, write(tmp_path, "ratings.csv", RATINGS), critic="Me")
    # Heat rated 4 on 2023-02-28 is the diary's entry (another URI: the film's); Alien is new.
    assert (ratings.films_added, ratings.reviews_added, ratings.reviews_skipped) == (1, 1, 1)
    heat = repository.reviews(repository.find_films("Heat", 1995)[0].id)
    assert [(r.date, r.grade) for r in heat] == [("2023-02-28", "4/5")]


def test_letterboxd_reuses_an_existing_film_of_the_same_title_and_year(tmp_path, repository):
    film = repository.add_film("Pusher", 1996)
    _, _, result = load(repository, write(tmp_path, "reviews.csv", REVIEWS), critic="Me")
    assert (result.films_added, result.films_present) == (1, 1)
    assert len(repository.reviews(film.id)) == 1


def test_letterboxd_needs_a_critic(tmp_path):
    with pytest.raises(DatasetError, match="name them with --critic NAME"):
        read_import(write(tmp_path, "reviews.csv", REVIEWS))


def test_a_letterboxd_rating_that_is_not_half_stars_is_kept_unscored(tmp_path, repository):
    text = RATINGS.replace("Alien,1979,https://boxd.it/film-alien,5", "Alien,1979,https://boxd.it/film-alien,7")
    _, incoming, _ = load(repository, write(tmp_path, "ratings.csv", text), critic="Me")
    assert dict(incoming.unscored_grades) == {"7": 1}


# -- detection and bad input --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "layout"),
    [(RT2020, "rt2020"), (RT2020_FILMS, "rt2020-films"), (RT2023, "rt2023"), (RT2023_FILMS, "rt2023-films"),
     (REVIEWS, "letterboxd"), (DIARY, "letterboxd"), (RATINGS, "letterboxd"), ('{"films": []}', "json"),
     ("title,year,excerpt\n", "csv"), ("Generally favorable reviews - based on 1 Critic\n", "page"),
     ("\ufeff" + RT2020, "rt2020")],
)
def test_the_layout_is_told_by_the_header(tmp_path, text, layout):
    assert sniff(write(tmp_path, "file", text)) == layout


def test_an_unknown_header_is_refused_naming_the_layouts_accepted_and_the_columns_seen(tmp_path, repository):
    path = write(tmp_path, "mystery.csv", "movie,stars,comment\nHeat,4,Fine\n")
    with pytest.raises(DatasetError) as refused:
        read_import(path)
    message = str(refused.value)
    assert "(its columns: movie,stars,comment)" in message
    assert "accepted: " + ", ".join(FORMATS) in message and "\n" not in message


def test_a_forced_layout_refuses_a_file_without_its_columns(tmp_path):
    with pytest.raises(DatasetError) as refused:
        read_import(write(tmp_path, "r.csv", RT2023), layout="rt2020")
    assert "is not a Rotten Tomatoes 2020 reviews file: no column rotten_tomatoes_link" in str(refused.value)


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("m/1,A,False,P,Fresh,3/4,2010-01-01", "line 3: 7 fields where the header has 8"),
        ("m/1,A,False,P,Certified,3/4,2010-01-01,x", "line 3: review_type 'Certified' is neither Fresh nor Rotten"),
        ("m/1,A,Maybe,P,Fresh,3/4,2010-01-01,x", "line 3: top_critic 'Maybe' is neither True nor False"),
        ("m/1,A,False,P,Fresh,3/4,2023-W01-1,x", "line 3: review_date '2023-W01-1' is not a date"),
        ("m/1,A,False,P,Fresh,3/4,2010-02-30,x", "line 3: date: '2010-02-30' is not a date: there is no such day"),
        (",A,False,P,Fresh,3/4,2010-01-01,x", "line 3: no film key in rotten_tomatoes_link"),
    ],
)
def test_a_bad_row_refuses_the_whole_file_naming_its_line_and_nothing_is_imported(tmp_path, repository, line, words):
    header, first = RT2020.splitlines()[:2]
    path = write(tmp_path, "bad.csv", f"{header}\n{first}\n{line}\n")
    with pytest.raises(StoreError) as refused:
        load(repository, path)
    assert words in str(refused.value) and str(refused.value).startswith(str(path))
    assert repository.film_count == 0 and repository.review_count == 0


def test_a_rows_line_number_counts_the_lines_of_quoted_fields_before_it(tmp_path):
    header = RT2020.splitlines()[0]
    path = write(tmp_path, "bad.csv", f'{header}\nm/1,A,False,P,Fresh,,2010-01-01,"two\nlines"\nm/1,A,False,P,Fresh\n')
    with pytest.raises(DatasetError, match="line 4: 5 fields"):
        read_import(path)


def test_cr_only_line_ends_are_line_ends(tmp_path, repository):
    path = tmp_path / "mac.csv"
    path.write_bytes(RT2020.replace("\n", "\r").encode())
    assert load(repository, path)[2].reviews_added == 6


def test_a_dataset_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes(RT2020.encode() + "m/1,Zoë,False,P,Fresh,,2010-01-01,x\n".encode("latin-1"))
    with pytest.raises(DatasetError, match="not UTF-8 text"):
        read_import(path)


def test_a_row_stating_no_review_is_skipped_and_counted(tmp_path, repository):
    path = write(tmp_path, "r.csv", RT2020 + "m/1,Nobody,False,P,,,2010-01-01,\n")
    _, incoming, result = load(repository, path)
    assert (incoming.skipped, result.reviews_added) == (1, 6)


def test_control_characters_in_a_dataset_are_stripped_as_they_enter_the_store(tmp_path, repository):
    header = RT2020.splitlines()[0]
    path = write(tmp_path, "r.csv", f'{header}\nm/1,"A\x1b[2J",False,P,Fresh,,2010-01-01,"x\0y\u202e"\n')
    load(repository, path)
    (review,) = repository.reviews(repository.film_by_key("m/1").id)
    assert (review.critic, review.excerpt) == ("A[2J", "xy")


# -- the fast path holds to the store's rules ----------------------------------------------------

from collections import Counter  # noqa: E402

from hypothesis import given, settings, strategies as st  # noqa: E402

from store.datasets.incoming import RecordMaker  # noqa: E402
from store.domain import ReviewDraft  # noqa: E402
from store.grades import dataset_score  # noqa: E402
from store.records import validate_draft  # noqa: E402
from store.text import clean_optional  # noqa: E402

_TEXT = st.one_of(st.sampled_from(["", " ", "Zoë", "a\u202eb", "x\x1by", "two\nlines", "\u00a0pad "]), st.text(max_size=15))
_GRADES = st.one_of(st.sampled_from(["", "3/4", "B+", "80", "3 1/2 stars", "5/4", "Recommended", " 2.5/5 "]), st.text(max_size=8))
_DAYS = st.sampled_from(["", "2010-02-06", " 2011-01-02 ", "2010-02-30", "2023-W01-1"])


@settings(max_examples=300, deadline=None)
@given(_TEXT, _TEXT, _TEXT, _DAYS, _GRADES, st.sampled_from([None, *Sentiment]), st.booleans(), _TEXT)
def test_dataset_records_follow_validate_draft_with_unconvertible_grades_kept(excerpt, critic, publication, day, grade, call, top, source):
    maker = RecordMaker("file.csv", Counter())
    try:
        made = maker.record(7, excerpt, critic, publication, day, grade, call, top, source)
    except DatasetError as error:
        made = str(error)
    cleaned = clean_optional(grade)  # the grade as it enters the store decides, as validate_draft sees it
    kept = cleaned is not None and dataset_score(cleaned) is None
    draft = ReviewDraft(excerpt, critic or None, publication or None, day or None, grade or None, call, top, source or None,
                        grade_unscored=bool(kept))
    record, errors = validate_draft(draft)
    if "date" in errors:
        assert made == f"file.csv, line 7: date: {errors['date']}"
    elif errors:
        assert set(errors) == {"excerpt"} and made is None  # states no review: skipped, never refused
    else:
        assert made == record


def test_text_cleaning_takes_its_quick_path_only_where_nothing_is_to_clean():
    from store import text

    cleaned = [chr(c) for c in range(0x110000) if text._CONTROL.match(chr(c)) or text._LINE_BREAKS.match(chr(c)) or chr(c) == "\t"]
    assert cleaned and not [c for c in cleaned if c.isprintable()]  # str.isprintable() sees every one of them
