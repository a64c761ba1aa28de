"""Inbound activity handlers, one module per subject; merged into one registry here."""

from __future__ import annotations

from fedinet.federation.handlers import follows
from fedinet.federation.processing import Handler

HANDLERS: dict[str, Handler] = {**follows.HANDLERS}
UNDO_HANDLERS: dict[str, Handler] = {**follows.UNDO_HANDLERS}
