"""Administrators manage users and the jurisdiction tree over the API (the CLI does the same).

`/api/v1/users` and `/api/v1/jurisdictions`. Every change is an event in the identity
store; the answer to creating a user (or issuing a token) is the only place the token is
ever shown, since only its hash is kept.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path
from fastapi.responses import JSONResponse, Response
from pydantic import AfterValidator, BaseModel, Field

from api.http.auth import require
from api.http.dependencies import identity
from api.http.problems import problem_response, problem_responses
from domain.identity.access import ROLES, Action, Principal
from domain.identity.jurisdiction import EVERYWHERE_CODE, DuplicateJurisdiction, JurisdictionError, level_of
from domain.identity.user import DuplicateUser, UnknownUser, UserError, UserInfo, UserRevoked
from domain.identity.application import IdentityApp

router = APIRouter()
NAME = "^[A-Za-z0-9_][A-Za-z0-9_.@-]{1,63}$"  # the ASCII part of what `domain.identity.user` accepts
CODE = "^([0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{9}|[0-9]{12}|[0-9]{12}-[0-9]{2})$"
UserName = Annotated[str, Path(min_length=1, max_length=64)]
ADMIN = Depends(require(Action.MANAGE_USERS))
TREE_ADMIN = Depends(require(Action.MANAGE_JURISDICTIONS))


def _tree_code(code: str | None) -> str | None:
    """A code the tree can hold, read by level (MalformedCode otherwise, reported against its field)."""
    if code is not None and code != EVERYWHERE_CODE:
        level_of(code)
    return code


TreeCode = Annotated[str, AfterValidator(_tree_code)]


class NewUser(BaseModel):
    name: str = Field(pattern=NAME, description="letters, digits, `_ . @ -`; 2 to 64 characters")
    role: str = Field(json_schema_extra={"enum": list(ROLES)})
    jurisdiction: TreeCode = Field(pattern=f"^0$|{CODE}", description="a node of the tree (a grid for informants), "
                                                                      "or 0 (everywhere: auditors, admins, integration)")
    password: str | None = Field(None, min_length=8, max_length=256, description="for people who log in on the web; "
                                                                                 "not the user name")


class Password(BaseModel):
    password: str = Field(min_length=8, max_length=256, description="8 to 256 characters, not the user name")


class IssuedToken(BaseModel):
    name: str
    token: str = Field(description="shown only now: use as `Authorization: Bearer TOKEN`")


class NewJurisdiction(BaseModel):
    code: TreeCode = Field(pattern=CODE, description="region code (2, 4, 6, 9 or 12 digits) or grid code (community-NN)")
    name: str = Field(min_length=1, max_length=64)
    parent: TreeCode | None = Field(None, pattern=CODE, description="the node right above; only a province has none")


class JurisdictionOut(BaseModel):
    code: str
    name: str
    level: str
    level_zh: str
    parent: str | None


def _refused(error: Exception) -> JSONResponse:
    """Domain refusals as problem+json: unknown → 404, taken or revoked → 409, anything else wrong → 422."""
    taken = isinstance(error, (DuplicateUser, DuplicateJurisdiction, UserRevoked))
    status = 404 if isinstance(error, UnknownUser) else 409 if taken else 422
    en, zh = getattr(error, "message", str(error)), getattr(error, "message_zh", str(error))
    return problem_response(status, en, errors=[{"field": "", "message": en, "message_zh": zh}])


@router.get("/api/v1/users", response_model=list[UserInfo], responses=problem_responses(401, 403))
def list_users(principal: Principal = ADMIN, users: IdentityApp = Depends(identity)) -> Any:
    """Every user, in the order they were added (no secrets)."""
    return users.users()


@router.post("/api/v1/users", status_code=201, response_model=IssuedToken,
             responses=problem_responses(400, 401, 403, 409, 413, 422, e409="the name is taken"))
def add_user(body: NewUser, principal: Principal = ADMIN, users: IdentityApp = Depends(identity)) -> Any:
    """Add a user and answer their first API token (shown only now)."""
    try:
        token = users.add_user(body.name, body.role, body.jurisdiction, password=body.password)
    except (UserError, JurisdictionError) as error:
        return _refused(error)
    return JSONResponse(IssuedToken(name=body.name.strip(), token=token).model_dump(), status_code=201)


@router.post("/api/v1/users/{name}/tokens", status_code=201, response_model=IssuedToken,
             responses=problem_responses(401, 403, 404, 409, 422, e404="no such user", e409="the user is revoked"))
def issue_token(name: UserName, principal: Principal = ADMIN, users: IdentityApp = Depends(identity)) -> Any:
    """Another API token for the user (earlier ones stay valid)."""
    try:
        return JSONResponse(IssuedToken(name=name, token=users.issue_token(name)).model_dump(), status_code=201)
    except UserError as error:
        return _refused(error)


@router.put("/api/v1/users/{name}/password", status_code=204,
            responses=problem_responses(400, 401, 403, 404, 409, 413, 422, e404="no such user",
                                        e409="the user is revoked"))
def set_password(name: UserName, body: Password, principal: Principal = ADMIN,
                 users: IdentityApp = Depends(identity)) -> Response:
    try:
        users.set_password(name, body.password)
    except UserError as error:
        return _refused(error)
    return Response(status_code=204)


@router.post("/api/v1/users/{name}/revoke", status_code=204,
             responses=problem_responses(401, 403, 404, 409, 422, e404="no such user", e409="revoked already"))
def revoke(name: UserName, principal: Principal = ADMIN, users: IdentityApp = Depends(identity)) -> Response:
    """Stop the user at once: every token, session and the password stop working."""
    try:
        users.revoke(name)
    except UserError as error:
        return _refused(error)
    return Response(status_code=204)


@router.get("/api/v1/jurisdictions", response_model=list[JurisdictionOut], responses=problem_responses(401, 403))
def list_jurisdictions(principal: Principal = TREE_ADMIN, users: IdentityApp = Depends(identity)) -> Any:
    """The tree, flat, in tree order (province → city → district → street → community → grid)."""
    return [node.to_json() for node in users.jurisdictions()]


@router.post("/api/v1/jurisdictions", status_code=201, response_model=JurisdictionOut,
             responses=problem_responses(400, 401, 403, 409, 413, 422, e409="the code exists already"))
def add_jurisdiction(body: NewJurisdiction, principal: Principal = TREE_ADMIN,
                     users: IdentityApp = Depends(identity)) -> Any:
    try:
        node = users.add_jurisdiction(body.code, body.name, body.parent)
    except JurisdictionError as error:
        return _refused(error)
    return JSONResponse(node.to_json(), status_code=201)
