"""What the fedinet protocol adds to each inbound activity: schema validation, the single-
document rules and verifying signed objects (with the key already known, as in the inbox
after the first contact). Uses the signed test vectors in protocol/vectors/.

Usage: python bench/protocol.py [--seconds S]
Prints operations per second (single core).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections.abc import Callable
from pathlib import Path

from fedinet.federation.signing.keys import ed25519_from_multibase
from fedinet.market import validation
from fedinet.market.evidence import verify_all

VECTORS = Path(__file__).resolve().parents[1] / "protocol" / "vectors"


def rate(name: str, operation: Callable[[], object], seconds: float) -> None:
    count, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        operation()
        count += 1
    print(f"{name:<48} {count / elapsed:9.0f} /s   {elapsed / count * 1e6:8.1f} µs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0)
    seconds = parser.parse_args().seconds
    keys = {}
    for actor in json.loads((VECTORS / "actors.json").read_text()):
        for method in actor["assertionMethod"]:
            keys[method["id"]] = (actor["id"], ed25519_from_multibase(method["publicKeyMultibase"]))

    async def resolve(key_id: str):  # type: ignore[no-untyped-def]
        return keys[key_id]

    def load(name: str) -> dict:
        return json.loads((VECTORS / "valid" / f"{name}.json").read_text())["document"]

    follow = {"@context": "https://www.w3.org/ns/activitystreams", "id": "https://a.example/1",
              "type": "Follow", "actor": "https://a.example/users/alice", "object": "https://b.example/users/bob"}
    loop = asyncio.new_event_loop()
    rate("validate a Follow (no protocol objects)", lambda: validation.validate(follow), seconds)
    for name in ("ask", "vouch", "introduction-with-request-consent"):
        document = load(name)
        rate(f"validate {name}", lambda document=document: validation.validate(document), seconds)
        rate(
            f"validate + verify every proof: {name}",
            lambda document=document: loop.run_until_complete(verify_all(document, resolve)),
            seconds,
        )


if __name__ == "__main__":
    main()
