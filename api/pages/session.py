"""Who a page request is: the session cookie, its CSRF token, the language, and the page-level checks.

The cookie holds the identity service's session token (HttpOnly, SameSite=Lax, `Secure` when
`QIANSHAO_COOKIE_SECURE=true`), so pages and the JSON API share one login and one logout. Every
form and every script call carries a CSRF token: signed in, an HMAC of the session token (a page
of another site can neither read it nor compute it); before login, a random value also set as a
SameSite=Strict cookie (double submit). Role checks use `domain.identity.access.allowed`, the same table
as the API.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from typing import Any, Callable, Sequence
from urllib.parse import quote

from fastapi import Depends, Request
from starlette.responses import Response

from api.pages.i18n import language, term
from api.http.dependencies import identity
from api.http.reads import record_role_refusal
from domain.identity.access import Action, Principal, allowed

SESSION_COOKIE = "qianshao_session"
CSRF_COOKIE = "qianshao_csrf"
LANG_COOKIE = "qianshao_lang"
CSRF_FIELD = "csrf"
CSRF_HEADER = "X-CSRF-Token"
SESSION_SECONDS = 12 * 3600


class PageError(Exception):
    """A page that cannot be shown: 403 (not your role's), 404 (not in your jurisdiction), 403 csrf."""

    def __init__(self, status: int, key: str) -> None:
        super().__init__(key)
        self.status = status
        self.key = key


class BadValues(Exception):
    """Query or form values a page cannot take: the 422 page names each (`field`, `message`, `message_zh`)."""

    def __init__(self, problems: list[dict[str, str]]) -> None:
        super().__init__(", ".join(p["field"] for p in problems))
        self.problems = problems


def bad_value(field: str, message_zh: str, message: str) -> BadValues:
    return BadValues([{"field": field, "message": message, "message_zh": message_zh}])


def one_of(field: str, value: str, choices: Sequence[str],
           words: Callable[[str, str], str] = term) -> str:
    """`value` when it is empty or one of `choices` (a vocabulary); anything else is the 422 page naming them,
    each in words (`words(choice, lang)`: by default as `term` names it)."""
    if value and value not in choices:
        raise bad_value(field, f"必须是以下之一：{'、'.join(words(c, 'zh') for c in choices)}",
                        f"must be one of: {', '.join(words(c, 'en') for c in choices)}")
    return value


class LoginRequired(Exception):
    """No valid session: the handler sends the browser to the login page and back here afterwards."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def cookie_secure() -> bool:
    return os.environ.get("QIANSHAO_COOKIE_SECURE", "").strip().lower() == "true"


def lang_of(request: Request) -> str:
    return language(request.query_params.get("lang") or request.cookies.get(LANG_COOKIE))


def session_principal(request: Request) -> Principal | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    principal: Principal | None = identity(request).authenticate(token)
    return principal


def signed_in(request: Request) -> Principal:
    """A dependency: the page's user, or a redirect to the login page."""
    principal = session_principal(request)
    if principal is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(target)
    return principal


def needs(action: Action) -> Callable[..., Principal]:
    """A dependency: the signed-in user, if their role may do `action` (else the 403 page)."""

    def dependency(request: Request, principal: Principal = Depends(signed_in)) -> Principal:
        if not allowed(principal.role, action):
            record_role_refusal(request, principal, action)
            raise PageError(403, "forbidden")
        return principal

    dependency.__name__ = f"page_needs_{action.value}"
    return dependency


def csrf_token(request: Request) -> str:
    """The token this request's forms must send back."""
    session = request.cookies.get(SESSION_COOKIE)
    if session:
        return hmac.new(session.encode(), b"qianshao-csrf", hashlib.sha256).hexdigest()
    existing = request.cookies.get(CSRF_COOKIE)
    if existing:
        return existing
    fresh = getattr(request.state, "fresh_csrf", None) or secrets.token_urlsafe(32)
    request.state.fresh_csrf = fresh
    return str(fresh)


def check_csrf(request: Request, submitted: Any) -> None:
    """Refuse (403) a form or script call whose token is not this session's."""
    # compared as bytes: compare_digest refuses a str that is not ASCII, and a form may send anything
    if not isinstance(submitted, str) or not hmac.compare_digest(submitted.encode(), csrf_token(request).encode()):
        raise PageError(403, "csrf")


def remember_csrf(request: Request, response: Response) -> None:
    """Set the pre-login CSRF cookie when this request made one."""
    fresh = getattr(request.state, "fresh_csrf", None)
    if fresh:
        response.set_cookie(CSRF_COOKIE, fresh, httponly=True, samesite="strict", secure=cookie_secure())


def start_session(response: Response, token: str) -> None:
    response.set_cookie(SESSION_COOKIE, token, max_age=SESSION_SECONDS, httponly=True, samesite="lax",
                        secure=cookie_secure())
    response.delete_cookie(CSRF_COOKIE)


def end_session(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="lax", secure=cookie_secure())


def login_path(next_path: str) -> str:
    return f"/login?next={quote(next_path, safe='')}"
