"""Replay: events/s rebuilding every projection from the event stores (`qianshao projections rebuild`).

A demo district is loaded by `qianshao demo --exit` (households, alerts, identity and audit logs,
all projected), then the views are dropped and rebuilt by the real command; its own count of events
and seconds give the rate. On SQLite and on PostgreSQL. When the target is missed the rebuild is run
once more under cProfile and the line names the top three functions.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from contextlib import nullcontext
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import pg  # noqa: E402
from bench.figures import figure, note, profiled  # noqa: E402
from infra.settings import Settings  # noqa: E402

TARGET = 50_000.0


def qianshao(*args: str, env: dict[str, str]) -> str:
    command = [sys.executable, "-m", "api.cli", *args]
    return subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout


def rebuild_profile(data: Path, postgres: dict[str, str] | None) -> list[str]:
    """The rebuild the command runs, in this process under cProfile (start-up left out)."""
    from infra.event_store import projection_sources
    from infra.view_database import open_views
    from projections.rebuild import rebuild_in_place

    os.environ.update(postgres or {})
    try:
        settings = Settings.from_env(data_dir=data)
        views = open_views(settings)
        top = profiled(lambda: rebuild_in_place(projection_sources(settings), views)).top
        views.close()
        return top
    finally:
        for key in postgres or {}:
            os.environ.pop(key, None)


def one_backend(backend: str, households: int) -> None:
    context = pg.fresh_database if backend == "postgres" else nullcontext
    with tempfile.TemporaryDirectory() as tmp, context() as postgres:
        os.environ["QIANSHAO_KEY_DIR"] = str(Path(tmp) / "keys")
        env = {**os.environ, **(postgres or {})}
        data = str(Path(tmp) / "data")
        note(f"replay on {backend}: loading {households} households with `qianshao demo --exit`…")
        qianshao("demo", "--data", data, "--households", str(households), "--exit", "--port", "0", env=env)
        summary = json.loads(qianshao("projections", "rebuild", "--data", data, "--json", env=env))
        rate = summary["events"] / summary["seconds"]
        top: list[str] = []
        if rate < TARGET:
            top = rebuild_profile(Path(data), postgres)
    figure("replay", "rebuild_events_per_s", rate, "events/s", TARGET, where_time_goes=top, backend=backend,
           events=summary["events"], seconds=summary["seconds"], households=households)


def main(households: int = 1000) -> None:
    one_backend("sqlite", households)
    if pg.available():
        one_backend("postgres", households)
    else:
        note("PostgreSQL is not running (bash .ci/postgres.sh): its replay figure is left out")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
