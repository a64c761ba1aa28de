"""Local reputation (issue #7): trust from the instance's seeds along vouches, the giver/taker
balance, the connector score and explanations. A pure engine: records in, scores out; no
database, no network. docs/reputation.md describes the algorithm and its parameters."""

from fedinet.reputation.engine import ENGINE_VERSION, ActorScore, Parameters, Reputation, compute
from fedinet.reputation.evidence import Evidence, EvidenceError, EvidenceFile, Kind, parse_evidence, parse_seeds
from fedinet.reputation.explain import Contribution, Explanation
from fedinet.reputation.seed_audit import SeedVouch, seed_vouches

__all__ = [
    "ENGINE_VERSION",
    "ActorScore",
    "Contribution",
    "Evidence",
    "EvidenceError",
    "EvidenceFile",
    "Explanation",
    "Kind",
    "Parameters",
    "Reputation",
    "SeedVouch",
    "compute",
    "parse_evidence",
    "parse_seeds",
    "seed_vouches",
]
