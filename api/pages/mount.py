"""Adds the pages, their static assets and their error pages to the FastAPI application."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from markupsafe import escape
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.pages import audit, audit_reports, catalog, dashboard, field, i18n, imports, leads, login, mine, workbench
from api.pages.render import HERE, on_bad_values, on_login_required, on_page_error, page
from api.pages.session import BadValues, LoginRequired, PageError, lang_of
from api.http.problems import (allowed_methods, field_problem, is_api_address, on_http_error, on_unexpected_error,
                               on_validation_error)

PAGE_MODULES = (login, workbench, field, mine, dashboard, catalog, audit, audit_reports, imports, leads)
# (title, text) of the error page for a status the router or a route raises on a page's address.
HTTP_ERROR_WORDS = {404: ("not_found_title", "page_missing_text"), 405: ("method_title", "method_text"),
                    403: ("forbidden_title", "forbidden_text"), 413: ("http_error_title", "too_large_text")}
log = logging.getLogger(__name__)


def install_pages(app: FastAPI) -> None:
    """Every page route, `/static/…` (served by the application itself: no CDN), and HTML error pages."""
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.add_exception_handler(PageError, on_page_error)
    app.add_exception_handler(LoginRequired, on_login_required)
    app.add_exception_handler(BadValues, on_bad_values)
    app.add_exception_handler(RequestValidationError, on_invalid_request)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, on_http_error_page)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, on_unexpected_error_page)
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


def is_page_address(request: Request) -> bool:
    """Whether an address belongs to the pages (anything outside the API, its documents, health and assets),
    known or not: an unknown page address is a page's 404, never the API's JSON."""
    return not is_api_address(request.url.path)


async def on_http_error_page(request: Request, error: StarletteHTTPException) -> Response:
    """404, 405 … on a page's address: the Chinese error page (English with the switch); problem+json on the API."""
    if not is_page_address(request):
        return await on_http_error(request, error)
    title, body = HTTP_ERROR_WORDS.get(error.status_code, ("http_error_title", "http_error_text"))
    response = page(request, "error.html", {"title_key": title, "text_key": body, "status": error.status_code},
                    status=error.status_code)
    if error.status_code == 405:
        response.headers["Allow"] = ", ".join(allowed_methods(request))
    return response


async def on_unexpected_error_page(request: Request, error: Exception) -> Response:
    """The last resort on a page: the Chinese 500 page, leaking nothing (the traceback goes to the log)."""
    if not is_page_address(request):
        return await on_unexpected_error(request, error)
    log.error("unexpected error answering %s %s", request.method, request.url.path, exc_info=error)
    try:
        return page(request, "error.html", {"title_key": "server_error_title", "text_key": "server_error_text"},
                    status=500)
    except Exception:  # the page itself cannot be drawn (the failure may be in what every page reads)
        lang = lang_of(request)
        words = escape(i18n.text("server_error_title", lang)), escape(i18n.text("server_error_text", lang))
        return HTMLResponse(f'<!doctype html><html lang="{i18n.HTML_LANG[lang]}"><meta charset="utf-8">'
                            f"<title>{words[0]}</title><h1>{words[0]}</h1><p>{words[1]}</p></html>", status_code=500)
