"""Routes and pages get their services through `Depends` (api/http/dependencies.py), never from `app.state`:
what each one uses is in its signature, and a test can hand it a stand-in."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from api.http import dependencies
from api.http.app import create_app
from domain.identity.access import Principal

ROOT = Path(__file__).resolve().parents[2]
ENTRYPOINTS = [ROOT / "api" / "http" / "routes", ROOT / "api" / "pages"]


def state_reads(path: Path, root: Path = ROOT) -> list[str]:
    """Each `….state` attribute read in the module (`request.app.state`, `app.state`), as `file:line`."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [f"{path.relative_to(root)}:{node.lineno}" for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and node.attr == "state"
            and isinstance(node.value, (ast.Attribute, ast.Name))
            and getattr(node.value, "attr", getattr(node.value, "id", None)) == "app"]


def test_no_route_or_page_reads_the_app_state() -> None:
    modules = [path for folder in ENTRYPOINTS for path in sorted(folder.rglob("*.py"))]
    assert len(modules) > 20  # the check looks where the routes and pages are
    assert [found for path in modules for found in state_reads(path)] == []


def test_the_check_finds_a_read_of_the_app_state(tmp_path: Path) -> None:
    module = tmp_path / "page.py"
    module.write_text("def f(request, app):\n    return request.app.state.runtime.views, app.state\n",
                      encoding="utf-8")
    assert state_reads(module, tmp_path) == ["page.py:2", "page.py:2"]


class Identity:
    def authenticate(self, token: str) -> Principal | None:
        return Principal("u-admin", "admin", "0") if token == "t-admin" else None


def test_a_route_takes_its_services_from_its_providers() -> None:
    """No process behind the app: the providers overridden are all `/health` reads."""
    app = create_app(None)
    report: dict[str, Any] = {"status": "ok", "down": [], "lagging": [], "max_lag": 1, "kafka": "k:9092",
                              "components": {"relay": {"status": "up", "lag": 0}}}
    app.dependency_overrides[dependencies.identity] = Identity
    app.dependency_overrides[dependencies.health_report] = lambda: (lambda: report)
    client = TestClient(app)
    assert client.get("/health").json() == {"status": "ok", "down": [], "lagging": [],
                                            "components": {"relay": {"status": "up"}}}
    assert client.get("/health", headers={"Authorization": "Bearer t-admin"}).json() == report
