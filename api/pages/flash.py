"""A form's refusal carried across its redirect (post/redirect/get), so the address bar never stays on a POST.

Why: a page rendered as the answer to a POST leaves the browser on the POST's address; a reload sends the
form again and the language switch asks that address with GET (a 405). Every form post is answered by a
303 to the page it came from; what it has to say (a refusal in Chinese and English, the field it concerns,
the values to fill in again) goes in a short-lived cookie read once by the next page, which answers with
the refusal's status. The cookie is signed with this browser's CSRF secret (`session.csrf_token`: derived
from the HttpOnly session, or the pre-login cookie), so no other site can plant a message on a page.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import dataclasses
from dataclasses import asdict, dataclass
from typing import Any

from fastapi import Request
from starlette.responses import Response

from api.pages.session import cookie_secure, csrf_token

FLASH_COOKIE = "qianshao_flash"
FLASH_SECONDS = 120  # read by the page the redirect leads to, a moment later
CACHED = "flash"


@dataclass(frozen=True)
class Flash:
    """What the page after a form says: a refusal (`status` ≥ 400) and the field or record it concerns."""

    status: int
    zh: str
    en: str
    field: str = ""
    subject: str = ""  # the record the form was about (an observation's id on 「我的上报」)
    values: dict[str, str] = dataclasses.field(default_factory=dict)  # typed values to fill in again (the login name)

    def message(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


def _signature(request: Request, payload: bytes) -> str:
    return hmac.new(csrf_token(request).encode(), b"qianshao-flash:" + payload, hashlib.sha256).hexdigest()


def carry(request: Request, response: Response, flash: Flash) -> Response:
    """Set `flash` on `response` (a redirect) for the next page of this browser."""
    payload = base64.urlsafe_b64encode(json.dumps(asdict(flash), ensure_ascii=False).encode()).decode()
    response.set_cookie(FLASH_COOKIE, f"{payload}.{_signature(request, payload.encode())}", max_age=FLASH_SECONDS,
                        httponly=True, samesite="lax", secure=cookie_secure())
    return response


def of(request: Request) -> Flash | None:
    """The flash this request brought (once verified; None when absent, forged or unreadable)."""
    if hasattr(request.state, CACHED):
        cached: Flash | None = getattr(request.state, CACHED)
        return cached
    found = _read(request)
    setattr(request.state, CACHED, found)
    return found


def _read(request: Request) -> Flash | None:
    raw = request.cookies.get(FLASH_COOKIE) or ""
    payload, _, signature = raw.rpartition(".")
    if not payload or not hmac.compare_digest(signature.encode(), _signature(request, payload.encode()).encode()):
        return None
    try:
        data: Any = json.loads(base64.urlsafe_b64decode(payload.encode()))
        return Flash(int(data["status"]), str(data["zh"]), str(data["en"]), str(data.get("field") or ""),
                     str(data.get("subject") or ""), {str(k): str(v) for k, v in (data.get("values") or {}).items()})
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def forget(request: Request, response: Response) -> None:
    """Drop the flash once a page has shown it (a reload shows the page alone)."""
    if FLASH_COOKIE in request.cookies:
        response.delete_cookie(FLASH_COOKIE, httponly=True, samesite="lax", secure=cookie_secure())
