"""The identity application: users (credential hashes only), their API tokens and passwords, logins
and sessions, and the jurisdiction tree; never relayed to Kafka.

Secrets are stored only as argon2 hashes (`argon2-cffi`). A token is `qs_<id>_<secret>`
(`domain.identity.api_token`): the id names the one hash to verify. A verified token is remembered in
memory under its sha256, so a request pays argon2 once per token and process; the user is still
read (one indexed query, fast-forwarded from the store) on every request, so a revoke, a logout
or an expiry — even one made by another process, such as the CLI — takes effect at once.

A session is a token marked as one, expiring `SESSION_LIFETIME` after the login that issued it.
Failed logins are limited per user and per client address (`domain.identity.login_throttle`; a deployment
plugs in a store every process shares);
an unknown user, a wrong password and a revoked user get the same `LoginFailed`, after the same
argon2 work.

The jurisdiction tree is one aggregate in the identity store; a parent left out is read from the code
(a code extends its parent's), so `add_jurisdiction("500103001", "解放碑街道")` goes under 500103.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from datetime import datetime, timedelta, timezone
from threading import Lock
from typing import Callable, Iterable, Mapping, Sequence

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate

from domain.identity.access import Principal
from domain.identity.api_token import new_token, token_id_of
from domain.identity.jurisdiction import (TREE_ID, JurisdictionNode, JurisdictionTree, MalformedCode,
                                          UnknownJurisdiction, parent_code)
from domain.identity.login_throttle import LoginThrottle, Throttle
from domain.identity.optimistic_save import save_retrying
from domain.identity.user import (DIRECTORY_ID, DuplicateUser, LoginFailed, TokenOwner, UnknownUser, User,
                                  UserDirectory, UserInfo, check_name, check_password, user_id)

import domain.renamed_topics  # noqa: F401 - events stored before the move still load

SESSION_LIFETIME = timedelta(hours=12)
VERIFIED_CACHE_SIZE = 10_000
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class IdentityApp(Application):
    """Adds and revokes users, issues tokens and sessions, turns a token into a Principal, and keeps
    the jurisdiction tree; never relayed to Kafka."""

    name = "identity"

    def __init__(self, env: Mapping[str, str] | None = None, *, clock: Clock | None = None,
                 hasher: PasswordHasher | None = None, throttle: Throttle | None = None) -> None:
        super().__init__(env=env)
        self.clock = clock or utc_now
        self.hasher = hasher or PasswordHasher()
        self.throttle = throttle or LoginThrottle()
        self._verified: OrderedDict[str, tuple[str, str]] = OrderedDict()  # sha256(token) -> (user, token id)
        self._verified_lock = Lock()
        self._no_user_hash: str | None = None

    # --- users -----------------------------------------------------------------------------

    def add_user(self, name: str, role: str, jurisdiction: str, password: str | None = None) -> str:
        """Create a user (and set a password when given); return their first API token.

        Raises a UserError or JurisdictionError, with nothing stored, when any part is refused.
        """
        name = check_name(name.strip() if isinstance(name, str) else name)
        jurisdiction = jurisdiction.strip() if isinstance(jurisdiction, str) else jurisdiction

        def change() -> tuple[str, Sequence[Aggregate]]:
            if self._user_or_none(name) is not None:
                raise DuplicateUser(name)
            user = User.create(name, role, jurisdiction, self.jurisdiction_tree())
            if password is not None:
                user.set_password(self.hasher.hash(check_password(name, password)))
            token, owner = self._issue(user, session=False)
            directory = self._directory()
            directory.list_user(name)
            return token, [user, owner, directory]

        return save_retrying(self, change)

    def issue_token(self, name: str) -> str:
        """A new API token for an active user (earlier ones stay valid)."""
        user = self._user(name)
        token, owner = self._issue(user, session=False)
        self.save(user, owner)
        return token

    def set_password(self, name: str, password: str) -> None:
        """Set (change or reset) a password; every session and API token of the user ends with it."""
        user = self._user(name)
        user.set_password(self.hasher.hash(check_password(user.name, password)))
        self.save(user)
        self._forget_user(user.name)

    def revoke(self, name: str) -> None:
        """Stop a user: every token, session and the password stop working."""
        user = self._user(name)
        user.revoke()
        self.save(user)
        self._forget_user(user.name)

    def user(self, name: str) -> UserInfo:
        return self._user(name).info(self.clock())

    def users(self) -> list[UserInfo]:
        """Every user, in the order they were added (no secrets)."""
        now = self.clock()
        return [self._user(name).info(now) for name in self._directory().names]

    # --- tokens, logins, sessions ---------------------------------------------------------

    def authenticate(self, token: str) -> Principal | None:
        """The principal a token stands for; None for a malformed, unknown, revoked or expired one."""
        token_id = token_id_of(token)
        if token_id is None:
            return None
        key = hashlib.sha256(token.encode()).hexdigest()
        with self._verified_lock:
            cached = self._verified.get(key)
        name = cached[0] if cached else self._owner_of(token_id)
        user = self._user_or_none(name, reading=True) if name else None
        stored = user.token_hash(token_id, self.clock()) if user else None
        if user is None or stored is None:
            self._forget(key)
            return None
        if cached is None:
            if not self._verify(stored, token):
                return None
            self._remember(key, user.name, token_id)
        return user.principal()

    def login(self, name: str, password: str, client_address: str) -> str:
        """A session token for a right name and password; LoginFailed (whatever was wrong) or
        LoginLocked (too many failures for this user or this address)."""
        name = name.strip() if isinstance(name, str) else ""
        keys = (f"user:{name}", f"address:{client_address}")
        now = self.clock()
        self.throttle.check(keys, now)
        user = self._user_or_none(name) if name else None
        if user is not None and user.password_hash is not None and not user.revoked:
            right = self._verify(user.password_hash, password)
        else:
            self._verify(self._no_user(), password)  # the same work, so timing does not tell either
            right = False
        if not right or user is None:
            self.throttle.failed(keys, now)
            raise LoginFailed()
        self.throttle.succeeded(keys[0])
        assert user.password_hash is not None
        if self.hasher.check_needs_rehash(user.password_hash):
            user.rehash_password(self.hasher.hash(password))
        token, owner = self._issue(user, session=True)
        self.save(user, owner)
        return token

    def logout(self, token: str) -> None:
        """End one session (or retire one API token); an unknown token is ignored."""
        token_id = token_id_of(token)
        principal = self.authenticate(token) if token_id else None
        if principal is None or token_id is None:
            return
        user = self._user(principal.name)
        user.revoke_token(token_id)
        self.save(user)
        self._forget(hashlib.sha256(token.encode()).hexdigest())

    # --- jurisdictions --------------------------------------------------------------------

    def jurisdiction_tree(self) -> JurisdictionTree:
        """The tree as stored (an empty one before the first node is added)."""
        try:
            return self.repository.get(TREE_ID)
        except AggregateNotFoundError:
            return JurisdictionTree()

    def add_jurisdiction(self, code: str, name: str, parent: str | None = None) -> JurisdictionNode:
        """Add one node (parent: as given, else read from the code), or raise a JurisdictionError."""

        def change() -> tuple[JurisdictionNode, Sequence[Aggregate]]:
            tree = self.jurisdiction_tree()
            return tree.add(code, name, parent if parent else _derived_parent(code)), [tree]

        return save_retrying(self, change)

    def add_missing_jurisdictions(self, nodes: Iterable[tuple[str, str]]) -> list[JurisdictionNode]:
        """Add, in one transaction, each (code, name) not yet in the tree, parents first; the
        nodes added (none when all were there: seeding again changes nothing)."""
        ordered = sorted(dict(nodes).items())  # a parent's code sorts before its children's

        def change() -> tuple[list[JurisdictionNode], Sequence[Aggregate]]:
            tree = self.jurisdiction_tree()
            added = [tree.add(code, name, _derived_parent(code)) for code, name in ordered if code not in tree]
            return added, [tree] if added else []

        return save_retrying(self, change)

    def jurisdictions(self) -> list[JurisdictionNode]:
        """Every node, flat, in tree order, each with its level."""
        return self.jurisdiction_tree().flat()

    def nested_jurisdictions(self) -> list[dict[str, object]]:
        """The nodes nested under their parents."""
        return self.jurisdiction_tree().tree()

    def jurisdiction(self, code: str) -> JurisdictionNode:
        """The node of a code, or UnknownJurisdiction."""
        return self.jurisdiction_tree().node(code)

    def find_jurisdiction(self, code: str) -> JurisdictionNode | None:
        try:
            return self.jurisdiction(code)
        except UnknownJurisdiction:
            return None

    # --- internals ------------------------------------------------------------------------

    def _issue(self, user: User, session: bool) -> tuple[str, TokenOwner]:
        token_id, token = new_token()
        expires = self.clock() + SESSION_LIFETIME if session else None
        user.issue_token(token_id, self.hasher.hash(token), session, expires)
        return token, TokenOwner(token_id=token_id, user=user.name)

    def _verify(self, stored: str, secret: object) -> bool:
        if not isinstance(secret, str):
            return False
        try:
            return self.hasher.verify(stored, secret)
        except (VerificationError, InvalidHashError):
            return False

    def _no_user(self) -> str:
        if self._no_user_hash is None:
            self._no_user_hash = self.hasher.hash("no such user / 无此用户")
        return self._no_user_hash

    def _remember(self, key: str, name: str, token_id: str) -> None:
        with self._verified_lock:
            self._verified[key] = (name, token_id)
            self._verified.move_to_end(key)
            while len(self._verified) > VERIFIED_CACHE_SIZE:
                self._verified.popitem(last=False)

    def _forget(self, key: str) -> None:
        with self._verified_lock:
            self._verified.pop(key, None)

    def _forget_user(self, name: str) -> None:
        """Drop the user's verified tokens from memory (they are refused anyway: the user is read each time)."""
        with self._verified_lock:
            for key in [k for k, (owner, _) in self._verified.items() if owner == name]:
                del self._verified[key]

    def _owner_of(self, token_id: str) -> str | None:
        try:
            owner: TokenOwner = self.repository.get(TokenOwner.id_for(token_id))
        except AggregateNotFoundError:
            return None
        return owner.user

    def _user_or_none(self, name: str, reading: bool = False) -> User | None:
        """The stored user; `reading`: the cached object itself (no copy: it will not be changed)."""
        try:
            return self.repository.get(user_id(name), deepcopy_from_cache=not reading)
        except AggregateNotFoundError:
            return None

    def _user(self, name: str) -> User:
        user = self._user_or_none(name.strip() if isinstance(name, str) else "")
        if user is None:
            raise UnknownUser(str(name))
        return user

    def _directory(self) -> UserDirectory:
        try:
            return self.repository.get(DIRECTORY_ID)
        except AggregateNotFoundError:
            return UserDirectory()


def _derived_parent(code: str) -> str | None:
    try:
        return parent_code(code)
    except MalformedCode:
        return None  # the tree refuses the code itself, with the same error
