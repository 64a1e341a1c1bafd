"""POST /api/v1/login and /api/v1/logout: a name and password become a session token (for the pages).

A wrong name and a wrong password answer the same 401; too many failures for a user or
from one address answer 429 with `Retry-After`.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import BaseModel, Field

from api.http.auth import bearer, current_principal
from api.http.dependencies import Identity
from api.http.problems import problem_response, problem_responses
from domain.identity.access import Principal
from domain.identity.login_throttle import LoginLocked
from domain.identity.user import LoginFailed

router = APIRouter()


class Login(BaseModel):
    name: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class Session(BaseModel):
    token: str = Field(description="use as `Authorization: Bearer TOKEN`; expires after 12 hours")
    name: str
    role: str
    jurisdiction: str


@router.post("/api/v1/login", response_model=Session,
             responses=problem_responses(400, 401, 413, 422, 429, e401="wrong name or password",
                                         e429="too many failed logins for this name or from this address"))
def login(request: Request, body: Login, identity: Identity) -> Any:
    address = request.client.host if request.client else "unknown"
    try:
        token = identity.login(body.name, body.password, address)
    except LoginLocked as locked:
        return problem_response(429, str(locked), headers={"Retry-After": str(locked.retry_after)},
                                errors=[{"field": "name", "message": str(locked), "message_zh": locked.message_zh}])
    except LoginFailed as failed:
        return problem_response(401, str(failed), errors=[{"field": "password", "message": str(failed),
                                                            "message_zh": failed.message_zh}])
    principal = identity.authenticate(token)
    return JSONResponse(Session(token=token, name=principal.name, role=principal.role,
                                jurisdiction=principal.jurisdiction).model_dump())


@router.post("/api/v1/logout", status_code=204, responses=problem_responses(401))
def logout(identity: Identity, principal: Principal = Depends(current_principal),
           credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> Response:
    """End this session (or retire this API token)."""
    if credentials is not None:
        identity.logout(credentials.credentials)
    return Response(status_code=204)
