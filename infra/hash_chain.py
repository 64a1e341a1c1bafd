"""The hash chain over an event log: each link's hash covers one stored event and the previous hash.

A link is written in the same transaction as its event (see `chained_sqlite` and `chained_postgres`),
so the chain's head always names exactly the log as recorded. The hash covers the stored bytes
(encrypted when a cipher key is configured), so an auditor can verify without the key.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass
from functools import lru_cache
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


@lru_cache(maxsize=1 << 16)
def canonical_id(originator_id: Any) -> str:
    """The originator id as one string whatever the backend returns (UUID, hex or text). Kept for the ids
    seen last: an aggregate's events name it again and again, and parsing a UUID costs more than the hash."""
    if isinstance(originator_id, UUID):
        return originator_id.hex
    try:
        return UUID(str(originator_id)).hex
    except ValueError:
        return str(originator_id)


def link_hash(prev: bytes, notification_id: int, originator_id: Any, originator_version: int, topic: str,
              state: bytes) -> bytes:
    """SHA-256 over the previous hash and every stored field, each length-prefixed (no ambiguity): the id
    and version as signed 8-byte big-endian integers, then each part's 8-byte length and bytes. Hashed as
    one joined string (the same digest as feeding the parts in turn, at a fraction of the calls: `audit
    verify` and the integrity page hash every event of every log)."""
    ident, kind, stored = canonical_id(originator_id).encode(), str(topic).encode(), _as_bytes(state)
    return hashlib.sha256(b"".join((
        prev, _PAIR.pack(notification_id, originator_version), _LENGTH.pack(len(ident)), ident,
        _LENGTH.pack(len(kind)), kind, _LENGTH.pack(len(stored)), stored))).digest()


_PAIR = struct.Struct(">qq")
_LENGTH = struct.Struct(">Q")


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
