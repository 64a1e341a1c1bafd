"""The FastAPI application: intake, alert queue, household view, health."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from api import alert_actions, alerts, households, observations, parameters
from api.problems import on_http_error, on_validation_error


def create_app(runtime: Any) -> FastAPI:
    """An API bound to a started runtime (see infra.runtime)."""
    app = FastAPI(title="Qianshao 前哨", version="0.1.0")
    app.state.runtime = runtime
    app.add_exception_handler(StarletteHTTPException, on_http_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, on_validation_error)  # type: ignore[arg-type]
    app.include_router(observations.router)
    app.include_router(alerts.router)
    app.include_router(households.router)
    app.include_router(alert_actions.router)
    app.include_router(parameters.router)

    @app.get("/health")
    def health() -> dict[str, Any]:
        return {
            "status": "ok",
            "kafka": runtime.bootstrap,
            "relay_caught_up": runtime.relay.caught_up(),
            "projections_caught_up": runtime.projections.caught_up(),
            "evaluations": runtime.worker.evaluations,
        }

    return app
