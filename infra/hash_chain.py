"""The hash chain over an event log: each link's hash covers one stored event and the previous hash.

A link is written in the same transaction as its event (see `chained_sqlite` and `chained_postgres`),
so the chain's head always names exactly the log as recorded. The hash covers the stored bytes
(encrypted when a cipher key is configured), so an auditor can verify without the key.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any
from uuid import UUID

GENESIS = bytes(32)  # the "previous hash" of the first link


@dataclass(frozen=True)
class Link:
    """One chain row: which event it covers (kept so a deleted event can still be named) and its hashes."""

    notification_id: int
    originator_id: str
    originator_version: int
    topic: str
    prev_hash: bytes
    hash: bytes


def canonical_id(originator_id: Any) -> str:
    """The originator id as one string whatever the backend returns (UUID, hex or text)."""
    if isinstance(originator_id, UUID):
        return originator_id.hex
    try:
        return UUID(str(originator_id)).hex
    except ValueError:
        return str(originator_id)


def link_hash(prev: bytes, notification_id: int, originator_id: Any, originator_version: int, topic: str,
              state: bytes) -> bytes:
    """SHA-256 over the previous hash and every stored field, each length-prefixed (no ambiguity)."""
    digest = hashlib.sha256(prev)
    digest.update(notification_id.to_bytes(8, "big", signed=True))
    digest.update(originator_version.to_bytes(8, "big", signed=True))
    for part in (canonical_id(originator_id).encode(), str(topic).encode(), _as_bytes(state)):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.digest()


def _as_bytes(state: Any) -> bytes:
    """The stored bytes (a row rewritten by hand may come back as text, or NULL)."""
    if isinstance(state, str):
        return state.encode()
    return bytes(state or b"")


def chain_links(prev: bytes, events: list[tuple[int, Any, int, str, bytes]]) -> list[Link]:
    """The links for newly recorded events `(notification_id, originator_id, version, topic, state)`,
    in notification order, continuing from the head `prev`."""
    links = []
    for notification_id, originator_id, version, topic, state in sorted(events, key=lambda e: e[0]):
        digest = link_hash(prev, notification_id, originator_id, version, topic, state)
        links.append(Link(notification_id, canonical_id(originator_id), version, topic, prev, digest))
        prev = digest
    return links
