"""Log in (name and password → the session cookie), log out, and each role's landing page."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from api.pages.render import home_path, navigation, page, see_other
from api.pages.session import (CSRF_FIELD, SESSION_COOKIE, check_csrf, end_session, lang_of, session_principal, signed_in,
                               start_session)
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
    return page(request, "login.html", {"next": _safe_next(next), "name": "", "error": None})


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


def _refused(request: Request, refused: UserError, name: str, next_path: str) -> Response:
    """The login form again, saying why (wrong name or password, or locked for a while)."""
    message = refused.message_zh if lang_of(request) == "zh" else refused.message
    status = 429 if isinstance(refused, LoginLocked) else 401
    response = page(request, "login.html", {"next": next_path, "name": name, "error": message}, status=status)
    if isinstance(refused, LoginLocked):
        response.headers["Retry-After"] = str(refused.retry_after)
    return response


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
    """The landing page of roles without a workbench (auditors read; admins and integrations use the API)."""
    readonly = principal.role in READ_ONLY_ROLES
    return page(request, "home.html", {"readonly": readonly, "links": navigation(principal)})
