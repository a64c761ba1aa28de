"""Evidence records and seeds: parsing, and the errors that name the file and line."""

from __future__ import annotations

import pytest

from fedinet.reputation import Evidence, EvidenceError, Kind, parse_evidence, parse_seeds


def test_parses_each_kind_and_skips_blank_lines() -> None:
    parsed = parse_evidence(
        [
            '{"kind": "vouch", "from": "alice", "to": "bob"}\n',
            "\n",
            '{"kind": "acknowledgment", "from": "bob", "to": "alice", "note": "ignored"}',
            '{"kind": "outcome", "from": "carol", "to": "alice", "helped": false}',
        ]
    )
    assert parsed.records == [
        Evidence(Kind.VOUCH, "alice", "bob"),
        Evidence(Kind.ACKNOWLEDGMENT, "bob", "alice"),
        Evidence(Kind.OUTCOME, "carol", "alice", helped=False),
    ]
    assert parsed.skipped_self == 0


def test_self_referencing_records_are_skipped_and_counted() -> None:
    parsed = parse_evidence(
        [
            '{"kind": "vouch", "from": "alice", "to": "alice"}',
            '{"kind": "acknowledgment", "from": "bob", "to": "bob"}',
            '{"kind": "vouch", "from": "alice", "to": "bob"}',
        ]
    )
    assert parsed.records == [Evidence(Kind.VOUCH, "alice", "bob")]
    assert parsed.skipped_self == 2


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("{not json", "invalid JSON"),
        ('["vouch", "a", "b"]', "a record must be a JSON object"),
        ('{"kind": "follow", "from": "a", "to": "b"}', "unknown kind 'follow'"),
        ('{"from": "a", "to": "b"}', "unknown kind None"),
        ('{"kind": "vouch", "to": "b"}', 'missing field "from"'),
        ('{"kind": "vouch", "from": "a"}', 'missing field "to"'),
        ('{"kind": "vouch", "from": "a", "to": 7}', '"to" must be a non-empty string'),
        ('{"kind": "vouch", "from": " ", "to": "b"}', '"from" must be a non-empty string'),
        ('{"kind": "outcome", "from": "a", "to": "b"}', 'an outcome needs "helped": true or false'),
        ('{"kind": "outcome", "from": "a", "to": "b", "helped": "yes"}', 'an outcome needs "helped"'),
        ('{"kind": "vouch", "from": "a", "to": "b", "helped": true}', '"helped" is only for outcomes'),
    ],
)
def test_bad_records_name_the_file_and_line(line: str, problem: str) -> None:
    lines = ['{"kind": "vouch", "from": "a", "to": "b"}', "", line]
    with pytest.raises(EvidenceError) as caught:
        parse_evidence(lines, "evidence.jsonl")
    assert caught.value.line == 3
    assert str(caught.value).startswith("evidence.jsonl, line 3: ")
    assert problem in str(caught.value)


def test_seeds_ignore_comments_blank_lines_and_repeats() -> None:
    lines = ["# founders", "", "  https://a.example/users/ann  ", "bob", "bob", "#carol"]
    assert parse_seeds(lines) == ["https://a.example/users/ann", "bob"]


def test_a_seed_file_without_seeds_is_an_error() -> None:
    with pytest.raises(EvidenceError, match="seeds.txt: no seed actors"):
        parse_seeds(["# nobody yet", ""], "seeds.txt")
