"""Importing critic-review pages: the seed losslessly, our own page, and refusals that name the line."""

from __future__ import annotations

from importlib import resources

import pytest

from store.domain import PublishedSummary
from store.pages import PageError, decode_page, parse_page

SEED_CRITICS = [
    "Noel Murray", None, "Staff [Not Credited]", "Dennis Lim", "Robert Abele", "Gunnar Rehlin",
    "V.A. Musetto", "Ethan Gilsdorf", "Andrew O'Hehir", "Wendy Richmond", "Anita Gates",
]


def test_seed_page_declared_summary_is_kept_with_the_missing_mixed_line_as_unknown(seed_page):
    page = parse_page(decode_page(seed_page.read_bytes()))
    assert page.published == PublishedSummary(
        verdict="Generally favorable reviews", critics=11, positive=9, mixed=None, negative=0
    )


def test_seed_page_has_every_review_in_order_with_critics_cleaned_of_no_break_spaces(seed_page):
    page = parse_page(decode_page(seed_page.read_bytes()))
    assert [r.critic for r in page.reviews] == SEED_CRITICS


def test_seed_page_entry_two_is_a_bare_score_with_no_critic_and_no_date(seed_page):
    second = parse_page(decode_page(seed_page.read_bytes())).reviews[1]
    assert (second.grade, second.critic, second.date) == ("80", None, None)
    assert second.excerpt.startswith("Each film in Nicolas Winding Refn")


def test_seed_page_dates_become_iso_and_text_is_kept_literally(seed_page):
    reviews = parse_page(decode_page(seed_page.read_bytes())).reviews
    dated = [r for r in reviews if r.critic]
    assert {r.date for r in dated} == {"2013-07-15"}
    assert all(r.grade is None for r in dated)
    text = "\n".join(r.excerpt for r in reviews)
    assert "\u2014" in text  # em dash
    assert "\u2019" in text  # curly quote
    assert "clichés" in text
    assert "..." in text
    assert reviews[6].excerpt.startswith("[Refn]")  # brackets kept, not markup
    assert all("\u00a0" not in (r.critic or "") for r in reviews)


def test_seed_page_with_a_bom_and_crlf_reads_the_same(seed_page):
    raw = seed_page.read_bytes()
    converted = b"\xef\xbb\xbf" + raw.replace(b"\n", b"\r\n")
    assert parse_page(decode_page(converted)) == parse_page(decode_page(raw))


def test_our_sample_page_reads_with_its_quirks():
    folder = resources.files("sample_data").joinpath("pages")
    pages = [p for p in folder.iterdir() if p.name.endswith(".txt")]
    assert pages, "sample_data/pages holds at least one page"
    page = parse_page(decode_page(pages[0].read_bytes()))
    assert page.published is not None and page.published.critics
    assert len(page.reviews) >= 5
    assert any(r.critic is None and r.grade for r in page.reviews)
    assert any("[" in (r.critic or "") for r in page.reviews)


PAGE = """Mixed or average reviews - based on 3 Critics

Critic score distribution:
  1. Mixed: 2 out of 3

Critic Reviews

  1. Reviewed by:\u00a0Ada Lane
    Mar 3, 2020
    First line of a long excerpt
    and its second line.
  2. B+
    Reviewed by:\u00a0Bo Chen
    A graded review.
  3. Reviewed by: Cy Dorn
    Only an excerpt.
"""


def test_a_multi_line_excerpt_keeps_its_lines_and_a_score_can_precede_a_critic():
    page = parse_page(PAGE)
    assert page.reviews[0].excerpt == "First line of a long excerpt\nand its second line."
    assert (page.reviews[1].grade, page.reviews[1].critic) == ("B+", "Bo Chen")
    assert page.reviews[2].date is None
    assert page.published == PublishedSummary("Mixed or average reviews", 3, None, 2, None)


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("Just some notes\nabout a film\n", 1, "not a critic-review page"),
        ("", 1, "not a critic-review page"),
        ("Mixed or average reviews - based on 3 Critics\n\nCritic Reviews\n\nno number here\n", 5, "expected review 1"),
        ("Critic Reviews\n\n  1. Reviewed by: Ada\n    Mar 3, 2020\n", 3, "has no excerpt"),
        ("Mixed - based on 3 Critics\nCritic score distribution:\n  1. Positive: 1 out of 4\nCritic Reviews\n  1. x\n", 3, "declares 3"),
        ("Critic Reviews\n", 1, "no reviews"),
        (PAGE.replace("  3. Reviewed by: Cy", "  4. Reviewed by: Cy"), 15, "follows review 2: expected review 3"),
        (PAGE.replace("  3. Reviewed by: Cy", "  2. Reviewed by: Cy"), 15, "follows review 2: expected review 3"),
        ("Critic Reviews\n  1. 80\n    A.\n  1. 70\n    B.\n", 4, "follows review 1: expected review 2"),
        ("Mixed - based on 99999999999 Critics\nCritic Reviews\n  1. x\n", 1, "not a count of critics"),
        ("Critic score distribution:\n  1. Mixed: 1000001 out of 3\nCritic Reviews\n  1. x\n", 2, "at most 1,000,000"),
    ],
)
def test_a_file_that_is_not_a_page_is_refused_naming_the_line(text, line, words):
    with pytest.raises(PageError) as caught:
        parse_page(text, "notes.txt")
    message = str(caught.value)
    assert f"notes.txt, line {line}" in message and words in message
    assert "\n" not in message


def test_a_file_that_is_not_utf8_is_refused():
    with pytest.raises(PageError, match="not UTF-8"):
        decode_page(b"Critic Reviews\n\xff\xfe\n", "latin.txt")


def test_control_characters_in_a_page_never_reach_the_reviews():
    page = parse_page("Critic Reviews\n  1. Reviewed by: Evil\x1b]0;pwned\x07 Name\n    Text \x1b[2Jhere\u202e.\n")
    assert page.reviews[0].critic == "Evil]0;pwned Name"
    assert page.reviews[0].excerpt == "Text [2Jhere."


def test_old_mac_line_ends_read_like_unix_ones():
    assert parse_page(PAGE.replace("\n", "\r")) == parse_page(PAGE) == parse_page(PAGE.replace("\n", "\r\n"))
