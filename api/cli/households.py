"""`qianshao households index-ids`: the ID-number index filled for households recorded before it existed."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from infra.event_store import open_households
from infra.settings import Settings, default_data_dir

households_app = typer.Typer(help="Households 家庭: the ID-number index")
console = Console()


@households_app.command("index-ids")
def index_ids(data: Optional[Path] = typer.Option(None, "--data",
                                                  help="data directory (default: $QIANSHAO_DATA or ./var)")) -> None:
    """Index the ID numbers of every registration and joining recorded before the index (idempotent: run it
    again and nothing changes). Safe beside a running server: each batch of households is one transaction."""
    households = open_households(Settings.from_env(data_dir=data or default_data_dir()))
    seen = 0

    def progress(n: int) -> None:
        nonlocal seen
        seen += n

    changed = households.reindex(progress)
    console.print(f"households 家庭: {seen}; index entries written 写入索引条目: {changed}", highlight=False)
