"""Where each data directory's encryption key lives, and how a key is checked against the directory.

Why outside the data directory: a copy of the data directory (a backup, a stolen disk image) must
not carry its own key. A data directory written encrypted holds `encryption.json`: a random key id
(not secret) and a check value (a known text encrypted with the key), never the key. The key itself
is `$QIANSHAO_KEY_DIR/<key id>.key` (default `~/.config/qianshao/keys/`, directory 0700, file 0600),
unless the operator gives it as `QIANSHAO_CIPHER_KEY`. The id names the file, so the key is found
again wherever the data directory is moved; the check value tells a wrong key before any store is read.
"""

from __future__ import annotations

import json
import os
import re
import secrets
from base64 import b64decode, b64encode
from dataclasses import dataclass
from pathlib import Path

from eventsourcing.cryptography import AESCipher
from eventsourcing.utils import Environment

from infra.settings_error import SettingsError

MARKER = "encryption.json"
CHECK_TEXT = b"qianshao encryption check"
KEY_BYTES = 32


class KeyProblem(SettingsError):
    """The stores and the key at hand do not go together (the CLI prints why and exits 2)."""


class KeyMissing(KeyProblem):
    def __init__(self, data_dir: Path, where: str, where_zh: str) -> None:
        super().__init__(
            f"数据目录 {data_dir} 已加密，但找不到它的密钥（{where_zh}）：请恢复密钥文件，或设置 QIANSHAO_CIPHER_KEY",
            f"the data directory {data_dir} is encrypted and its key was not found ({where}): restore the key "
            "file or set QIANSHAO_CIPHER_KEY")


class WrongKey(KeyProblem):
    def __init__(self, data_dir: Path, what: str, what_zh: str) -> None:
        super().__init__(f"密钥与数据目录 {data_dir} 不符（{what_zh}）：数据无法用此密钥解密",
                         f"the key does not belong to the data directory {data_dir} ({what}): it cannot decrypt it")


class PlainStore(KeyProblem):
    def __init__(self, data_dir: Path, store: str) -> None:
        super().__init__(
            f"数据目录 {data_dir} 的 {store} 库未加密，却提供了密钥：请先用 `qianshao keys rotate` 加密，或不设密钥",
            f"the {store} store of {data_dir} is not encrypted but a key was given: encrypt it with "
            "`qianshao keys rotate` first, or give no key")


def key_dir() -> Path:
    """`$QIANSHAO_KEY_DIR`, else `~/.config/qianshao/keys`."""
    configured = os.environ.get("QIANSHAO_KEY_DIR")
    return Path(configured) if configured else Path.home() / ".config" / "qianshao" / "keys"


def cipher_for(key: str) -> AESCipher:
    """The AES-GCM cipher eventsourcing uses for the stores, from a base64 key."""
    try:
        return AESCipher(Environment(env={"CIPHER_KEY": key}))
    except ValueError as error:
        raise KeyProblem("QIANSHAO_CIPHER_KEY 不是有效的 AES 密钥（base64，16、24 或 32 字节）",
                         "QIANSHAO_CIPHER_KEY is not an AES key (base64 of 16, 24 or 32 bytes)") from error


def new_key() -> str:
    return AESCipher.create_key(KEY_BYTES)


@dataclass(frozen=True)
class Marker:
    """`encryption.json`: which key file belongs to the directory (None: the operator keeps the key)."""

    key_id: str | None
    check: str  # empty: the stores were in the clear before the rotation named in `rotating_to`
    rotating_to: str | None = None  # the new key's file while `keys rotate` has not finished

    def fits(self, key: str) -> bool:
        try:
            return cipher_for(key).decrypt(b64decode(self.check)) == CHECK_TEXT
        except (ValueError, KeyProblem):
            return False

    def key_file(self) -> Path | None:
        return key_dir() / f"{self.key_id}.key" if self.key_id else None


def read_marker(data_dir: Path) -> Marker | None:
    path = data_dir / MARKER
    if not path.exists():
        return None
    try:
        found = json.loads(path.read_text())
        return Marker(found.get("key_id"), str(found["check"]), found.get("rotating_to"))
    except (ValueError, KeyError, TypeError) as error:
        raise KeyProblem(f"{path} 已损坏", f"{path} is damaged") from error


def write_marker(data_dir: Path, key: str, key_id: str | None) -> Marker:
    """Record (atomically) that the directory is encrypted with `key`, and which file holds it."""
    return save_marker(data_dir, Marker(key_id, b64encode(cipher_for(key).encrypt(CHECK_TEXT)).decode()))


def save_marker(data_dir: Path, marker: Marker) -> Marker:
    data_dir.mkdir(parents=True, exist_ok=True)
    temporary = data_dir / f"{MARKER}.tmp"
    fields = {"key_id": marker.key_id, "check": marker.check}
    if marker.rotating_to:
        fields["rotating_to"] = marker.rotating_to
    temporary.write_text(json.dumps(fields, indent=1) + "\n")
    os.replace(temporary, data_dir / MARKER)
    return marker


def key_id_for(data_dir: Path) -> str:
    """A fresh id: the directory's name (for people) and 16 random hex digits (so two never collide)."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", data_dir.resolve().name).strip("-.") or "data"
    return f"{name[:40]}-{secrets.token_hex(8)}"


def write_key_file(key_id: str, key: str) -> Path:
    """The key in a new file only its owner can read (0600, in a 0700 directory); never overwritten."""
    directory = key_dir()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = directory / f"{key_id}.key"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(key + "\n")
    return path


def read_key_file(path: Path) -> str:
    return path.read_text().strip()


def create_key(data_dir: Path) -> tuple[str, Path]:
    """A new key for a new data directory: its file first, then the directory's marker."""
    key, key_id = new_key(), key_id_for(data_dir)
    path = write_key_file(key_id, key)
    write_marker(data_dir, key, key_id)
    return key, path


class RotationUnfinished(KeyProblem):
    def __init__(self, data_dir: Path) -> None:
        super().__init__(f"数据目录 {data_dir} 的密钥轮换未完成：请再次运行 `qianshao keys rotate`",
                         f"a key rotation of {data_dir} did not finish: run `qianshao keys rotate` again")


def resolve_key(data_dir: Path, given: str | None, rotating: bool = False) -> str | None:
    """The directory's key: the one given (QIANSHAO_CIPHER_KEY), else the file its marker names; a
    KeyMissing or WrongKey when the marker says it is encrypted and no fitting key is found. While a
    rotation is unfinished only `keys rotate` (`rotating`) may open the directory."""
    marker = read_marker(data_dir)
    if marker is None:
        return given
    if marker.rotating_to and not rotating:
        raise RotationUnfinished(data_dir)
    if not marker.check:  # in the clear before the unfinished rotation
        return None
    key = given
    if key is None:
        path = marker.key_file()
        if path is None:
            raise KeyMissing(data_dir, "QIANSHAO_CIPHER_KEY is not set", "未设置 QIANSHAO_CIPHER_KEY")
        if not path.exists():
            raise KeyMissing(data_dir, f"no file {path}", f"没有文件 {path}")
        key = read_key_file(path)
    if not marker.fits(key):
        raise WrongKey(data_dir, "its check value does not open", "校验值无法解开")
    return key
