"""Security headers on every response (OWASP ASVS V14.4): the API, the pages, static files, error
pages, 404s and the last-resort 500, because the middleware wraps the whole application.

The Content-Security-Policy allows only this origin's scripts (no inline script at all), denies
framing (`frame-ancestors 'none'`, and `X-Frame-Options: DENY` for older browsers: clickjacking of the
alert actions), and allows inline `<style>` only with the request's nonce (the server-drawn charts carry
their stylesheet inline; `api.pages.render` puts the nonce on it). A route may send its own policy
(the API explorer at `/docs` does); every other header is the same everywhere. Responses that do not
say how to cache get `Cache-Control: no-store` (they may hold personal data); static assets are left
to the browser's revalidation.
"""

from __future__ import annotations

import os
import secrets

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

NONCE = "csp_nonce"  # the key of this request's nonce in `request.state`
CACHEABLE = ("/static/", "/docs/assets/")  # assets without personal data, revalidated by the browser
HSTS = "max-age=31536000; includeSubDomains"


def content_security_policy(nonce: str) -> str:
    """The pages' policy: everything from this origin only, no inline script, no framing."""
    return "; ".join((
        "default-src 'self'", "script-src 'self'", f"style-src 'self' 'nonce-{nonce}'", "img-src 'self' data:",
        "font-src 'self'", "connect-src 'self'", "worker-src 'self'", "manifest-src 'self'", "object-src 'none'",
        "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
    ))


FIXED = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}


def over_https(scope: Scope) -> bool:
    """Served over HTTPS (directly, or behind a TLS proxy the operator declared with the secure-cookie setting)."""
    return scope.get("scheme") == "https" or os.environ.get("QIANSHAO_COOKIE_SECURE", "").strip().lower() == "true"


def headers_for(scope: Scope, nonce: str) -> dict[str, str]:
    """Every header a response to `scope` gets unless it set that header itself."""
    headers = {**FIXED, "Content-Security-Policy": content_security_policy(nonce)}
    if not str(scope.get("path", "")).startswith(CACHEABLE):
        headers["Cache-Control"] = "no-store"
    if over_https(scope):
        headers["Strict-Transport-Security"] = HSTS
    return headers


class SecurityHeaders:
    """Pure ASGI middleware (so it sees every response, streamed or not) adding `headers_for`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nonce = secrets.token_urlsafe(18)
        scope.setdefault("state", {})[NONCE] = nonce

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in headers_for(scope, nonce).items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)
