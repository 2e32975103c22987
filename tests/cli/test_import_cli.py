"""`critics import FILE [--format F] [--critic NAME]`: one summary line per import with every
count, one-line refusals that change nothing, and a progress bar only on a terminal."""

from __future__ import annotations

import io

from store.importing import FORMATS
from tests.cli.test_film_commands import _files, run
from tests.store.test_datasets import DIARY, REVIEWS, RT2020, RT2020_FILMS, write
from tui.cli import IMPORT_FORMATS, ProgressBar, main


def test_the_command_offers_exactly_the_layouts_the_store_reads():
    assert IMPORT_FORMATS == FORMATS


def test_an_import_prints_one_line_with_every_count(tmp_path, db_path, capsys):
    reviews = write(tmp_path, "reviews.csv", RT2020 + "m/1,Nobody,False,P,,,2010-01-01,\n")
    code, out, err = run(capsys, db_path, "import", str(reviews))
    assert (code, err) == (0, "")
    assert out == (
        "imported 6 reviews: 2 films new, 0 already present; 0 reviews already present; "
        "2 grades kept as written, unscored (most frequent: '3 1/2 stars' 1, '80' 1); "
        "1 rows without text, score or call skipped\n"
    )
    code, out, _ = run(capsys, db_path, "import", str(write(tmp_path, "films.csv", RT2020_FILMS)))
    assert out == "imported 0 reviews: 0 films new, 2 already present; 0 reviews already present; 0 grades kept unscored\n"
    code, out, _ = run(capsys, db_path, "import", str(reviews))
    assert out.startswith("imported 0 reviews: 0 films new, 2 already present; 6 reviews already present;")


def test_letterboxd_needs_critic_and_a_forced_format_is_used(tmp_path, db_path, capsys):
    diary = write(tmp_path, "diary.csv", DIARY)
    run(capsys, db_path, "add-film", "--title", "Kept", "--year", "2000")
    before = _files(db_path)
    code, out, err = run(capsys, db_path, "import", str(diary))
    assert (code, out) == (1, "") and err.endswith("name them with --critic NAME\n") and err.count("\n") == 1
    assert _files(db_path) == before
    code, out, _ = run(capsys, db_path, "import", str(diary), "--format", "letterboxd", "--critic", "Me")
    assert code == 0 and out.startswith("imported 2 reviews: 2 films new") and "1 diary entries without rating or review skipped" in out
    code, _, err = run(capsys, db_path, "import", str(write(tmp_path, "r.csv", REVIEWS)), "--format", "rt2023", "--critic", "Me")
    assert code == 1 and "is not a Rotten Tomatoes 2023 reviews file: no column id" in err


def test_an_unknown_header_exits_1_in_one_line_and_changes_nothing(tmp_path, db_path, capsys):
    mystery = write(tmp_path, "x.csv", "a,b,c\n1,2,3\n")
    run(capsys, db_path, "add-film", "--title", "Kept", "--year", "2000")
    before = _files(db_path)
    code, out, err = run(capsys, db_path, "import", str(mystery))
    assert (code, out) == (1, "") and "(its columns: a,b,c); accepted: page, json, csv, rt2020" in err and err.count("\n") == 1
    assert _files(db_path) == before


class _Terminal(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


def test_the_progress_bar_draws_only_on_a_terminal_after_a_second_and_erases_itself():
    now = [0.0]
    terminal = _Terminal(True)
    bar = ProgressBar(terminal, clock=lambda: now[0])
    report = bar.phase("reading")
    report(10, 100)
    assert terminal.getvalue() == ""  # under a second: nothing
    now[0] = 1.5
    report(50, 100)
    assert terminal.getvalue() == "\rreading   [###############...............]  50%"
    bar.done()
    assert terminal.getvalue().endswith("\r" + " " * 48 + "\r")
    piped = _Terminal(False)
    bar = ProgressBar(piped, clock=lambda: 5.0)
    bar.phase("saving")(1, 2)
    bar.done()
    assert piped.getvalue() == ""


def test_generate_writes_a_2020_layout_file_that_imports_whole_and_the_same_for_a_seed(tmp_path, db_path, capsys):
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    generate = ["generate", "--layout", "rt2020", "--films", "20", "--reviews", "400", "--output"]
    assert main([*generate, str(first)]) == 0
    assert capsys.readouterr().out == f"generated 400 rt2020 reviews of 20 films in {first}\n"
    assert main([*generate, str(second)]) == 0 and first.read_bytes() == second.read_bytes()
    capsys.readouterr()
    assert first.read_text().startswith(
        "rotten_tomatoes_link,critic_name,top_critic,publisher_name,review_type,review_score,review_date,review_content\n"
    )
    code, out, _ = run(capsys, db_path, "import", str(first))
    assert code == 0 and out.startswith("imported 400 reviews: 20 films new, 0 already present; 0 reviews already present;")
    assert main([*generate, str(first)]) == 1 and "already exists" in capsys.readouterr().err
    assert main(generate[:-1]) == 2 and "give --output FILE" in capsys.readouterr().err


def test_our_own_export_counts_the_grades_it_keeps_unscored(tmp_path, db_path, capsys):
    run(capsys, db_path, "import", str(write(tmp_path, "reviews.csv", RT2020)))
    for fmt in ("json", "csv"):
        exported = tmp_path / f"export.{fmt}"
        assert run(capsys, db_path, "export", "--format", fmt, "--output", str(exported))[0] == 0
        code, out, _ = run(capsys, tmp_path / f"copy-{fmt}.json", "import", str(exported))
        assert code == 0 and "2 grades kept as written, unscored (most frequent: '3 1/2 stars' 1, '80' 1)" in out
