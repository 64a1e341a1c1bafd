"""Settings: where data lives and which backends to use, from flags and environment.

Embedded by default (SQLite files under the data directory, the bundled broker);
`QIANSHAO_POSTGRES_DSN`-style variables and `QIANSHAO_KAFKA` select production backends.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

from infra.keys import resolve_key
from infra.settings_error import SettingsError

TOPIC_OBSERVATIONS = "qianshao.observations"
TOPIC_OBSERVATIONS_DLQ = "qianshao.observations.dlq"
TOPIC_EVENTS = "qianshao.events"
CIPHER_TOPIC = "eventsourcing.cryptography:AESCipher"  # the `cryptography` package: 20× faster than pycryptodome, same bytes


def postgres_from(env: Mapping[str, str]) -> dict[str, str] | None:
    """eventsourcing's PostgreSQL settings from `QIANSHAO_POSTGRES_*` variables (None: embedded SQLite)."""
    if not env.get("QIANSHAO_POSTGRES_DBNAME"):
        return None
    return {
        "POSTGRES_DBNAME": env["QIANSHAO_POSTGRES_DBNAME"],
        "POSTGRES_HOST": env.get("QIANSHAO_POSTGRES_HOST", "127.0.0.1"),
        "POSTGRES_PORT": env.get("QIANSHAO_POSTGRES_PORT", "5432"),
        "POSTGRES_USER": env.get("QIANSHAO_POSTGRES_USER", "postgres"),
        "POSTGRES_PASSWORD": env.get("QIANSHAO_POSTGRES_PASSWORD", ""),
        # Connections each store's pool keeps open, and how many more it may open under load: a process has
        # four stores, and a deployment ten processes, against PostgreSQL's default of 100 connections.
        "POSTGRES_POOL_SIZE": env.get("QIANSHAO_POSTGRES_POOL_SIZE", "1"),
        "POSTGRES_MAX_OVERFLOW": env.get("QIANSHAO_POSTGRES_MAX_OVERFLOW", "4"),
        # Seconds to wait for a pooled connection: an unreachable database is an error (and `/health` says which
        # component is down) within this, not after eventsourcing's default of 30 s per store.
        "POSTGRES_CONNECT_TIMEOUT": env.get("QIANSHAO_POSTGRES_CONNECT_TIMEOUT", "5"),
    }


def chained_recorders(backend: str) -> dict[str, str]:
    """The recorder classes that keep the hash chain (`infra/chained_sqlite.py`, `chained_postgres.py`)."""
    title = {"sqlite": "SQLite", "postgres": "Postgres"}[backend]
    return {"APPLICATION_RECORDER_TOPIC": f"infra.chained_{backend}:Chained{title}ApplicationRecorder",
            "PROCESS_RECORDER_TOPIC": f"infra.chained_{backend}:Chained{title}ProcessRecorder"}


def parse_trusted_proxies(text: str | None) -> tuple[str, ...]:
    """`QIANSHAO_TRUSTED_PROXIES`: comma-separated addresses or networks (CIDR) of the reverse proxies
    whose `X-Forwarded-For` names the client; empty (the default): no header is believed."""
    entries = tuple(part.strip() for part in (text or "").split(",") if part.strip())
    for entry in entries:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError as error:
            raise SettingsError(f"QIANSHAO_TRUSTED_PROXIES 中的 {entry!r} 不是 IP 地址或网段",
                                f"QIANSHAO_TRUSTED_PROXIES: {entry!r} is not an IP address or network") from error
    return entries


def positive_int(name: str, default: int) -> int:
    """A whole number of at least 1 from the environment variable `name`; a bad one says so by name."""
    return _positive(name, default, int, "不小于 1 的整数", "a whole number of at least 1")


def positive_float(name: str, default: float) -> float:
    """A number above 0 (seconds, say) from the environment variable `name`; a bad one says so by name."""
    return _positive(name, default, float, "大于 0 的数", "a number above 0")


