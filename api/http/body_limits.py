"""Request bodies too large (413), nested too deep or holding unpaired surrogates (400) are refused
before any route parses them.

`json.loads` of a body nested 10,000 deep raises RecursionError (a 500), `"\\ud800"` decodes to a
string that cannot be stored or encoded again, and an unbounded body is an unbounded buffer; so the
body is read here, within the limit, scanned, then handed on whole.
"""

from __future__ import annotations

import re
from html import escape
from itertools import accumulate
from typing import Any, Awaitable, Callable

from anyio import to_thread
from starlette.responses import HTMLResponse, JSONResponse

from api.http.problems import MEDIA_TYPE, is_api_address, problem

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# A full batch (api.http.routes.observations.MAX_BATCH = 5000) of synthetic-district observations is about 2 MB,
# of its largest registrations about 6.5 MB.
MAX_BODY_BYTES = 16 * 1024 * 1024
MAX_JSON_DEPTH = 64
SCAN_IN_THREAD_BYTES = 1024 * 1024  # larger bodies are scanned off the event loop (about 40 ms per MB)

_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}
_SURROGATE_ESCAPE = re.compile(rb"(\\+)u[dD]([89abAB]|[c-fC-F])[0-9a-fA-F]{2}")


def json_depth(body: bytes) -> int:
    """How deep arrays and objects nest in `body`, brackets inside strings not counted.

    Strings are removed and every byte but brackets deleted in C; only brackets are walked.
    """
    brackets = _STRING.sub(b"", body).translate(None, _NOT_BRACKETS)
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


def has_unpaired_surrogate(body: bytes) -> bool:
    """Whether a `\\uD800`–`\\uDFFF` escape is not half of a high+low pair (RFC 8259 § 8.2).

    UTF-8 bytes cannot encode a surrogate, so only escapes are looked at; an escape is real when
    an odd number of backslashes precede the `u`.
    """
    pending_high: int | None = None  # where a high escape ended, waiting for its low half
    for match in _SURROGATE_ESCAPE.finditer(body):
        if len(match.group(1)) % 2 == 0:
            continue  # an escaped backslash followed by the letter u
        start = match.start() + len(match.group(1)) - 1
        high = match.group(2) in b"89abAB"
        if pending_high is not None and not (not high and start == pending_high):
            return True
        if high:
            pending_high = match.end()
        elif pending_high is None:
            return True
        else:
            pending_high = None
    return pending_high is not None


def _declared_length(scope: Scope) -> int | None:
    """The Content-Length header; -1 when it is not a number."""
    for key, value in scope.get("headers", []):
        if key == b"content-length":
            text = value.decode("latin-1").strip()
            return int(text) if text.isdigit() else -1
    return None


def malformed(body: bytes, max_depth: int) -> tuple[str, str] | None:
    """Why a complete body cannot be parsed safely (English, Chinese), or None."""
    if json_depth(body) > max_depth:
        return f"the JSON body is nested deeper than {max_depth} levels", f"JSON 请求体嵌套不能超过 {max_depth} 层"
    if has_unpaired_surrogate(body):
        return ("the JSON body holds an unpaired surrogate escape (\\ud800–\\udfff)",
                "JSON 请求体含有不成对的代理项转义（\\ud800–\\udfff）")
    return None


class BodyLimits:
    """ASGI middleware: bodies over `max_bytes` get 413; JSON deeper than `max_depth`, or with an
    unpaired surrogate, gets 400; any other body reaches the app whole, in one message."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES, max_depth: int = MAX_JSON_DEPTH) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_depth = max_depth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _declared_length(scope)
        if declared == -1:
            await _refuse(scope, receive, send, 400, ("Content-Length is not a number", "Content-Length 不是数字"))
            return
        if declared is not None and declared > self.max_bytes:
            await _refuse(scope, receive, send, 413, self._too_large())
            return
        received = bytearray()
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return  # the client left: nobody to answer
            received += message.get("body", b"")
            more = message.get("more_body", False)
            if len(received) > self.max_bytes:
                await _refuse(scope, receive, send, 413, self._too_large())
                return
        body = bytes(received)
        if len(body) > SCAN_IN_THREAD_BYTES:
            why = await to_thread.run_sync(malformed, body, self.max_depth)
        else:
            why = malformed(body, self.max_depth) if body else None
        if why is not None:
            await _refuse(scope, receive, send, 400, why, close=False)
            return
        await self.app(scope, _replay(body, receive), send)

    def _too_large(self) -> tuple[str, str]:
        return f"the request body must be at most {self.max_bytes} bytes", f"请求体不能超过 {self.max_bytes} 字节"


async def _refuse(scope: Scope, receive: Receive, send: Send, status: int, why: tuple[str, str],
                  close: bool = True) -> None:
    """Answer problem+json naming `body` (on a page's address, a short Chinese page saying the same); `close`
    when the rest of the body is left unread."""
    message, message_zh = why
    headers = {"Connection": "close"} if close else None
    if not is_api_address(str(scope.get("path", ""))) and not _sends_json(scope):  # a page's form
        await HTMLResponse(_page(status, message, message_zh), status_code=status, headers=headers)(scope, receive, send)
        return
    body = problem(status, message, errors=[{"field": "body", "message": message, "message_zh": message_zh}])
    await JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)(scope, receive, send)


def _sends_json(scope: Scope) -> bool:
    """A script's JSON call (the phone's outbox posts JSON to page addresses): answered in JSON, as it expects."""
    for key, value in scope.get("headers", []):
        if key == b"content-type":
            return b"json" in value.lower()
    return False


def _page(status: int, message: str, message_zh: str) -> str:
    """The refusal as a page (before any route or session is reached: no layout, Chinese first, then English)."""
    title_zh, title = {413: ("提交的内容过大", "Too large")}.get(status, ("请求无法处理", "Bad request"))
    return (f'<!doctype html><html lang="zh-CN"><meta charset="utf-8"><meta name="viewport" '
            f'content="width=device-width, initial-scale=1"><title>{title_zh}</title>'
            f'<link rel="stylesheet" href="/static/pages.css"><main><h1>{title_zh}</h1>'
            f'<p class="notice error" role="alert">{escape(message_zh)}</p><p lang="en">{title}: {escape(message)}</p>'
            f'<p><a href="/">返回首页</a></p></main></html>')


def _replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` that hands the app the whole body at once, then waits for the disconnect."""
    delivered = False

    async def replay() -> Message:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
