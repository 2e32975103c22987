"""The `critics` command line: the exact forms scripts depend on, and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tui.cli import main


def critics(*args, db=None):
    argv = [*args, *(["--db", str(db)] if db else [])]
    result = subprocess.run([sys.executable, "-m", "tui.cli", *argv], capture_output=True, text=True)
    return result


def test_import_then_stats_json_shows_declared_and_computed_summaries(seed_page, db_path):
    imported = critics("import", str(seed_page), "--title", "Pusher", "--year", "1996", db=db_path)
    assert imported.returncode == 0, imported.stderr
    stats = json.loads(critics("stats", "--json", db=db_path).stdout)
    assert stats == {"films": [{
        "title": "Pusher", "year": 1996, "reviews": 11, "scored": 1, "metascore": None, "verdict": None,
        "distribution": {"positive": 1, "mixed": 0, "negative": 0, "unscored": 10},
        "published": {"verdict": "Generally favorable reviews", "critics": 11, "positive": 9, "mixed": None, "negative": 0},
        "key": None, "tomatometer": None,
        "sentiment": {"positive": 0, "mixed": 0, "negative": 0, "unstated": 11},
        "top_critics": {"reviews": 0, "metascore": None, "tomatometer": None},
    }]}


def test_reimporting_a_page_adds_nothing(seed_page, db_path):
    critics("import", str(seed_page), "--title", "Pusher", db=db_path)
    again = critics("import", str(seed_page), "--title", "Pusher", db=db_path)
    assert "imported 0 reviews" in again.stdout and "11 reviews already present" in again.stdout


def test_add_prints_the_new_id_and_stats_by_critic_has_a_profile(seed_page, db_path):
    critics("import", str(seed_page), "--title", "Pusher", "--year", "1996", db=db_path)
    added = critics("add", "--film", "pusher", "--critic", "Noel Murray", "--grade", "3/4",
                    "--date", "2013-07-16", "--excerpt", "A second look.", db=db_path)
    assert added.returncode == 0 and added.stdout.strip() == "12"
    stats = json.loads(critics("stats", "--json", "--critic", "noel", db=db_path).stdout)
    assert stats["critic"] == {
        "name": "Noel Murray", "names": ["Noel Murray"], "reviews": 2, "scored": 1, "mean": 75.0,
        "higher": 0, "same": 0, "lower": 0, "mean_difference": None,
    }
    assert [f["title"] for f in stats["films"]] == ["Pusher"]


def test_export_imports_back_identically_as_json_and_csv(tmp_path):
    sample = tmp_path / "sample.json"
    assert main(["import", str(_sample_export(tmp_path)), "--db", str(sample)]) == 0
    for fmt in ("json", "csv"):
        exported = tmp_path / f"export.{fmt}"
        assert critics("export", "--format", fmt, "--output", str(exported), db=sample).returncode == 0
        copy = tmp_path / f"copy-{fmt}.json"
        assert critics("import", str(exported), db=copy).returncode == 0
        assert critics("export", "--format", fmt, db=copy).stdout == exported.read_text()
    assert critics("export", db=sample).stdout == critics("export", db=tmp_path / "copy-json.json").stdout


def _sample_export(tmp_path):
    from importlib import resources

    target = tmp_path / "critics-sample.json"
    target.write_bytes(resources.files("sample_data").joinpath("critics-sample.json").read_bytes())
    return target


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("add", "--film", "Nope", "--critic", "X", "--excerpt", "Y"), "no film called 'Nope'"),
        (("add", "--film", "Pusher", "--critic", "X", "--excerpt", "Y", "--grade", "superb"), "cannot read grade"),
        (("add", "--film", "Pusher", "--critic", "X", "--excerpt", "Y", "--date", "July 4"), "not a date"),
        (("add", "--film", "Pusher", "--critic", "X"), "an excerpt is required"),
        (("import", "/nonexistent/page.txt", "--title", "X"), "cannot read /nonexistent/page.txt"),
        (("stats", "--critic", "nobody at all"), "no critic matches"),
        (("frobnicate",), "invalid choice"),
    ],
)
def test_errors_are_one_line_on_stderr_with_a_non_zero_exit_and_change_nothing(seed_page, db_path, args, words):
    critics("import", str(seed_page), "--title", "Pusher", db=db_path)
    before = {p.name: p.read_bytes() for p in db_path.parent.iterdir() if p.is_file()}
    result = critics(*args, db=db_path)
    assert result.returncode != 0
    assert words in result.stderr and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert {p.name: p.read_bytes() for p in db_path.parent.iterdir() if p.is_file()} == before


def test_a_malformed_page_is_refused_naming_the_line_and_nothing_is_written(tmp_path, db_path):
    page = tmp_path / "notes.txt"
    page.write_text("My notes on films\nnothing else\n")
    result = critics("import", str(page), "--title", "X", db=db_path)
    assert result.returncode == 1 and "line 1" in result.stderr and "not a critic-review page" in result.stderr
    assert not db_path.exists()


def test_unknown_film_suggests_close_titles(seed_page, db_path):
    critics("import", str(seed_page), "--title", "Pusher", "--year", "1996", db=db_path)
    result = critics("add", "--film", "Pushr", "--critic", "X", "--excerpt", "Y", db=db_path)
    assert "did you mean: Pusher (1996)?" in result.stderr


def test_the_environment_variable_names_the_database(tmp_path, monkeypatch, seed_page):
    target = tmp_path / "from-env.json"
    monkeypatch.setenv("CRITICS_DB", str(target))
    assert critics("import", str(seed_page), "--title", "Pusher").returncode == 0
    assert target.exists()


def test_weight_and_compact_commands(seed_page, db_path):
    critics("import", str(seed_page), "--title", "Pusher", db=db_path)
    assert critics("weight", "Reel Quarterly", "1.5", db=db_path).stdout.strip() == "Reel Quarterly: weight 1.5"
    assert critics("compact", db=db_path).returncode == 0
    assert "weight" in critics("weight", "X", "-1", db=db_path).stderr


def test_commands_other_than_the_browser_do_not_import_textual(db_path):
    code = (
        "import sys; from tui.cli import main; main(['stats', '--db', sys.argv[1]]); "
        "print('textual' in sys.modules, file=sys.stderr)"
    )
    result = subprocess.run([sys.executable, "-c", code, str(db_path)], capture_output=True, text=True)
    assert result.stderr.strip().endswith("False")


def test_generate_writes_a_realistic_store_quickly(tmp_path):
    target = tmp_path / "gen.json"
    assert critics("generate", "--films", "50", "--reviews", "1000", "--seed", "3", "--db", str(target)).returncode == 0
    stats = json.loads(critics("stats", "--json", db=target).stdout)
    assert len(stats["films"]) == 50 and sum(f["reviews"] for f in stats["films"]) == 1000
    assert all(5 <= f["reviews"] <= 150 for f in stats["films"])
    unscored = sum(f["distribution"]["unscored"] for f in stats["films"])
    assert 50 <= unscored <= 160  # about 10%
    again = critics("generate", "--films", "50", "--reviews", "1000", "--seed", "3", "--db", str(target))
    assert again.returncode == 1 and "already exists" in again.stderr


def test_every_command_names_its_handler_and_no_command_opens_the_browser():
    from tui import cli

    parser = cli.build_parser()
    assert parser.parse_args([]).handler is cli.cmd_browse
    commands = next(a for a in parser._actions if a.dest == "command").choices
    for name, subparser in commands.items():
        assert subparser.get_default("handler") is getattr(cli, f"cmd_{name.replace('-', '_')}"), name


def _store(db_path, films):
    """A database of films (title, year) with one review each by the critic Noel Murray."""
    from store.domain import ReviewDraft
    from store.repository import Repository

    with Repository.open(db_path) as repository:
        for title, year in films:
            film = repository.add_film(title, year)
            repository.add_review(film.id, ReviewDraft(f"On {title}.", "Noel Murray", None, None, "80"))


def test_an_unknown_film_is_refused_with_status_1_and_close_titles(db_path):
    _store(db_path, [("Pusher", 1996), ("Müller's Last Summer", 2001)])
    result = critics("add", "--film", "muller", "--critic", "X", "--excerpt", "Y", db=db_path)
    assert result.returncode == 1  # 2 is for usage mistakes
    assert result.stderr == "critics: error: no film called 'muller'; did you mean: Müller's Last Summer (2001)?\n"


def test_stats_takes_a_year_to_choose_between_films_of_one_title(db_path):
    _store(db_path, [("Heat", 1986), ("Heat", 1995)])
    ambiguous = critics("stats", "--film", "heat", db=db_path)
    assert ambiguous.returncode == 1 and "several films are called 'heat' (1986, 1995): add --year" in ambiguous.stderr
    chosen = critics("stats", "--film", "heat", "--year", "1995", "--json", db=db_path)
    assert chosen.returncode == 0, chosen.stderr
    assert [(f["title"], f["year"]) for f in json.loads(chosen.stdout)["films"]] == [("Heat", 1995)]


def test_a_day_that_does_not_exist_and_a_date_ahead_are_refused(db_path):
    from datetime import date, timedelta

    _store(db_path, [("Pusher", 1996)])
    add = ("add", "--film", "Pusher", "--critic", "X", "--excerpt", "Y", "--date")
    no_day = critics(*add, "2026-02-30", db=db_path)
    assert no_day.returncode == 1
    assert no_day.stderr == "critics: error: date: '2026-02-30' is not a date: there is no such day\n"
    ahead = (date.today() + timedelta(days=400)).isoformat()
    refused = critics(*add, ahead, db=db_path)
    assert refused.returncode == 1 and "a review cannot be dated ahead" in refused.stderr
    tomorrow = critics(*add, (date.today() + timedelta(days=1)).isoformat(), db=db_path)
    assert tomorrow.returncode == 0, tomorrow.stderr


def test_an_unknown_critic_names_close_critics(db_path):
    _store(db_path, [("Pusher", 1996)])
    result = critics("stats", "--critic", "Noel Muray", db=db_path)
    assert result.returncode == 1
    assert result.stderr == "critics: error: no critic matches 'Noel Muray'; did you mean: Noel Murray?\n"


def test_films_that_now_fold_alike_are_reported_and_chosen_by_their_exact_title(db_path):
    from store.records import FILMS, META, reviews_table
    from store.repository import Repository

    with Repository.open(db_path) as repository:  # as an older Critics could write them
        repository.replace_everything({
            FILMS: {"3": {"title": "Soren", "year": 1999}, "9": {"title": "Søren", "year": 1999}},
            META: {"1": {"review": 1, "film": 10}},
            reviews_table(3): {"1": {"excerpt": "One."}}, reviews_table(9): {"2": {"excerpt": "Two."}},
        })
    warning = "critics: warning: films 3 and 9 now share the title key 'soren' (1999): rename one (critics has no merge)\n"
    stats = critics("stats", "--json", db=db_path)
    assert stats.stderr == warning and len(json.loads(stats.stdout)["films"]) == 2
    added = critics("add", "--film", "Søren", "--year", "1999", "--critic", "X", "--excerpt", "Y", db=db_path)
    assert (added.returncode, added.stdout) == (0, "3\n"), added.stderr
    ambiguous = critics("add", "--film", "SOREN", "--critic", "X", "--excerpt", "Y", db=db_path)
    assert ambiguous.returncode == 1
    assert ambiguous.stderr == warning + (
        "critics: error: several films are called 'SOREN': Soren (1999), Søren (1999); give the title exactly as listed\n"
    )


# -- check, repair and compaction after a write ------------------------------------------------


def _damage_a_middle_entry(db_path):
    journal = db_path.with_name(db_path.name + ".journal")
    lines = journal.read_bytes().splitlines(keepends=True)
    middle = bytearray(lines[1])
    middle[15] ^= 0x01
    journal.write_bytes(b"".join([lines[0], bytes(middle), *lines[2:]]))


def test_check_reports_damage_and_repair_rebuilds_saying_what_it_dropped(db_path, capsys):
    main(["weight", "The Lantern", "2", "--db", str(db_path)])
    for n in range(3):
        main(["weight", f"Paper {n}", "1.5", "--db", str(db_path)])
    assert main(["check", "--db", str(db_path)]) == 0
    assert "no damage found" in capsys.readouterr().out
    _damage_a_middle_entry(db_path)
    assert main(["stats", "--db", str(db_path)]) == 1
    assert "is damaged" in capsys.readouterr().err
    before = {p.name: p.read_bytes() for p in db_path.parent.iterdir()}
    assert main(["check", "--db", str(db_path)]) == 1
    out = capsys.readouterr().out
    assert "fails its checksum" in out and "1 problem:" in out
    assert {p.name: p.read_bytes() for p in db_path.parent.iterdir()} == before
    assert main(["repair", "--db", str(db_path)]) == 0
    out = capsys.readouterr().out
    assert out.count("dropped:") == 1 and "copied to:" in out
    assert main(["check", "--db", str(db_path)]) == 0
    capsys.readouterr()
    from store.repository import Repository

    with Repository.open(db_path) as repository:
        assert [p.name for p in repository.publications()] == ["Paper 0", "Paper 1", "Paper 2"]


def test_a_write_that_takes_the_journal_past_the_threshold_compacts_after_printing(db_path, capsys, monkeypatch):
    from store import storage

    monkeypatch.setattr(storage, "COMPACT_AFTER_BYTES", 1_500)
    monkeypatch.setattr(storage, "COMPACT_FRACTION", 1_000)
    backup = db_path.with_name(db_path.name + ".bak")
    for n in range(40):
        assert main(["weight", f"Paper {n}", "1.5", "--db", str(db_path)]) == 0
        if backup.exists():
            break
    assert backup.exists(), "no compaction happened"
    assert capsys.readouterr().out.splitlines()[-1] == f"Paper {n}: weight 1.5"
    journal = db_path.with_name(db_path.name + ".journal")
    assert len(journal.read_bytes().splitlines()) == 1  # just the new journal's header
