"""`GET /health`: up or degraded for anyone (load balancers, the fault tests' probes), in full only for
an operator.

Anonymous callers, and callers whose token may not read operations, get the overall status and each
component's up/down (and which are down or lagging); an admin's or integration's bearer token
(`Action.READ_OPERATIONS`) also gets lags, last errors, restarts, the Kafka address and the broker's pid.
An unknown or expired token is answered like no token: a probe never gets a 401.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api.http.dependencies import HealthReport, Identity
from domain.identity.access import Action, allowed
from domain.identity.application import IdentityApp

router = APIRouter()
SUMMARY = ("status", "down", "lagging")


def summary(report: dict[str, Any]) -> dict[str, Any]:
    """What anyone may know: the overall status and each component's status, no figures or addresses."""
    components = {name: {"status": c["status"]} for name, c in report["components"].items()}
    return {**{key: report[key] for key in SUMMARY}, "components": components}


def is_operator(request: Request, identity: IdentityApp) -> bool:
    """A bearer token whose role may read operations (read by hand: the route stays open in the OpenAPI)."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return False
    principal = identity.authenticate(token.strip())
    return principal is not None and allowed(principal.role, Action.READ_OPERATIONS)


@router.get("/health", responses={200: {"description": "every component is up and keeping up"},
                                  503: {"description": "a component is down or lagging",
                                        "content": {"application/json": {"schema": {"type": "object"}}}}})
def health(request: Request, identity: Identity, report_of: HealthReport) -> JSONResponse:
    """Each component up or down; with an admin's or integration's token also its lag, last error and
    restarts, the Kafka address and the broker's pid (cheap: poll it every second)."""
    report = report_of()
    shown = report if is_operator(request, identity) else summary(report)
    return JSONResponse(shown, status_code=200 if report["status"] == "ok" else 503)
