"""Where the deployment's read views live: PostgreSQL (schema `views`) when the settings name a database,
the `views.sqlite` file of the data directory otherwise (`projections.view_store`)."""

from __future__ import annotations

from infra.settings import Settings
from infra.shared_tables import postgres_connect
from infra.view_cipher import view_sealer
from projections.sealing import Sealer
from projections.view_store import SCHEMA_NAME, ViewStore


def open_views(settings: Settings, rebuild_outdated: bool = True, *, sealer: Sealer | None = None,
               schema: str = SCHEMA_NAME) -> ViewStore:
    """The view store of this deployment, its identifying fields sealed with the stores' key."""
    sealer = view_sealer(settings) if sealer is None else sealer
    if settings.postgres:
        return ViewStore(sealer=sealer, rebuild_outdated=rebuild_outdated,
                         postgres=postgres_connect(settings.postgres), schema=schema)
    return ViewStore(settings.sqlite_path("views"), sealer, rebuild_outdated)
