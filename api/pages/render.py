"""Rendering a page: the templates, what every page knows (language, user, navigation, CSRF), errors.

Navigation is derived from `domain.identity.access`: a link is shown only when the user's role may do what
the page is for, so menus never disagree with the checks the pages themselves make.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import iter_route_contexts
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from api.pages import flash as flashes, i18n
from api.pages.news import LINKS as NEWS_LINKS, header_counts
from api.http.security_headers import NONCE
from api.pages.session import (LANG_COOKIE, BadValues, LoginRequired, PageError, csrf_token, lang_of, login_path,
                               remember_csrf, session_principal)
from domain.identity.access import Action, Principal, allowed

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
CHINA = ZoneInfo("Asia/Shanghai")


def when(value: object) -> str:
    """An ISO date-time as Beijing time to the second (observed and recorded times side by side); a date as is."""
    if len(str(value)) == 10:
        return str(value)
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if moment.tzinfo is None:
        return moment.strftime("%Y-%m-%d %H:%M:%S")
    return moment.astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S")


@pass_context
def chart(context: Context, svg: str) -> Markup:
    """A server-drawn SVG chart (`charts.csp_ready`) inlined with this response's CSP nonce on its stylesheet."""
    nonce = str(context.get("csp_nonce") or "")
    return Markup(svg.replace("<style", f'<style nonce="{nonce}"', 1) if nonce else svg)


templates.env.filters["when"] = when
templates.env.filters["chart"] = chart


@dataclass(frozen=True)
class NavItem:
    path: str
    key: str
    action: Action | None  # None: open to every signed-in user
    roles: frozenset[str] | None = None  # further limited to these roles (the informant's field pages)


FIELD = frozenset({"informant"})
NAVIGATION = (
    NavItem("/field/tasks", "nav_tasks", Action.RECORD_VERIFICATION, FIELD),
    NavItem("/field/report", "nav_report", Action.SUBMIT_FIELD_OBSERVATION, FIELD),
    NavItem("/field/register", "nav_register", Action.SUBMIT_FIELD_OBSERVATION, FIELD),
    NavItem("/field/mine", "nav_mine", Action.SUBMIT_FIELD_OBSERVATION, FIELD),
    NavItem("/work", "nav_queue", Action.READ_ALERTS),
    NavItem("/dashboard", "nav_dashboard", Action.READ_STATISTICS),
    NavItem("/leads", "nav_leads", Action.READ_LEADS, frozenset({"supervisor"})),
    NavItem("/households", "nav_household", Action.READ_HOUSEHOLD, frozenset({"caseworker", "supervisor", "auditor"})),
    NavItem("/imports", "nav_imports", Action.IMPORT_DEPARTMENT_DATA),
    NavItem("/catalog", "nav_catalog", None),
    # auditor pages (issue 9); auditors reach response times and equity from /audit
    NavItem("/audit", "nav_audit", Action.READ_AUDIT),
    NavItem("/audit/response-times", "nav_response_times", Action.READ_STATISTICS, frozenset({"supervisor"})),
    NavItem("/audit/equity", "nav_equity", Action.READ_STATISTICS, frozenset({"supervisor"})),
)


def may_open(principal: Principal, item: NavItem) -> bool:
    if item.roles is not None and principal.role not in item.roles:
        return False
    return item.action is None or allowed(principal.role, item.action)


def navigation(principal: Principal | None) -> list[NavItem]:
    if principal is None:
        return [item for item in NAVIGATION if item.action is None]
    return [item for item in NAVIGATION if may_open(principal, item)]


def switch_url(request: Request, lang: str) -> str:
    """This page in the other language."""
    query = dict(request.query_params)
    query["lang"] = "en" if lang == "zh" else "zh"
    return f"{request.url.path}?{urlencode(query)}"


def words(lang: str) -> dict[str, Any]:
    """The vocabulary's lookups in `lang`, for the templates: a value by its meaning, a field's name and value,
    a rule's title, a parameter's name, a route's page, a week."""
    return {
        "word": lambda meaning, value: i18n.word(meaning, value, lang),
        "field_name": lambda kind, path: i18n.field_name(kind, path, lang),
        "field_value": lambda kind, path, value: i18n.field_value(kind, path, value, lang),
        "rule_title": lambda rule: i18n.rule_title(rule, lang),
        "parameter_name": lambda name: i18n.parameter_name(name, lang),
        "route_name": lambda route: i18n.route_name(route, lang),
        "week_name": lambda week: i18n.week_name(week, lang),
        "detail": lambda key, value: i18n.detail(key, value, lang),
        "catalog_name": lambda catalog: i18n.catalog_name(catalog, lang),
        "query_name": lambda field: i18n.query_name(field, lang),
    }


