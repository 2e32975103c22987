"""`critics match` and `critics recommend`: the JSON shapes, exit codes and the README's example,
on the bundled sample data (whose Sam Reader is a reader with their own reviews)."""

from __future__ import annotations

import json
import math
import re
import statistics
import subprocess
import sys

import pytest

from tests.places import ROOT
from tui.cli import main

SAMPLE = ROOT / "sample_data" / "critics-sample.json"


@pytest.fixture
def sample_db(tmp_path):
    path = tmp_path / "sample.json"
    assert main(["import", str(SAMPLE), "--db", str(path)]) == 0
    return path


def run(capsys, *argv) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def _scores(critic: str) -> dict[str, int]:
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    return {
        film["title"]: review["score"]
        for film in data["films"] for review in film["reviews"]
        if review["critic"] == critic and review["score"] is not None
    }


def test_match_json_has_the_issues_shape_and_numbers(capsys, sample_db):
    code, out, err = run(capsys, "match", "--critic", "sam reader", "--json", "--db", str(sample_db))
    assert code == 0 and err == ""
    document = json.loads(out)
    assert set(document) == {"critic", "matches"} and document["critic"] == "Sam Reader"
    assert document["matches"], "the sample's reader has critics to compare with"
    for entry in document["matches"]:
        assert set(entry) == {"critic", "shared", "r", "lower_bound", "mean_abs_diff", "calls_shared", "calls_agree"}
    zoe = next(m for m in document["matches"] if m["critic"] == "Zoë Brandt")
    sam, them = _scores("Sam Reader"), _scores("Zoë Brandt")
    films = sorted(set(sam) & set(them))
    r = statistics.correlation([sam[f] for f in films], [them[f] for f in films])
    lower = math.tanh(math.atanh(r) - 1.2816 / math.sqrt(len(films) - 3))
    assert zoe["shared"] == len(films)
    assert zoe["r"] == round(r, 3) and zoe["lower_bound"] == round(lower, 3)
    lowers = [m["lower_bound"] for m in document["matches"]]
    assert lowers == sorted(lowers, reverse=True)
    assert any(low > 0 for low in lowers) and any(low < 0 for low in lowers)  # some agree, some do not


def test_recommend_json_has_the_issues_shape(capsys, sample_db):
    code, out, _ = run(capsys, "recommend", "--critic", "Sam Reader", "--json", "--db", str(sample_db))
    assert code == 0
    document = json.loads(out)
    assert set(document) == {"critic", "recommendations"}
    recommendations = document["recommendations"]
    assert recommendations
    reviewed = set(_scores("Sam Reader"))
    for entry in recommendations:
        assert set(entry) == {"title", "year", "key", "predicted", "contributors"}
        assert entry["title"] not in reviewed and entry["contributors"] >= 3
    assert [e["predicted"] for e in recommendations] == sorted((e["predicted"] for e in recommendations), reverse=True)


def test_limit_cuts_the_lists(capsys, sample_db):
    _, out, _ = run(capsys, "match", "--critic", "Sam Reader", "--limit", "2", "--json", "--db", str(sample_db))
    assert len(json.loads(out)["matches"]) == 2
    _, out, _ = run(capsys, "recommend", "--critic", "Sam Reader", "--limit", "1", "--json", "--db", str(sample_db))
    assert len(json.loads(out)["recommendations"]) == 1


def test_an_unknown_critic_is_one_line_naming_close_ones_exit_1(capsys, sample_db):
    code, out, err = run(capsys, "match", "--critic", "Sam Reeder", "--db", str(sample_db))
    assert code == 1 and out == ""
    assert err == "critics: error: no critic named 'Sam Reeder'; did you mean: Sam Reader?\n"
    code, _, err = run(capsys, "recommend", "--critic", "Zoe Brant", "--db", str(sample_db))
    assert code == 1 and "did you mean: Zoë Brandt" in err and err.count("\n") == 1


@pytest.mark.parametrize("argv", [
    ("match", "--critic", "Sam Reader", "--min-shared", "3"),
    ("match", "--critic", "Sam Reader", "--limit", "0"),
    ("recommend", "--critic", "Sam Reader", "--limit", "-1"),
    ("match", "--critic", "Sam Reader", "--min-shared", "many"),
    ("recommend",),
])
def test_usage_mistakes_exit_2_in_one_line(capsys, sample_db, argv):
    code, out, err = run(capsys, *argv, "--db", str(sample_db))
    assert code == 2 and out == "" and err.count("\n") == 1


def test_min_shared_four_lists_more(capsys, sample_db):
    _, five, _ = run(capsys, "match", "--critic", "Sam Reader", "--json", "--db", str(sample_db))
    _, four, _ = run(capsys, "match", "--critic", "Sam Reader", "--min-shared", "4", "--json", "--db", str(sample_db))
    assert len(json.loads(four)["matches"]) > len(json.loads(five)["matches"])


def test_too_little_overlap_is_an_empty_list_and_a_line_saying_why(capsys, sample_db):
    code, out, err = run(capsys, "match", "--critic", "Ines Carvalho", "--json", "--db", str(sample_db))
    assert code == 0 and json.loads(out) == {"critic": "Ines Carvalho", "matches": []}
    assert err == "Ines Carvalho has scored 1 film: a match needs 5 films scored by both\n"
    code, out, _ = run(capsys, "recommend", "--critic", "ines carvalho", "--db", str(sample_db))
    assert code == 0 and out.splitlines()[-1] == "Ines Carvalho has scored 1 film: a match needs 5 films scored by both"


def test_the_readmes_example_is_what_the_commands_print(capsys, sample_db):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Critics who agree with you", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```text\n(.+?)```", section, flags=re.DOTALL)
    for command in ("match", "recommend"):
        _, out, _ = run(capsys, command, "--critic", "Sam Reader", "--db", str(sample_db))
        assert out in blocks, f"the README's `critics {command}` example is out of date"


def test_match_runs_as_a_command(sample_db):
    result = subprocess.run(
        [sys.executable, "-m", "tui.cli", "match", "--critic", "Sam Reader", "--db", str(sample_db)],
        capture_output=True, text=True,
    )
    assert result.returncode == 0 and result.stdout.startswith("critics who agree with Sam Reader")
