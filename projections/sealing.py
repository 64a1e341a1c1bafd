"""Sealed fields in the read views: residents' names and addresses, and alerts' explanations (the facts
they cite: incomes, illnesses, ages), are encrypted when a key is configured.

Views hold only what their readers need (never ID numbers); what identifies a person or describes
their circumstances is sealed with the event stores' AES key, so neither store file holds it in the
clear; `ViewStore.query` opens sealed values as it reads them. A sealed value is the text
`sealed:` + base64(AES-GCM ciphertext); without a key values are stored as they are. Projections seal
in Python with the sealer of the view store's connection (`seal(db, text)`), so SQLite and PostgreSQL
store the same.
"""

from __future__ import annotations

import re
from base64 import b64decode, b64encode
from typing import Any, Protocol

PREFIX = "sealed:"
TOKEN = re.compile(r"sealed:[A-Za-z0-9+/=]+")


class Cipher(Protocol):
    def encrypt(self, plaintext: bytes) -> bytes: ...

    def decrypt(self, ciphertext: bytes) -> bytes: ...


class Sealer:
    """Seals and reveals text fields; with no cipher both leave the text as it is."""

    def __init__(self, cipher: Cipher | None = None) -> None:
        self.cipher = cipher

    def seal(self, text: Any) -> Any:
        if self.cipher is None or not isinstance(text, str) or text.startswith(PREFIX):
            return text
        return PREFIX + b64encode(self.cipher.encrypt(text.encode())).decode()

    def reveal(self, value: Any) -> Any:
        """The plain text of a sealed value (anything else as it is)."""
        if self.cipher is None or not isinstance(value, str) or not value.startswith(PREFIX):
            return value
        return self.cipher.decrypt(b64decode(value[len(PREFIX):])).decode()

    def reveal_fields(self, record: dict[str, Any], *fields: str) -> dict[str, Any]:
        """A copy of the record with the given fields revealed (those present)."""
        return {k: self.reveal(v) if k in fields else v for k, v in record.items()}

    def reveal_within(self, value: Any) -> Any:
        """Every sealed token inside a text (a JSON column) opened: for comparing two views, whose
        ciphertexts differ (random nonces) while their contents are the same."""
        if self.cipher is None or not isinstance(value, str) or PREFIX not in value:
            return value
        return TOKEN.sub(lambda m: self.reveal(m.group(0)), value)


PLAIN = Sealer()


def seal(db: Any, text: Any) -> Any:
    """Seal `text` with the sealer of this view-store connection (`projections.sql_dialect`)."""
    return db.sealer.seal(text)
