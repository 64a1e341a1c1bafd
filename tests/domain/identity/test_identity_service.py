"""The identity service on a real SQLite store: users, tokens, logins, sessions, limits, hashes only."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from domain.identity.access import Principal
from domain.identity.jurisdiction import UnknownJurisdiction
from domain.identity.login_throttle import LoginLocked
from domain.identity.user import DuplicateUser, LoginFailed, UnknownUser, UserRevoked, WeakPassword
from infra.event_store import open_identity
from domain.identity.application import SESSION_LIFETIME, IdentityApp
from infra.settings import Settings

T0 = datetime(2025, 11, 3, 9, 0, tzinfo=timezone.utc)
GRID = "500103001001-01"
PLACES = [("50", "重庆市"), ("5001", "市辖区"), ("500103", "渝中区"), ("500103001", "解放碑街道"),
          ("500103001001", "解放碑街道第1社区"), (GRID, "第1网格")]
FAST = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)  # real argon2id, cheaper for tests


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@pytest.fixture()
def clock() -> Clock:
    return Clock()


def service(data: Path, clock: Clock, hasher: PasswordHasher | None = FAST) -> IdentityApp:
    return open_identity(Settings(data_dir=data), clock=clock, hasher=hasher)


@pytest.fixture()
def identity(tmp_path: Path, clock: Clock) -> IdentityApp:
    identity = service(tmp_path, clock)
    identity.add_missing_jurisdictions(PLACES)
    return identity


def test_a_new_users_token_authenticates_as_that_user(identity: IdentityApp) -> None:
    token = identity.add_user("wang.fang", "informant", GRID)
    assert identity.authenticate(token) == Principal("wang.fang", "informant", GRID)
    assert identity.authenticate(token) == Principal("wang.fang", "informant", GRID)  # the cached path agrees
    second = identity.issue_token("wang.fang")
    assert second != token and identity.authenticate(second) == identity.authenticate(token)


@pytest.mark.parametrize("token", ["", "nonsense", "Bearer qs_x", "qs_0123456789ab_" + "a" * 43])
def test_malformed_or_unknown_tokens_authenticate_as_nobody(identity: IdentityApp, token: str) -> None:
    identity.add_user("wang.fang", "informant", GRID)
    assert identity.authenticate(token) is None


def test_a_token_with_a_known_id_but_another_secret_is_refused(identity: IdentityApp) -> None:
    token = identity.add_user("wang.fang", "informant", GRID)
    assert identity.authenticate(token) is not None
    forged = token[:16] + ("A" if token[16] != "A" else "B") + token[17:]
    assert identity.authenticate(forged) is None


def test_a_user_needs_a_jurisdiction_of_the_tree_and_a_new_name(identity: IdentityApp) -> None:
    with pytest.raises(UnknownJurisdiction):
        identity.add_user("li.lei", "caseworker", "500104")
    assert identity.users() == []
    identity.add_user("li.lei", "caseworker", "500103")
    with pytest.raises(DuplicateUser, match="用户 li.lei 已存在 / user li.lei already exists"):
        identity.add_user("li.lei", "admin", "0")
    with pytest.raises(WeakPassword):
        identity.add_user("zhao.min", "admin", "0", password="short")
    assert [(u.name, u.role, u.jurisdiction) for u in identity.users()] == [("li.lei", "caseworker", "500103")]


def test_login_gives_a_session_that_expires_after_its_lifetime(identity: IdentityApp, clock: Clock) -> None:
    api_token = identity.add_user("li.lei", "caseworker", "500103", password="correct horse")
    session = identity.login("li.lei", "correct horse", "10.0.0.1")
    assert identity.authenticate(session) == Principal("li.lei", "caseworker", "500103")
    info = identity.user("li.lei")
    assert (info.api_tokens, info.active_sessions, info.has_password) == (1, 1, True)
    clock.advance(SESSION_LIFETIME - timedelta(seconds=1))
    assert identity.authenticate(session) is not None
    clock.advance(timedelta(seconds=1))
    assert identity.authenticate(session) is None  # expired, even though verified (and cached) before
    assert identity.authenticate(api_token) is not None  # API tokens do not expire
    assert identity.user("li.lei").active_sessions == 0


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(identity: IdentityApp) -> None:
    identity.add_user("li.lei", "caseworker", "500103", password="correct horse")
    identity.add_user("no.password", "caseworker", "500103")
    answers = []
    for name, password in [("li.lei", "wrong horse"), ("nobody", "correct horse"), ("no.password", "anything!")]:
        with pytest.raises(LoginFailed) as failed:
            identity.login(name, password, "10.0.0.1")
        answers.append(str(failed.value))
    assert answers == ["用户名或密码错误 / wrong user name or password"] * 3


def test_password_changes_take_effect(identity: IdentityApp) -> None:
    identity.add_user("li.lei", "caseworker", "500103", password="correct horse")
    identity.set_password("li.lei", "battery staple")
    with pytest.raises(LoginFailed):
        identity.login("li.lei", "correct horse", "10.0.0.1")
    assert identity.authenticate(identity.login("li.lei", "battery staple", "10.0.0.1")) is not None
    with pytest.raises(UnknownUser):
        identity.set_password("nobody", "battery staple")


def test_a_password_reset_ends_the_sessions_and_api_tokens_issued_before_it(identity: IdentityApp) -> None:
    api_token = identity.add_user("li.lei", "caseworker", "500103", password="correct horse")
    session = identity.login("li.lei", "correct horse", "10.0.0.1")
    other = service(Path(identity.env["SQLITE_DBNAME"]).parent, identity.clock)  # another process's cache
    assert other.authenticate(session) is not None and identity.authenticate(api_token) is not None
    identity.set_password("li.lei", "battery staple")
    assert [identity.authenticate(session), identity.authenticate(api_token)] == [None, None]
    assert [other.authenticate(session), other.authenticate(api_token)] == [None, None]
    fresh, token = identity.login("li.lei", "battery staple", "10.0.0.1"), identity.issue_token("li.lei")
    assert identity.authenticate(fresh) is not None and identity.authenticate(token) is not None
    info = identity.user("li.lei")
    assert (info.api_tokens, info.active_sessions) == (1, 1)


def test_five_failures_for_one_user_lock_that_user_from_every_address(identity: IdentityApp,
                                                                      clock: Clock) -> None:
    identity.add_user("li.lei", "caseworker", "500103", password="correct horse")
    identity.add_user("zhao.min", "supervisor", "500103001", password="other horse")
    for n in range(5):
        with pytest.raises(LoginFailed):
            identity.login("li.lei", "guess", f"10.0.0.{n}")
        clock.advance(timedelta(minutes=1))
    with pytest.raises(LoginLocked) as locked:
        identity.login("li.lei", "correct horse", "10.9.9.9")  # even the right password, from a new address
    assert locked.value.retry_after == 10 * 60
    assert "登录失败次数过多" in str(locked.value) and "try again in 600 s" in str(locked.value)
    assert identity.login("zhao.min", "other horse", "10.9.9.9")  # other users are not locked
    clock.advance(timedelta(minutes=10))
    assert identity.authenticate(identity.login("li.lei", "correct horse", "10.9.9.9")) is not None


def test_five_failures_from_one_address_lock_that_address_for_every_user(identity: IdentityApp,
                                                                         clock: Clock) -> None:
    identity.add_user("li.lei", "caseworker", "500103", password="correct horse")
    for name in ("a1", "b2", "c3", "d4", "e5"):  # spraying names, known or not
        with pytest.raises(LoginFailed):
            identity.login(name, "guess", "10.6.6.6")
    with pytest.raises(LoginLocked) as locked:
        identity.login("li.lei", "correct horse", "10.6.6.6")
    assert locked.value.retry_after == 15 * 60
    assert identity.login("li.lei", "correct horse", "10.0.0.1")  # another address may
    clock.advance(timedelta(minutes=15))
    assert identity.login("li.lei", "correct horse", "10.6.6.6")


def test_a_successful_login_forgives_the_users_earlier_failures(identity: IdentityApp) -> None:
    identity.add_user("li.lei", "caseworker", "500103", password="correct horse")
    for attempt in range(3):
        for _ in range(4):
            with pytest.raises(LoginFailed):
                identity.login("li.lei", "typo", f"10.0.{attempt}.1")
        assert identity.login("li.lei", "correct horse", f"10.0.{attempt}.1")


def test_revoking_stops_every_token_session_and_the_password_at_once(identity: IdentityApp) -> None:
    token = identity.add_user("li.lei", "caseworker", "500103", password="correct horse")
    session = identity.login("li.lei", "correct horse", "10.0.0.1")
    assert identity.authenticate(token) and identity.authenticate(session)  # both verified and cached
    identity.revoke("li.lei")
    assert identity.authenticate(token) is None and identity.authenticate(session) is None
    with pytest.raises(LoginFailed):
        identity.login("li.lei", "correct horse", "10.0.0.1")
    with pytest.raises(UserRevoked):
        identity.issue_token("li.lei")
    assert identity.users()[0].revoked


def test_a_revoke_by_another_process_is_seen_at_once(tmp_path: Path, identity: IdentityApp,
                                                     clock: Clock) -> None:
    token = identity.add_user("li.lei", "caseworker", "500103")
    assert identity.authenticate(token) is not None  # cached in this process
    service(tmp_path, clock).revoke("li.lei")  # as `qianshao users revoke` would, on the same store
    assert identity.authenticate(token) is None


def test_logout_ends_only_that_session(identity: IdentityApp) -> None:
    identity.add_user("li.lei", "caseworker", "500103", password="correct horse")
    first = identity.login("li.lei", "correct horse", "10.0.0.1")
    second = identity.login("li.lei", "correct horse", "10.0.0.2")
    assert identity.authenticate(first) and identity.authenticate(second)
    identity.logout(first)
    assert identity.authenticate(first) is None and identity.authenticate(second) is not None
    identity.logout("nonsense")  # ignored


def test_two_services_on_one_store_see_each_others_nodes_and_users(tmp_path: Path, identity: IdentityApp,
                                                                   clock: Clock) -> None:
    other = service(tmp_path, clock)
    assert other.jurisdiction(GRID).name == "第1网格"
    other.add_jurisdiction("500103001001-02", "第2网格")
    identity.add_jurisdiction("500103001001-03", "第3网格")  # on a tree read before the other's change
    assert [n.code for n in other.jurisdictions()][-3:] == [GRID, "500103001001-02", "500103001001-03"]
    token = other.add_user("wang.fang", "informant", "500103001001-03")
    identity.add_user("li.lei", "caseworker", "500103")
    assert identity.authenticate(token) == Principal("wang.fang", "informant", "500103001001-03")
    assert [u.name for u in other.users()] == ["wang.fang", "li.lei"]


def test_the_store_holds_argon2_hashes_and_never_a_token_or_password(tmp_path: Path, clock: Clock) -> None:
    identity = service(tmp_path, clock, hasher=None)  # the production hasher
    identity.add_missing_jurisdictions(PLACES)
    password = "长城-correct-horse-7731"
    token = identity.add_user("li.lei", "caseworker", "500103", password=password)
    session = identity.login("li.lei", password, "10.0.0.1")
    assert identity.authenticate(token) and identity.authenticate(session)
    identity.set_password("li.lei", password + "!")  # (which ends both)
    stored = b"".join(path.read_bytes() for path in tmp_path.glob("identity.sqlite*"))
    assert stored.count(b"$argon2id$") >= 4  # two tokens, two passwords
    for secret in (token, token.split("_", 2)[2], session.split("_", 2)[2], password, password + "!"):
        assert secret.encode() not in stored
        assert secret.encode("unicode_escape") not in stored and secret.encode("utf-16-le") not in stored
    assert "li.lei".encode() in stored  # (the file is readable: the check above means something)
