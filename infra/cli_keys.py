"""`qianshao keys new`: a fresh AES-256 key for encrypting stored events (`QIANSHAO_CIPHER_KEY`)."""

from __future__ import annotations

import typer
from eventsourcing.cipher import AESCipher

keys_app = typer.Typer(help="Encryption keys 加密密钥 for the event stores")


@keys_app.command("new")
def new_key(size: int = typer.Option(32, "--bytes", help="16, 24 or 32 (AES-128/192/256)")) -> None:
    """Print a new random key; keep it outside the data directory (a secret store), set it as
    QIANSHAO_CIPHER_KEY before the stores are first written, and never lose it: events cannot be read without it."""
    try:
        key = AESCipher.create_key(size)
    except ValueError as error:
        raise typer.BadParameter(f"密钥长度须为 16、24 或 32 字节 / {error}", param_hint="--bytes") from error
    print(key)
