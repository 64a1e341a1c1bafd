"""The format of API and session tokens: `qs_<token id>_<secret>`.

Why a public id: the store keeps only an argon2 hash of each token, which cannot be looked up
by value; the id (12 hex digits, not secret) names the one hash to verify, so authenticating
never scans. The secret is `secrets.token_urlsafe(32)` (256 random bits).
"""

from __future__ import annotations

import re
import secrets

PREFIX = "qs"
_TOKEN = re.compile(r"qs_([0-9a-f]{12})_([A-Za-z0-9_-]{43})")


def new_token() -> tuple[str, str]:
    """A fresh (token id, token)."""
    token_id = secrets.token_hex(6)
    return token_id, f"{PREFIX}_{token_id}_{secrets.token_urlsafe(32)}"


def token_id_of(token: object) -> str | None:
    """The public id of a well-formed token, else None (so a malformed one costs no lookup)."""
    if not isinstance(token, str):
        return None
    match = _TOKEN.fullmatch(token)
    return match.group(1) if match else None
