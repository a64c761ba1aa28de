"""`fedinet reputation score`: the offline what-if tool, through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from fedinet.cli import cli

EVIDENCE = [
    {"kind": "vouch", "from": "founder", "to": "bob"},
    {"kind": "vouch", "from": "founder", "to": "alice"},
    {"kind": "vouch", "from": "alice", "to": "bob"},
    {"kind": "vouch", "from": "bob", "to": "carol"},
    {"kind": "vouch", "from": "alice", "to": "carol"},
    {"kind": "acknowledgment", "from": "carol", "to": "bob"},
    {"kind": "outcome", "from": "carol", "to": "alice", "helped": True},
    {"kind": "vouch", "from": "fake1", "to": "fake2"},
    {"kind": "acknowledgment", "from": "fake2", "to": "fake1"},
]


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    evidence = tmp_path / "evidence.jsonl"
    evidence.write_text("".join(json.dumps(record) + "\n" for record in EVIDENCE), encoding="utf-8")
    seeds = tmp_path / "seeds.txt"
    seeds.write_text("# the founders\nfounder\n\n", encoding="utf-8")
    return evidence, seeds


def score(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, ["reputation", "score", *map(str, args)], obj={})


def test_json_lines_sorted_by_trust(files: tuple[Path, Path]) -> None:
    evidence, seeds = files
    result = score("--evidence", evidence, "--seeds", seeds, "--json")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [row["actor"] for row in rows] == ["founder", "bob", "carol", "alice", "fake1", "fake2"]
    assert set(rows[0]) == {"actor", "trust", "percentile", "established", "balance", "connector"}
    by_actor = {row["actor"]: row for row in rows}
    assert by_actor["founder"]["percentile"] == 100.0
    assert by_actor["fake1"] == {
        "actor": "fake1", "trust": 0.0, "percentile": 0.0, "established": False, "balance": 0.0, "connector": 0.0,
    }
    assert by_actor["bob"]["balance"] > 0 > by_actor["carol"]["balance"]
    assert by_actor["alice"]["connector"] > 0
    assert result.stderr == ""


def test_table(files: tuple[Path, Path]) -> None:
    evidence, seeds = files
    result = score("--evidence", evidence, "--seeds", seeds)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["ACTOR", "TRUST", "PCTL", "EST", "BALANCE", "CONNECTOR"]
    assert [line.split()[0] for line in lines[1:7]] == ["founder", "bob", "carol", "alice", "fake1", "fake2"]
    assert lines[5].split()[1:4] == ["0.000", "0.0", "no"]
    assert lines[-1].startswith("6 actors, 6 vouches; 4 reached from 1 seed(s)")


def test_explain(files: tuple[Path, Path]) -> None:
    evidence, seeds = files
    result = score("--evidence", evidence, "--seeds", seeds, "--explain", "carol")
    assert result.exit_code == 0, result.output
    assert "strongest path from a seed: founder → bob → carol" in result.stdout
    assert "vouched for by 2 actor(s)" in result.stdout
    assert "warning: 73% of this trust comes from one voucher, bob" in result.stdout
    as_json = json.loads(score("--evidence", evidence, "--seeds", seeds, "--explain", "carol", "--json").stdout)
    assert as_json["path"] == ["founder", "bob", "carol"]
    assert [c["voucher"] for c in as_json["contributors"]] == ["bob", "alice"]
    assert as_json["contributors"][0]["share"] == pytest.approx(0.7297, abs=1e-4)
    assert len(as_json["warnings"]) == 1 and as_json["seed"] is False


def test_explain_an_unknown_actor(files: tuple[Path, Path]) -> None:
    evidence, seeds = files
    result = score("--evidence", evidence, "--seeds", seeds, "--explain", "nobody")
    assert result.exit_code == 1
    assert "nobody is neither a seed nor named in the evidence" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"kind": "like", "from": "a", "to": "b"}', "line 3: unknown kind 'like'"),
        ('{"kind": "vouch", "from": "a"', "line 3: invalid JSON"),
        ('{"kind": "vouch", "to": "b"}', 'line 3: missing field "from"'),
        ('{"kind": "outcome", "from": "a", "to": "b"}', 'line 3: an outcome needs "helped"'),
    ],
)
def test_bad_evidence_exits_2_naming_file_and_line(
    tmp_path: Path, files: tuple[Path, Path], line: str, message: str
) -> None:
    _, seeds = files
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"kind": "vouch", "from": "a", "to": "b"}\n\n' + line + "\n", encoding="utf-8")
    result = score("--evidence", bad, "--seeds", seeds)
    assert result.exit_code == 2
    assert f"Error: {bad}, {message}" in result.stderr
    assert result.stdout == ""


def test_self_vouches_are_skipped_and_counted(tmp_path: Path, files: tuple[Path, Path]) -> None:
    evidence, seeds = files
    with evidence.open("a", encoding="utf-8") as file:
        file.write('{"kind": "vouch", "from": "bob", "to": "bob"}\n')
        file.write('{"kind": "acknowledgment", "from": "x", "to": "x"}\n')
    result = score("--evidence", evidence, "--seeds", seeds, "--json")
    assert result.exit_code == 0
    assert f"Skipped 2 self-referencing record(s) in {evidence}" in result.stderr
    assert len(result.stdout.splitlines()) == 6


def test_unusable_seeds_and_files(tmp_path: Path, files: tuple[Path, Path]) -> None:
    evidence, _ = files
    empty = tmp_path / "empty.txt"
    empty.write_text("# nobody\n", encoding="utf-8")
    result = score("--evidence", evidence, "--seeds", empty)
    assert result.exit_code == 2 and f"Error: {empty}: no seed actors" in result.stderr
    missing = score("--evidence", tmp_path / "missing.jsonl", "--seeds", empty)
    assert missing.exit_code == 2 and "does not exist" in missing.stderr
    binary = tmp_path / "binary.jsonl"
    binary.write_bytes(b"\xff\xfe\x00")
    result = score("--evidence", binary, "--seeds", files[1])
    assert result.exit_code == 2 and f"{binary}: not UTF-8 text" in result.stderr


def test_warns_about_seeds_that_vouch_for_no_one(tmp_path: Path, files: tuple[Path, Path]) -> None:
    evidence, _ = files
    seeds = tmp_path / "seeds.txt"
    seeds.write_text("founder\nghost\n", encoding="utf-8")
    result = score("--evidence", evidence, "--seeds", seeds, "--json")
    assert result.exit_code == 0
    assert "Warning: 1 seed(s) vouch for no one: ghost" in result.stderr
    assert json.loads(result.stdout.splitlines()[1])["actor"] == "ghost"  # a seed keeps its own budget
