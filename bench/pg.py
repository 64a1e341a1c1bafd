"""A fresh PostgreSQL database for one benchmark run, dropped afterwards (the server `make test` starts)."""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from typing import Iterator

import psycopg

SERVER = {
    "host": os.environ.get("QIANSHAO_BENCH_PG_HOST", "127.0.0.1"),
    "port": os.environ.get("QIANSHAO_BENCH_PG_PORT", "5432"),
    "user": os.environ.get("QIANSHAO_BENCH_PG_USER", "postgres"),
    "password": os.environ.get("QIANSHAO_BENCH_PG_PASSWORD", "postgres"),
}


def available() -> bool:
    """Whether the server answers; the PostgreSQL figures are left out (and say so) when it does not."""
    try:
        with psycopg.connect(**SERVER, dbname="postgres", connect_timeout=3):
            return True
    except psycopg.Error:
        return False


@contextmanager
def fresh_database() -> Iterator[dict[str, str]]:
    """The `QIANSHAO_POSTGRES_*` environment of a new empty database."""
    name = f"qianshao_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(**SERVER, dbname="postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {"QIANSHAO_POSTGRES_DBNAME": name, "QIANSHAO_POSTGRES_HOST": SERVER["host"],
               "QIANSHAO_POSTGRES_PORT": str(SERVER["port"]), "QIANSHAO_POSTGRES_USER": SERVER["user"],
               "QIANSHAO_POSTGRES_PASSWORD": SERVER["password"]}
    finally:
        with psycopg.connect(**SERVER, dbname="postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
