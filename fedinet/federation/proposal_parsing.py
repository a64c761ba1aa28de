"""FEP-0837 proposal properties of a remote post → the fields of a `Proposal` row (AS → internal).

Lenient as a reader should be: a proposal from another FEP-0837 implementation keeps what
fedinet understands; unknown reciprocal resources read as "something in return" (`favour`).
"""

from __future__ import annotations

import re
from typing import Any

from fedinet.clock import parse_utc
from fedinet.market import vocabulary as vocab

_CURRENCY = re.compile(r"[A-Z]{3}")
_AMOUNT = re.compile(r"\d{1,12}(\.\d{1,4})?")
_RECIPROCITY_BY_IRI = {iri: name for name, iri in vocab.RECIPROCITY.items()}


def parse_proposal(document: dict[str, Any]) -> dict[str, Any] | None:
    """`Proposal` column values, or None when the post is not a proposal."""
    if not vocab.is_proposal(document) or document.get("purpose") not in vocab.PURPOSES:
        return None
    publishes = document.get("publishes")
    action = publishes.get("action") if isinstance(publishes, dict) else None
    name = document.get("name")
    state = document.get("state")
    fields: dict[str, Any] = {
        "purpose": document["purpose"],
        "name": name.strip()[: vocab.MAX_NAME] if isinstance(name, str) else "",
        "action": action if action in vocab.ACTIONS else "deliverService",
        "state": state if state in vocab.PROPOSAL_STATES else "open",
        "reciprocity": None,
        "amount": None,
        "currency": None,
        "ends_at": parse_utc(document.get("endTime")),
    }
    reciprocal = document.get("reciprocal")
    if isinstance(reciprocal, dict):
        fields.update(_reciprocal(reciprocal))
    return fields


def _reciprocal(intent: dict[str, Any]) -> dict[str, Any]:
    kind = _RECIPROCITY_BY_IRI.get(str(intent.get("resourceConformsTo")), "favour")
    if kind != "money":
        return {"reciprocity": kind}
    quantity = intent.get("resourceQuantity")
    amount = quantity.get("hasNumericalValue") if isinstance(quantity, dict) else None
    currency = intent.get("currency")
    if not isinstance(amount, str) or not _AMOUNT.fullmatch(amount):
        amount = None
    if not isinstance(currency, str) or not _CURRENCY.fullmatch(currency):
        currency = None
    return {"reciprocity": "money", "amount": amount, "currency": currency}