def page(request: Request, name: str, context: dict[str, Any] | None = None, status: int = 200) -> HTMLResponse:
    """Render `name` with everything the base layout needs."""
    lang = lang_of(request)
    principal = getattr(request.state, "principal", None) or session_principal(request)
    flash = flashes.of(request)
    if flash is not None and status == 200:
        status = flash.status  # the page shows a form's refusal: it answers with the refusal's status
    base = {
        "flash": flash, "flash_shown": False,
        "lang": lang, "html_lang": i18n.HTML_LANG[lang], "principal": principal, "nav": navigation(principal),
        "csrf": csrf_token(request), "switch_url": switch_url(request, lang), "path": request.url.path,
        "csp_nonce": getattr(request.state, NONCE, ""),
        "news": header_counts(request, principal), "news_links": NEWS_LINKS,
        "t": lambda key, **values: i18n.text(key, lang, **values), "term": lambda value: i18n.term(value, lang),
        **words(lang),
    }
    response = templates.TemplateResponse(request, name, {**base, **(context or {})}, status_code=status)
    if request.query_params.get("lang") in i18n.LANGUAGES:
        response.set_cookie(LANG_COOKIE, request.query_params["lang"], samesite="lax", max_age=365 * 86400)
    remember_csrf(request, response)
    flashes.forget(request, response)
    response.headers["Cache-Control"] = "no-store"  # pages show personal data
    return response


def see_other(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


def refused(request: Request, path: str, flash: flashes.Flash) -> Response:
    """A form's refusal: back to the page at `path`, which says why (post/redirect/get, `api.pages.flash`)."""
    response = flashes.carry(request, see_other(path), flash)
    remember_csrf(request, response)  # the pre-login secret the flash is signed with, when this request made it
    return response


def is_form_post(request: Request) -> bool:
    """A browser's form (not the outbox's JSON calls, which are answered in JSON)."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    return request.method == "POST" and kind in ("application/x-www-form-urlencoded", "multipart/form-data", "")


def page_above(request: Request) -> str:
    """The nearest page at or above a form's address (`/work/alerts/A/assign` → `/work/alerts/A`,
    `/field/mine/O/retraction` → `/field/mine`, `/logout` → `/`): where its refusal is shown."""
    parts = request.url.path.rstrip("/").split("/")
    while parts:
        path = "/".join(parts) or "/"
        for route in iter_route_contexts(request.app.routes):
            regex, methods = getattr(route, "path_regex", None), getattr(route, "methods", None) or ()
            if regex is not None and "GET" in methods and regex.fullmatch(path):
                return path
        parts.pop()
    return "/"


ERROR_WORDS = {"forbidden": ("forbidden_title", "forbidden_text"), "not_found": ("not_found_title", "not_found_text"),
               "csrf": ("csrf_title", "csrf_text")}
REFUSED_FORM = {"forbidden": "forbidden_step", "not_found": "not_found_text", "csrf": "csrf_again"}


async def on_page_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, PageError)
    if is_form_post(request):  # a refused form: back to its page, which says why (never left on the POST)
        said = REFUSED_FORM.get(error.key, "forbidden_step")
        return refused(request, page_above(request), flashes.Flash(
            error.status, i18n.text(said, "zh"), i18n.text(said, "en")))
    title, body = ERROR_WORDS.get(error.key, ERROR_WORDS["forbidden"])
    return page(request, "error.html", {"title_key": title, "text_key": body}, status=error.status)


async def on_bad_values(request: Request, error: Exception) -> Response:
    """The 422 page naming each value a page could not take (never a 500 for a bad query)."""
    assert isinstance(error, BadValues)
    return page(request, "error.html", {"title_key": "bad_value_title", "text_key": "bad_value_text",
                                        "problems": error.problems}, status=422)


async def on_login_required(request: Request, error: Exception) -> Response:
    assert isinstance(error, LoginRequired)
    return see_other(login_path(error.next_path))


LANDING = {"informant": "/field/tasks", "caseworker": "/work", "supervisor": "/dashboard", "integration": "/imports"}


def home_path(principal: Principal) -> str:
    """Where a user lands after login: the first page of their job (a read-only home for the others)."""
    return LANDING.get(principal.role, "/home")
