"""`/health` per caller: anyone gets the status and each component's up/down (200 or 503 as before), an
operator's token (admin, integration) the whole report; a wrong token is answered as no token."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from api.http.app import create_app
from api.http.routes.health import summary
from domain.identity.access import Principal

REPORT = {"status": "degraded", "down": ["broker"], "lagging": ["relay"], "max_lag": 5000,
          "kafka": "10.0.0.7:9092",
          "components": {"broker": {"status": "down", "lag": None, "last_error": "ConnectionRefused 10.0.0.7",
                                    "errors": 3, "restarts": 1, "pid": 4242},
                         "relay": {"status": "up", "lag": 9000, "last_error": None, "errors": 0, "restarts": 0}}}
TOKENS = {"t-admin": "admin", "t-integration": "integration", "t-caseworker": "caseworker"}


class Identity:
    def authenticate(self, token: str) -> Principal | None:
        role = TOKENS.get(token)
        return Principal(f"u-{role}", role, "0") if role else None


class Services:
    identity = Identity()


class Runtime:
    def health(self) -> dict[str, Any]:
        return REPORT


def test_the_summary_keeps_statuses_only() -> None:
    assert summary(REPORT) == {"status": "degraded", "down": ["broker"], "lagging": ["relay"],
                               "components": {"broker": {"status": "down"}, "relay": {"status": "up"}}}


def test_each_caller_gets_what_their_role_may_read() -> None:
    client = TestClient(create_app(Services(), Runtime()))  # type: ignore[arg-type]
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Bearer t-caseworker"},
                    {"Authorization": "Basic t-admin"}):
        answer = client.get("/health", headers=headers)
        assert answer.status_code == 503 and answer.json() == summary(REPORT), headers
        assert "10.0.0.7" not in answer.text and "4242" not in answer.text
    for token in ("t-admin", "t-integration"):
        answer = client.get("/health", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 503 and answer.json() == REPORT
