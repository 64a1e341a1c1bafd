"""Authentication and authorization for routes: `Depends(require(Action.X))` gives the Principal.

A request carries `Authorization: Bearer TOKEN`; the identity service turns the token
into a `Principal` (or None). No token or an unknown one is 401; a role that may not
do the action is 403. Whether a household lies in the user's jurisdiction is checked
where the household is known (`domain.identity.access.covers`), and answered 404 outside it.
"""

from __future__ import annotations

from typing import Any, Callable

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.http.dependencies import Identity
from api.http.reads import record_role_refusal
from domain.identity.access import Action, Principal, allowed

bearer = HTTPBearer(auto_error=False, description="the API token `qianshao users add` printed, or a login session")


class Unauthenticated(HTTPException):
    def __init__(self) -> None:
        super().__init__(401, "a valid bearer token is required (Authorization: Bearer TOKEN) / 需要有效的访问令牌",
                         headers={"WWW-Authenticate": "Bearer"})


class Forbidden(HTTPException):
    def __init__(self, principal: Principal, action: Action) -> None:
        super().__init__(403, f"role {principal.role} may not {action.value} / 当前角色无权执行此操作")


def current_principal(
    identity: Identity, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthenticated()
    principal = identity.authenticate(credentials.credentials)
    if principal is None:
        raise Unauthenticated()
    return principal


def require(action: Action) -> Callable[..., Principal]:
    """A dependency: the authenticated principal, if its role may do `action` (else 403, recorded in the access
    log when the action is over personal data)."""

    def dependency(request: Request, principal: Principal = Depends(current_principal)) -> Principal:
        if not allowed(principal.role, action):
            record_role_refusal(request, principal, action)
            raise Forbidden(principal, action)
        return principal

    dependency.__name__ = f"require_{action.value}"
    return dependency


def not_found_outside(principal: Principal, what: str, inside: bool) -> None:
    """A read outside one's jurisdiction answers 404, so it never reveals what exists elsewhere."""
    if not inside:
        raise HTTPException(404, f"no {what} / 未找到")


__all__: list[Any] = ["current_principal", "require", "not_found_outside", "Unauthenticated", "Forbidden"]
