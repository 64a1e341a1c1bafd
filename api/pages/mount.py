"""Adds the pages, their static assets and their error pages to the FastAPI application."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

from api.pages import audit, audit_reports, catalog, dashboard, field, login, mine, workbench
from api.pages.render import HERE, on_bad_values, on_login_required, on_page_error
from api.pages.session import BadValues, LoginRequired, PageError
from api.http.problems import field_problem, on_validation_error

PAGE_MODULES = (login, workbench, field, mine, dashboard, catalog, audit, audit_reports)


def install_pages(app: FastAPI) -> None:
    """Every page route, `/static/…` (served by the application itself: no CDN), and HTML error pages."""
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.add_exception_handler(PageError, on_page_error)
    app.add_exception_handler(LoginRequired, on_login_required)
    app.add_exception_handler(BadValues, on_bad_values)
    app.add_exception_handler(RequestValidationError, on_invalid_request)  # type: ignore[arg-type]
    for module in PAGE_MODULES:
        app.include_router(module.router)


def is_page(request: Request) -> bool:
    """Whether the route answering `request` is one of the pages (its endpoint is in `api.pages`)."""
    return getattr(request.scope.get("endpoint"), "__module__", "").startswith("api.pages.")


async def on_invalid_request(request: Request, error: RequestValidationError) -> Response:
    """A value FastAPI refuses (`Query(ge=, le=, pattern=)`): the Chinese 422 page on a page, problem+json on the API."""
    if is_page(request):
        return await on_bad_values(request, BadValues([field_problem(e) for e in error.errors()]))
    return await on_validation_error(request, error)
