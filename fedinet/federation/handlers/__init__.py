"""Inbound activity handlers, one module per subject; merged into one registry here."""

from __future__ import annotations

from fedinet.federation.handlers import actors, follows
from fedinet.federation.processing import Handler

HANDLERS: dict[str, Handler] = {
    **follows.HANDLERS,
    **actors.HANDLERS,
    "Update": actors.on_update,
    "Delete": actors.on_delete,
}
UNDO_HANDLERS: dict[str, Handler] = {**follows.UNDO_HANDLERS, **actors.UNDO_HANDLERS}
