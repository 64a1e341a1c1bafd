"""The read views' sealer, from the same AES key as the event stores (`QIANSHAO_CIPHER_KEY`)."""

from __future__ import annotations

from eventsourcing.cryptography import AESCipher
from eventsourcing.utils import Environment

from infra.settings import Settings
from projections.sealing import PLAIN, Sealer


def view_sealer(settings: Settings) -> Sealer:
    """Seals names and addresses in the views when a key is configured; leaves them plain otherwise."""
    if not settings.cipher_key:
        return PLAIN
    return Sealer(AESCipher(Environment(env={"CIPHER_KEY": settings.cipher_key})))
