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
    }]}


def test_reimporting_a_page_adds_nothing(seed_page, db_path):
    critics("import", str(seed_page), "--title", "Pusher", db=db_path)
    again = critics("import", str(seed_page), "--title", "Pusher", db=db_path)
    assert "imported 0 review(s)" in again.stdout and "11 already present" in again.stdout


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
        (("add", "--film", "Pusher", "--critic", "X"), "--excerpt"),
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
        assert subparser.get_default("handler") is getattr(cli, f"cmd_{name}"), name
