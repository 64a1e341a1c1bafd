"""Log in (name and password → the session cookie), log out, and each role's landing page."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from api.pages import flash as flashes
from api.pages.render import home_path, navigation, page, refused, see_other
from api.pages.session import (CSRF_FIELD, SESSION_COOKIE, check_csrf, end_session, lang_of, login_path, session_principal,
                               signed_in, start_session)
from api.http.dependencies import Identity
from domain.identity.access import Principal
from domain.identity.login_throttle import LoginLocked
from domain.identity.user import LoginFailed, UserError

router = APIRouter(include_in_schema=False)
READ_ONLY_ROLES = frozenset({"auditor"})


def _safe_next(value: object) -> str:
    """Only a path of this site (never `//elsewhere` or a full URL) is followed after login."""
    text = value if isinstance(value, str) else ""
    return text if text.startswith("/") and not text.startswith("//") and "\\" not in text else ""


@router.get("/")
def root(request: Request) -> Response:
    principal = session_principal(request)
    return see_other(home_path(principal) if principal else "/login")


@router.get("/login")
def login_form(request: Request, next: str = "") -> Response:
    """The form; after a refused login (post/redirect/get) it says why and keeps the name typed."""
    flash = flashes.of(request)
    if flash is None:
        return page(request, "login.html", {"next": _safe_next(next), "name": "", "error": None})
    lang = lang_of(request)
    response = page(request, "login.html", {"next": _safe_next(next), "name": flash.values.get("name", ""),
                                            "error": flash.message(lang), "flash_shown": True})
    if flash.status == 429 and flash.values.get("retry_after"):
        response.headers["Retry-After"] = flash.values["retry_after"]
    return response


@router.post("/login")
async def login(request: Request, identity: Identity) -> Response:
    form = await request.form()
    check_csrf(request, form.get(CSRF_FIELD))
    name, password = str(form.get("name") or ""), str(form.get("password") or "")
    address = request.client.host if request.client else "unknown"
    try:
        token = identity.login(name, password, address)
    except (LoginLocked, LoginFailed) as refused:
        return _refused(request, refused, name, _safe_next(form.get("next")))
    principal = identity.authenticate(token)
    response = see_other(_safe_next(form.get("next")) or home_path(principal))
    start_session(response, token)
    return response


def _refused(request: Request, refusal: UserError, name: str, next_path: str) -> Response:
    """Back to the login form, which says why (wrong name or password, or locked for a while)."""
    locked = isinstance(refusal, LoginLocked)
    values = {"name": name[:64], **({"retry_after": str(refusal.retry_after)} if locked else {})}
    return refused(request, login_path(next_path) if next_path else "/login",
                   flashes.Flash(429 if locked else 401, refusal.message_zh, refusal.message, values=values))


@router.post("/logout")
async def logout(request: Request, identity: Identity) -> Response:
    form = await request.form()
    check_csrf(request, form.get(CSRF_FIELD))
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        identity.logout(token)
    response = see_other("/login")
    end_session(response)
    return response


@router.get("/home")
def home(request: Request, principal: Principal = Depends(signed_in)) -> Response:
    """The landing page of roles without a workbench (auditors read; admins and integrations use the API); others
    reach it too, and see their pages' tiles. Only a role with no page of its own is told to use the API."""
    links = navigation(principal)
    readonly = principal.role in READ_ONLY_ROLES
    no_pages = all(item.action is None for item in links)  # only the public pages (the catalog)
    return page(request, "home.html", {"readonly": readonly, "no_pages": no_pages, "links": links})
