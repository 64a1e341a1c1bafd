"""Back-test reports kept in the data directory, so auditors can read them later (pages, API).

Each run of `qianshao rules backtest` writes `backtests/<UTC moment>.json` (its request,
figures and per-rule differences); nothing else reads or changes them.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

_NAME = re.compile(r"[0-9]{8}T[0-9]{6}[0-9]{6}Z")


def reports_dir(data_dir: Path) -> Path:
    return data_dir / "backtests"


def save(data_dir: Path, report: dict[str, Any], now: datetime | None = None) -> Path:
    """Write one report; its name is the moment it was made (UTC, to the microsecond)."""
    moment = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    folder = reports_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{moment.strftime('%Y%m%dT%H%M%S%f')}Z.json"
    path.write_text(json.dumps({**report, "made_at": moment.isoformat()}, ensure_ascii=False), encoding="utf-8")
    return path


def names(data_dir: Path) -> list[str]:
    """Every saved report's name, newest first."""
    folder = reports_dir(data_dir)
    found = [p.stem for p in folder.glob("*.json") if _NAME.fullmatch(p.stem)] if folder.is_dir() else []
    return sorted(found, reverse=True)


def load(data_dir: Path, name: str) -> dict[str, Any] | None:
    """One report by name (None for an unknown or malformed name: never a path outside the folder)."""
    if not _NAME.fullmatch(name):
        return None
    path = reports_dir(data_dir) / f"{name}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
