"""RFC 9457 problem details: every error names what is wrong, in Chinese and English."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

MEDIA_TYPE = "application/problem+json"

TITLES = {
    400: ("请求格式错误", "Malformed request"),
    404: ("未找到", "Not found"),
    409: ("冲突", "Conflict"),
    422: ("数据校验失败", "Validation failed"),
}


def problem(status: int, detail: str, *, errors: list[dict[str, Any]] | None = None, **extra: Any) -> dict[str, Any]:
    zh, en = TITLES.get(status, ("错误", "Error"))
    body: dict[str, Any] = {
        "type": f"https://qianshao.example/problems/{status}",
        "title": f"{zh} / {en}",
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    body.update(extra)
    return body


def problem_response(status: int, detail: str, **kwargs: Any) -> JSONResponse:
    return JSONResponse(problem(status, detail, **kwargs), status_code=status, media_type=MEDIA_TYPE)


async def on_http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    return problem_response(exc.status_code, str(exc.detail))


async def on_validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = [
        {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"], "message_zh": "参数不合法"}
        for e in exc.errors()
    ]
    return problem_response(422, "request parameters are not valid", errors=errors)
