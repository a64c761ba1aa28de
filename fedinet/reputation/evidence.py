"""Evidence records and the two offline file formats: evidence as JSON Lines, seeds as plain lines."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    VOUCH = "vouch"  # source vouches for target
    ACKNOWLEDGMENT = "acknowledgment"  # source, who was helped, thanks target, the helper
    OUTCOME = "outcome"  # source tells connector target whether an introduction helped


@dataclass(frozen=True, slots=True)
class Evidence:
    """One verified statement by `source` about `target`. `helped` is set for outcomes only."""

    kind: Kind
    source: str
    target: str
    helped: bool | None = None


class EvidenceError(ValueError):
    """A record or line that cannot be used; the message names the file and line."""

    def __init__(self, name: str, line: int | None, problem: str) -> None:
        super().__init__(f"{name}, line {line}: {problem}" if line else f"{name}: {problem}")
        self.name = name
        self.line = line
        self.problem = problem


@dataclass
class EvidenceFile:
    """The usable records of a file, and how many self-referencing ones were skipped."""

    records: list[Evidence]
    skipped_self: int = 0


def parse_record(text: str) -> Evidence:
    """One JSON object `{"kind", "from", "to", "helped"?}`; other fields are ignored. Raises ValueError."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"invalid JSON ({error.msg} at column {error.colno})") from None
    if not isinstance(value, dict):
        raise ValueError("a record must be a JSON object")
    try:
        kind = Kind(str(value.get("kind")))
    except ValueError:
        known = ", ".join(k.value for k in Kind)
        raise ValueError(f"unknown kind {value.get('kind')!r} (expected one of {known})") from None
    source, target = _actor(value, "from"), _actor(value, "to")
    helped = value.get("helped")
    if kind is Kind.OUTCOME:
        if not isinstance(helped, bool):
            raise ValueError('an outcome needs "helped": true or false')
    elif "helped" in value:
        raise ValueError(f'"helped" is only for outcomes, not for a {kind.value}')
    return Evidence(kind, source, target, helped)


def _actor(value: dict[str, object], field: str) -> str:
    actor = value.get(field)
    if field not in value:
        raise ValueError(f'missing field "{field}"')
    if not isinstance(actor, str) or not actor.strip():
        raise ValueError(f'"{field}" must be a non-empty string')
    return actor.strip()


def parse_evidence(lines: Iterable[str], name: str = "evidence") -> EvidenceFile:
    """Records from JSON Lines (blank lines allowed). Self-referencing records are skipped and counted."""
    parsed = EvidenceFile([])
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = parse_record(line)
        except ValueError as error:
            raise EvidenceError(name, number, str(error)) from None
        if record.source == record.target:
            parsed.skipped_self += 1
        else:
            parsed.records.append(record)
    return parsed


def parse_seeds(lines: Iterable[str], name: str = "seeds") -> list[str]:
    """One actor per line; blank lines and lines starting with `#` are ignored, repeats kept once."""
    seeds = list(dict.fromkeys(_seed_lines(lines)))
    if not seeds:
        raise EvidenceError(name, None, "no seed actors (one actor per line; blank lines and # comments are ignored)")
    return seeds


def _seed_lines(lines: Iterable[str]) -> Iterator[str]:
    for line in lines:
        actor = line.strip()
        if actor and not actor.startswith("#"):
            yield actor
