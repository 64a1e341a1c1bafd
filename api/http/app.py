"""The FastAPI application: intake, alert queue, household view, health, the pages and `/docs`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.http.routes import alert_actions
from api.http.routes import alerts
from api.http.routes import audit
from api.http.routes import households
from api.http.routes import leads
from api.http import observation_schemas
from api.http.routes import observations
from api.http.routes import parameters
from api.http import problems
from api.http.routes import admin
from api.http.routes import corrections
from api.http.routes import equity
from api.http.routes import health
from api.http.routes import integrity
from api.http.routes import response_times
from api.http.routes import sessions
from api.http.routes import statistics
from api.http.routes import tasks
from api.http.routes import imports
from api.http import dependencies
from api.http.body_limits import BodyLimits
from api.http.docs import install_docs
from api.pages.mount import install_pages
from api.http.problems import on_http_error, on_unexpected_error, on_validation_error
from api.http.security_headers import SecurityHeaders
from infra.services import Services

if TYPE_CHECKING:
    from infra.runtime import Runtime


def create_app(services: Services | None, runtime: "Runtime | None" = None) -> FastAPI:
    """An API serving a process's services, its health read from the process's components (see infra.runtime).
    Without services it only describes itself (the OpenAPI document)."""
    app = FastAPI(title="Qianshao 前哨", version="0.1.0", docs_url=None, redoc_url=None)  # /docs: api.http.docs
    dependencies.install(app, services, runtime)
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
    app.include_router(imports.router)
    app.include_router(leads.router)
    app.include_router(sessions.router)
    app.include_router(audit.router)
    app.include_router(statistics.router)
    app.include_router(admin.router)
    app.include_router(response_times.router)
    app.include_router(equity.router)
    app.include_router(integrity.router)
    app.include_router(health.router)
    install_pages(app)
    install_docs(app)

    def openapi() -> dict[str, Any]:
        """FastAPI's document, plus the schemas that routes reading raw JSON refer to by `$ref`."""
        if app.openapi_schema is None:
            document = FastAPI.openapi(app)
            schemas = document.setdefault("components", {}).setdefault("schemas", {})
            schemas.update(problems.components())
            schemas.update(observation_schemas.components())
        return app.openapi_schema  # type: ignore[return-value]

    def middleware_stack() -> Any:
        """Security headers outside everything, even the last-resort 500 (sent by Starlette's outermost layer)."""
        return SecurityHeaders(FastAPI.build_middleware_stack(app))

    app.openapi = openapi  # type: ignore[method-assign]
    app.build_middleware_stack = middleware_stack  # type: ignore[method-assign]
    return app
