"""RFC 9457 problem details: every error names what is wrong, in Chinese and English."""

from __future__ import annotations

import logging
from typing import Any, Mapping, Sequence

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts
from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import models_json_schema
from starlette.exceptions import HTTPException as StarletteHTTPException

from domain.identity.jurisdiction import JurisdictionError
from domain.policy.parameter_types import ParameterRefused
from domain.region_codes import InvalidRegionCode

MEDIA_TYPE = "application/problem+json"
# Addresses answered in problem+json (the API, its documents, health and assets); every other is a page's,
# answered by a Chinese HTML page (`api.pages.mount`).
API_ADDRESSES = ("/api/", "/health", "/openapi.json", "/docs", "/static/")
LOCATIONS = ("body", "query", "path", "header", "cookie")  # FastAPI's first `loc` element, dropped from `field`
log = logging.getLogger(__name__)

TITLES = {
    400: ("请求格式错误", "Malformed request"),
    401: ("未认证", "Not authenticated"),
    403: ("无权操作", "Forbidden"),
    404: ("未找到", "Not found"),
    405: ("不支持该请求方法", "Method not allowed"),
    409: ("冲突", "Conflict"),
    413: ("请求体过大", "Request body too large"),
    422: ("数据校验失败", "Validation failed"),
    429: ("请求过于频繁", "Too many requests"),
    500: ("服务器内部错误", "Internal server error"),
}

# Chinese for pydantic's error types; the English is pydantic's own message.
VALIDATION_ZH = {
    "missing": "缺少必填字段",
    "greater_than_equal": "不能小于 {ge}",
    "greater_than": "必须大于 {gt}",
    "less_than_equal": "不能大于 {le}",
    "less_than": "必须小于 {lt}",
    "int_parsing": "必须是整数",
    "int_type": "必须是整数",
    "bool_parsing": "必须是 true 或 false",
    "string_type": "必须是字符串",
    "string_pattern_mismatch": "格式不符合要求：{pattern}",
    "string_too_short": "长度不能少于 {min_length}",
    "string_too_long": "长度不能超过 {max_length}",
    "model_attributes_type": "必须是 JSON 对象",
    "dict_type": "必须是 JSON 对象",
}


class FieldProblem(BaseModel):
    """One problem, naming the field as the client sent it."""

    field: str = Field(description="a dotted path such as `data.members[1].id_number`; `body` for the whole body")
    message: str
    message_zh: str


class Problem(BaseModel):
    """RFC 9457 problem details (`application/problem+json`); `errors` names each field that is wrong."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(examples=["https://qianshao.example/problems/422"])
    title: str = Field(examples=["数据校验失败 / Validation failed"])
    status: int
    detail: str
    errors: list[FieldProblem] = Field(default_factory=list, description="absent when there is nothing to name")


SCHEMA_REF = "#/components/schemas/{model}"
PROBLEM_REF = {"$ref": SCHEMA_REF.format(model="Problem")}
WHY = {
    400: "the body is not JSON, nests deeper than 64 levels or holds an unpaired surrogate escape",
    401: "no bearer token, or one that is unknown, expired or revoked",
    403: "your role may not do this",
    404: "not found, or outside your jurisdiction",
    409: "conflicts with the current state",
    413: "the body is larger than 16 MiB",
    422: "a value is missing, malformed or outside its vocabulary (each named in `errors`)",
    429: "too many attempts; wait `Retry-After` seconds",
}
HEADERS = {429: {"Retry-After": {"description": "seconds to wait", "required": True,
                                  "schema": {"type": "string", "pattern": "^[0-9]+$"}}}}


def is_api_address(path: str) -> bool:
    """Whether `path` is answered in problem+json (known or not: an unknown `/api/…` path is the API's 404)."""
    return any(path == prefix.rstrip("/") or path.startswith(prefix) for prefix in API_ADDRESSES)


def problem_responses(*statuses: int, **why: str) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for problem+json answers: `problem_responses(401, 403, e404="no such alert")`."""
    responses: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        response = {"description": f"{why.get(f'e{status}', WHY[status])} (problem+json)",
                    "content": {MEDIA_TYPE: {"schema": PROBLEM_REF}}}
        if status in HEADERS:
            response["headers"] = HEADERS[status]
        responses[status] = response
    return responses


def schema_components(*models: type[BaseModel]) -> dict[str, Any]:
    """JSON schemas of `models` (and of the models they use) for the OpenAPI document's components."""
    _, top = models_json_schema([(model, "validation") for model in models], ref_template=SCHEMA_REF)
    return dict(top.get("$defs", {}))


def components() -> dict[str, Any]:
    return schema_components(Problem)


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


def problem_response(status: int, detail: str, *, headers: Mapping[str, str] | None = None,
                     **kwargs: Any) -> JSONResponse:
    return JSONResponse(problem(status, detail, **kwargs), status_code=status, media_type=MEDIA_TYPE,
                        headers=dict(headers) if headers else None)


async def on_http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    """Every HTTP error (404 for an unknown path, 405 with its `Allow` header…) as problem+json."""
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = ", ".join(allowed_methods(request))
    # an exception may name its fields (`errors`), as a route's own problem response does
    return problem_response(exc.status_code, str(exc.detail), headers=headers, errors=getattr(exc, "errors", None))


def allowed_methods(request: Request) -> list[str]:
    """Every method some route takes at this path (the router's 405 names only the first route's)."""
    path = request.scope["path"]
    methods: set[str] = set()
    for route in iter_route_contexts(request.app.routes):
        regex = getattr(route, "path_regex", None)
        if regex is not None and regex.match(path):
            methods |= set(route.methods or ())
    return sorted(methods)


def _field(loc: Sequence[Any]) -> str:
    """`from` rather than `body.from`: the name the client sent, as intake errors name theirs."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in LOCATIONS:
        parts = parts[1:]
    return ".".join(parts) or "body"


def _validation_error(error: Mapping[str, Any]) -> dict[str, Any]:
    context = error.get("ctx") or {}
    cause = context.get("error")
    if isinstance(cause, ParameterRefused) and cause.problems:
        first = cause.problems[0]
        return {"field": _field(error["loc"]), "message": first.message, "message_zh": first.message_zh}
    if isinstance(cause, (InvalidRegionCode, JurisdictionError)):
        return {"field": _field(error["loc"]), "message": cause.message, "message_zh": cause.message_zh}
    template = VALIDATION_ZH.get(error.get("type", ""), "参数不合法")
    try:
        message_zh = template.format(**context)
    except (KeyError, IndexError, ValueError):
        message_zh = "参数不合法"
    return {"field": _field(error["loc"]), "message": error["msg"], "message_zh": message_zh}


field_problem = _validation_error  # one refused value as `{field, message, message_zh}` (the pages' 422 too)


async def on_validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    """422 naming each field; a body that is not JSON at all is a 400, as on the intake route."""
    if any(e.get("type") == "json_invalid" for e in exc.errors()):
        return problem_response(400, "request body is not valid JSON", errors=[
            {"field": "body", "message": "request body is not valid JSON", "message_zh": "请求体不是合法的 JSON"}])
    errors = [_validation_error(e) for e in exc.errors()]
    return problem_response(422, "request parameters are not valid", errors=errors)


async def on_unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    """The last resort: a problem+json 500 that leaks nothing; the traceback goes to the log."""
    log.error("unexpected error answering %s %s", request.method, request.url.path, exc_info=exc)
    return problem_response(500, "an unexpected error occurred; it has been logged",
                            errors=[{"field": "request", "message": "an unexpected error occurred; it has been logged",
                                     "message_zh": "服务器发生意外错误，已记录日志"}])
