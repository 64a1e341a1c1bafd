"""The FastAPI application: intake, alert queue, household view, health."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from api import alert_actions, alerts, audit, households, observation_schemas, observations, parameters, problems
from api import admin, corrections, equity, integrity, response_times, sessions, statistics, tasks
from api.body_limits import BodyLimits
from api.pages.mount import install_pages
from api.problems import on_http_error, on_unexpected_error, on_validation_error


def create_app(runtime: Any) -> FastAPI:
    """An API bound to a started runtime (see infra.runtime)."""
    app = FastAPI(title="Qianshao 前哨", version="0.1.0")
    app.state.runtime = runtime
    app.add_exception_handler(StarletteHTTPException, on_http_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, on_validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, on_unexpected_error)
    app.add_middleware(BodyLimits)
    app.include_router(observations.router)
    app.include_router(corrections.router)
    app.include_router(alerts.router)
    app.include_router(households.router)
    app.include_router(alert_actions.router)
    app.include_router(parameters.router)
    app.include_router(tasks.router)
    app.include_router(sessions.router)
    app.include_router(audit.router)
    app.include_router(statistics.router)
    app.include_router(admin.router)
    app.include_router(response_times.router)
    app.include_router(equity.router)
    app.include_router(integrity.router)
    install_pages(app)

    @app.get("/health", responses={200: {"description": "every component is up and keeping up"},
                                   503: {"description": "a component is down or lagging",
                                         "content": {"application/json": {"schema": {"type": "object"}}}}})
    def health() -> JSONResponse:
        """Each component up or down, with its lag, last error and restarts (cheap: poll it every second)."""
        report = runtime.health()
        return JSONResponse(report, status_code=200 if report["status"] == "ok" else 503)

    def openapi() -> dict[str, Any]:
        """FastAPI's document, plus the schemas that routes reading raw JSON refer to by `$ref`."""
        if app.openapi_schema is None:
            document = FastAPI.openapi(app)
            schemas = document.setdefault("components", {}).setdefault("schemas", {})
            schemas.update(problems.components())
            schemas.update(observation_schemas.components())
        return app.openapi_schema  # type: ignore[return-value]

    app.openapi = openapi  # type: ignore[method-assign]
    return app
