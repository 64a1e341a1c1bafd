"""Users: who may sign in, as which role, for which jurisdiction (DESIGN.md § Users).

Why events: who could do what, and since when, is itself audit evidence. A user keeps only
argon2 hashes of their tokens and password (the service hashes; this module never sees a
secret it could store by mistake). Jurisdiction rules by role:

- informant: a grid of the tree (`<community>-<nn>`): they report on their own grid's households;
- caseworker, supervisor: a region of the tree (province … community), never a grid;
- auditor, admin, integration: `0` (everywhere) or any node of the tree; `domain.identity.access.covers`
  ignores it for them (they are not limited to a place), it only records where they belong.

Setting a password ends every session and API token the user held (`end_tokens`), in the aggregate
so that no entrypoint (CLI, API, a future page) can forget it; a user's role and jurisdiction are
fixed at creation today, and a change of either, when added, must end them the same way.

`TokenOwner` points from a token's public id to its user, so a token is verified without
scanning users; `UserDirectory` lists the names, so users can be listed without reading the log.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.identity.access import EVERYWHERE, ROLES, Principal
from domain.ids import stable_id
from domain.identity.jurisdiction import EVERYWHERE_CODE, JurisdictionTree, UnknownJurisdiction, level_of

DIRECTORY_ID = stable_id("user-directory")
MIN_PASSWORD, MAX_PASSWORD = 8, 256
_NAME = re.compile(r"\w[\w.@-]{1,63}")


class UserError(ValueError):
    """A user operation refused, with the reason in Chinese and English."""

    def __init__(self, message_zh: str, message: str) -> None:
        super().__init__(f"{message_zh} / {message}")
        self.message_zh = message_zh
        self.message = message


class BadUserName(UserError):
    def __init__(self, name: str) -> None:
        super().__init__(f"用户名 {name!r} 无效：2 至 64 个字母、数字、汉字或 . _ @ -，且以字母、数字或汉字开头",
                         f"user name {name!r} must be 2 to 64 letters, digits, . _ @ or -, starting with a letter "
                         "or digit")


class UnknownRole(UserError):
    def __init__(self, role: str) -> None:
        super().__init__(f"未知角色 {role!r}，可选：{'、'.join(ROLES)}", f"unknown role {role!r}; one of: {', '.join(ROLES)}")


class JurisdictionNotForRole(UserError):
    def __init__(self, role: str, code: str, needs_zh: str, needs: str) -> None:
        super().__init__(f"{role} 的辖区必须是{needs_zh}（收到 {code!r}）",
                         f"the jurisdiction of a user with role {role} must be {needs} (got {code!r})")


class DuplicateUser(UserError):
    def __init__(self, name: str) -> None:
        super().__init__(f"用户 {name} 已存在", f"user {name} already exists")


class UnknownUser(UserError):
    def __init__(self, name: str) -> None:
        super().__init__(f"没有用户 {name}", f"no user {name}")


class UserRevoked(UserError):
    def __init__(self, name: str) -> None:
        super().__init__(f"用户 {name} 已停用", f"user {name} is revoked")


class WeakPassword(UserError):
    def __init__(self) -> None:
        super().__init__(f"密码须为 {MIN_PASSWORD} 至 {MAX_PASSWORD} 个字符，且不能与用户名相同",
                         f"a password must be {MIN_PASSWORD} to {MAX_PASSWORD} characters and not the user name")


class LoginFailed(UserError):
    """The same answer for an unknown user, a wrong password and a revoked user (reveals nothing)."""

    def __init__(self) -> None:
        super().__init__("用户名或密码错误", "wrong user name or password")


def user_id(name: str) -> UUID:
    return stable_id("user", name)


def check_name(name: object) -> str:
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise BadUserName(str(name))
    return name


def check_password(name: str, password: object) -> str:
    if not isinstance(password, str) or not MIN_PASSWORD <= len(password) <= MAX_PASSWORD or password == name:
        raise WeakPassword()
    return password


def check_jurisdiction(role: str, code: str, tree: JurisdictionTree) -> None:
    """Refuse a jurisdiction the role cannot have, or one that is not in the tree (module docstring)."""
    if role not in ROLES:
        raise UnknownRole(role)
    if role in EVERYWHERE and code == EVERYWHERE_CODE:
        return
    level = None if code == EVERYWHERE_CODE else level_of(code)  # MalformedCode: neither a region nor a grid
    if role == "informant" and level != "grid":
        raise JurisdictionNotForRole(role, code, "网格代码（社区代码-两位数字）", "a grid code (<community>-<nn>)")
    if role in ("caseworker", "supervisor") and level in (None, "grid"):
        raise JurisdictionNotForRole(role, code, "地区代码（省至社区）", "a region code (province to community)")
    if code not in tree:
        raise UnknownJurisdiction(code)


@dataclass(frozen=True)
class UserInfo:
    """What may be shown about a user: no hash, no token."""

    name: str
    role: str
    jurisdiction: str
    revoked: bool
    has_password: bool
    api_tokens: int
    active_sessions: int
    created_on: datetime


class User(Aggregate):
    """One person or system that signs in, with the hashes of their credentials."""

    @staticmethod
    def create_id(name: str, role: str, jurisdiction: str) -> UUID:
        return user_id(name)

    @classmethod
    def create(cls, name: str, role: str, jurisdiction: str, tree: JurisdictionTree) -> "User":
        """A new user, or a UserError / JurisdictionError saying why not."""
        check_name(name)
        check_jurisdiction(role, jurisdiction, tree)
        return cls(name=name, role=role, jurisdiction=jurisdiction)

    @event("Created")
    def __init__(self, name: str, role: str, jurisdiction: str) -> None:
        self.name = name
        self.role = role
        self.jurisdiction = jurisdiction
        self.tokens: dict[str, dict[str, Any]] = {}
        self.password_hash: str | None = None
        self.revoked = False

    def _refuse_if_revoked(self) -> None:
        if self.revoked:
            raise UserRevoked(self.name)

    def issue_token(self, token_id: str, token_hash: str, session: bool, expires_at: datetime | None) -> None:
        """Record a new token's hash; a session has an expiry, an API token none."""
        self._refuse_if_revoked()
        self._token_issued(token_id=token_id, token_hash=token_hash, session=session,
                           expires_at=expires_at.isoformat() if expires_at else None)

    @event("TokenIssued")
    def _token_issued(self, token_id: str, token_hash: str, session: bool, expires_at: str | None) -> None:
        self.tokens[token_id] = {"hash": token_hash, "session": session, "expires_at": expires_at, "revoked": False}

    def revoke_token(self, token_id: str) -> None:
        if token_id in self.tokens and not self.tokens[token_id]["revoked"]:
            self._token_revoked(token_id=token_id)

    @event("TokenRevoked")
    def _token_revoked(self, token_id: str) -> None:
        self.tokens[token_id]["revoked"] = True

    def set_password(self, password_hash: str) -> None:
        """A new password (a change or an administrator's reset) ends every session and API token:
        whoever held one may have learnt the old password, so nothing issued under it survives."""
        self._refuse_if_revoked()
        self._password_set(password_hash=password_hash)
        self.end_tokens("password")

    def rehash_password(self, password_hash: str) -> None:
        """The same password hashed with newer argon2 parameters (at login): nothing ends."""
        self._refuse_if_revoked()
        self._password_set(password_hash=password_hash)

    @event("PasswordSet")
    def _password_set(self, password_hash: str) -> None:
        self.password_hash = password_hash

    def end_tokens(self, reason: str) -> None:
        """End every live session and API token at once (a password set; a role or jurisdiction
        change, when one is added, must call this too: what a token allowed would change under it)."""
        live = [token_id for token_id, token in self.tokens.items() if not token["revoked"]]
        if live:
            self._tokens_ended(reason=reason, token_ids=live)

    @event("TokensEnded")
    def _tokens_ended(self, reason: str, token_ids: list[str]) -> None:
        for token_id in token_ids:
            self.tokens[token_id]["revoked"] = True

    def revoke(self) -> None:
        """Stop the user: every token and the password stop working (kept in history)."""
        if not self.revoked:
            self._revoked()

    @event("Revoked")
    def _revoked(self) -> None:
        self.revoked = True

    def token_hash(self, token_id: str, now: datetime) -> str | None:
        """The hash to verify a token against, or None when the token cannot be accepted now."""
        token = self.tokens.get(token_id)
        if self.revoked or token is None or token["revoked"]:
            return None
        expires = token["expires_at"]
        if expires is not None and now >= datetime.fromisoformat(expires):
            return None
        return str(token["hash"])

    def principal(self) -> Principal:
        return Principal(self.name, self.role, self.jurisdiction)

    def info(self, now: datetime) -> UserInfo:
        live = [t for t in self.tokens if self.token_hash(t, now) is not None]
        sessions = sum(1 for t in live if self.tokens[t]["session"])
        return UserInfo(self.name, self.role, self.jurisdiction, self.revoked, self.password_hash is not None,
                        len(live) - sessions, sessions, self.created_on)


class TokenOwner(Aggregate):
    """Which user a token id belongs to (the id is public; the hash stays with the user)."""

    @staticmethod
    def create_id(token_id: str, user: str) -> UUID:
        return TokenOwner.id_for(token_id)

    @staticmethod
    def id_for(token_id: str) -> UUID:
        return stable_id("token", token_id)

    @event("Issued")
    def __init__(self, token_id: str, user: str) -> None:
        self.token_id = token_id
        self.user = user


class UserDirectory(Aggregate):
    """The names of all users, in the order they were added."""

    @staticmethod
    def create_id() -> UUID:
        return DIRECTORY_ID

    @event("Opened")
    def __init__(self) -> None:
        self.names: list[str] = []

    @event("Listed")
    def list_user(self, name: str) -> None:
        self.names.append(name)
