"""Adds the pages, their static assets and their error pages to the FastAPI application."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api.pages import audit, audit_reports, catalog, dashboard, field, login, mine, workbench
from api.pages.render import HERE, on_login_required, on_page_error
from api.pages.session import LoginRequired, PageError


def install_pages(app: FastAPI) -> None:
    """Every page route, `/static/…` (served by the application itself: no CDN), and HTML error pages."""
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.add_exception_handler(PageError, on_page_error)
    app.add_exception_handler(LoginRequired, on_login_required)
    for module in (login, workbench, field, mine, dashboard, catalog, audit, audit_reports):
        app.include_router(module.router)