def _positive(name: str, default: Any, parse: Callable[[str], Any], zh: str, en: str) -> Any:
    text = os.environ.get(name, str(default))
    try:
        value = parse(text)
    except ValueError:
        value = 0
    if not 0 < value < float("inf"):  # nan is refused too: it compares false
        raise SettingsError(f"{name} 的值 {text!r} 不是{zh}", f"{name}: {text!r} is not {en}")
    return value


def default_data_dir() -> Path:
    return Path(os.environ.get("QIANSHAO_DATA", "./var"))


@dataclass
class Settings:
    """Everything a component needs to find its backends."""

    data_dir: Path = field(default_factory=default_data_dir)
    kafka_bootstrap: str | None = field(default_factory=lambda: os.environ.get("QIANSHAO_KAFKA"))
    kafka_port: int | None = None
    partitions: int = int(os.environ.get("QIANSHAO_PARTITIONS", "4"))
    topic_prefix: str = os.environ.get("QIANSHAO_TOPIC_PREFIX", "")
    postgres: dict[str, str] | None = None
    consumer_group: str = "qianshao-rules"
    # Kafka sends not acknowledged within this time fail, and the relay tries again.
    delivery_timeout_ms: int = int(os.environ.get("QIANSHAO_DELIVERY_TIMEOUT_MS", "30000"))
    # /health answers 503 when a component is more than this many events behind the store.
    health_max_lag: int = int(os.environ.get("QIANSHAO_HEALTH_MAX_LAG", "5000"))
    # /health waits this long for each component's report; one that has not answered is reported down.
    health_timeout_s: float = field(default_factory=lambda: positive_float("QIANSHAO_HEALTH_TIMEOUT_S", 2.0))
    # The rule worker reads the store itself when it is behind and Kafka was quiet this long.
    quiet_catch_up_s: float = float(os.environ.get("QIANSHAO_QUIET_CATCH_UP_S", "1.0"))
    # Households whose folds a rule worker keeps in memory (about 5 KB each): a tick or a parameter change
    # re-judges a kept household without reading its history. Set it to the households per worker.
    folds_kept: int = field(default_factory=lambda: positive_int("QIANSHAO_FOLDS_KEPT", 20_000))
    # AES key (base64): stored events are encrypted at rest when set. `from_env` takes QIANSHAO_CIPHER_KEY, else
    # the data directory's key file (`infra/keys.py`); `serve`/`demo` create one for a new data directory.
    cipher_key: str | None = field(default_factory=lambda: os.environ.get("QIANSHAO_CIPHER_KEY") or None)
    # Reverse proxies trusted to name the client in X-Forwarded-For (none by default: the peer address counts).
    trusted_proxies: tuple[str, ...] = field(
        default_factory=lambda: parse_trusted_proxies(os.environ.get("QIANSHAO_TRUSTED_PROXIES")))

    @classmethod
    def from_env(cls, data_dir: Path | None = None, kafka_port: int | None = None,
                 rotating: bool = False) -> "Settings":
        settings = cls(kafka_port=kafka_port)
        if data_dir is not None:
            settings.data_dir = Path(data_dir)
        settings.cipher_key = resolve_key(settings.data_dir, settings.cipher_key, rotating)
        settings.postgres = postgres_from(os.environ)
        return settings

    def topic(self, name: str) -> str:
        return f"{self.topic_prefix}{name}"

    def store_env(self, app_name: str) -> dict[str, str]:
        """eventsourcing environment for one application: its own SQLite file, or PostgreSQL; the
        hash-chained recorders; the AES cipher when a key is configured."""
        cipher = {"CIPHER_TOPIC": CIPHER_TOPIC, "CIPHER_KEY": self.cipher_key} if self.cipher_key else {}
        if self.postgres:
            return {"PERSISTENCE_MODULE": "eventsourcing.postgres", **chained_recorders("postgres"), **self.postgres,
                    **cipher}
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(self.data_dir / f"{app_name}.sqlite"),
            "SQLITE_LOCK_TIMEOUT": "30",
            **chained_recorders("sqlite"),
            **cipher,
        }

    def sqlite_path(self, name: str) -> Path:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return self.data_dir / f"{name}.sqlite"
