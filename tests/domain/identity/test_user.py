"""Users: the jurisdiction each role may have, names and passwords, token states, the token format."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from domain.identity.api_token import new_token, token_id_of
from domain.identity.jurisdiction import JurisdictionError, JurisdictionTree, MalformedCode, UnknownJurisdiction
from domain.identity.user import (BadUserName, JurisdictionNotForRole, UnknownRole, User, UserError, UserRevoked, WeakPassword,
                         check_jurisdiction, check_name, check_password)

NOW = datetime(2025, 11, 3, 9, 0, tzinfo=timezone.utc)


@pytest.fixture()
def tree() -> JurisdictionTree:
    tree = JurisdictionTree()
    for code, parent in [("50", None), ("5001", "50"), ("500103", "5001"), ("500103001", "500103"),
                         ("500103001001", "500103001"), ("500103001001-01", "500103001001")]:
        tree.add(code, f"地方{code}", parent)
    return tree


@pytest.mark.parametrize(("role", "code"), [
    ("informant", "500103001001-01"),
    ("caseworker", "500103"), ("caseworker", "500103001001"), ("supervisor", "500103001"), ("supervisor", "50"),
    ("auditor", "0"), ("admin", "0"), ("integration", "0"), ("auditor", "500103"), ("admin", "500103001001-01"),
])
def test_each_role_may_have_its_kind_of_jurisdiction(tree: JurisdictionTree, role: str, code: str) -> None:
    check_jurisdiction(role, code, tree)
    user = User.create("wang.fang", role, code, tree)
    assert (user.principal().role, user.principal().jurisdiction) == (role, code)


@pytest.mark.parametrize(("role", "code", "refusal"), [
    ("informant", "500103001001", JurisdictionNotForRole),  # informants work one grid
    ("informant", "0", JurisdictionNotForRole),  # "0" is only for roles no place limits
    ("informant", "5001031", MalformedCode),
    ("informant", "500103001001-02", UnknownJurisdiction),  # not in the tree
    ("caseworker", "500103001001-01", JurisdictionNotForRole),  # a region, never a grid
    ("supervisor", "0", JurisdictionNotForRole),
    ("caseworker", "500104", UnknownJurisdiction),
    ("admin", "500104", UnknownJurisdiction),  # "0" or a node of the tree
    ("auditor", "everywhere", MalformedCode),
    ("caseworker", "500103000", MalformedCode),  # a town part 000 is no town (codes read by level)
    ("supervisor", "500103100000", MalformedCode),  # a village part 000 is no village
    ("caseworker", "500000", MalformedCode),  # abbreviates province 50: the tree names it 50
    ("boss", "500103", UnknownRole),
])
def test_a_jurisdiction_the_role_cannot_have_is_refused(tree: JurisdictionTree, role: str, code: str,
                                                        refusal: type[Exception]) -> None:
    with pytest.raises(refusal) as raised:
        User.create("wang.fang", role, code, tree)
    assert isinstance(raised.value, (UserError, JurisdictionError))
    assert " / " in str(raised.value)


@pytest.mark.parametrize("name", ["wang.fang", "张三", "grid-500103001001-3", "ops@qianshao", "a1"])
def test_good_names(name: str) -> None:
    assert check_name(name) == name


@pytest.mark.parametrize("name", ["", "a", "-x", "wang fang", "a" * 65, "x\n", None])
def test_bad_names(name: object) -> None:
    with pytest.raises(BadUserName):
        check_name(name)


@pytest.mark.parametrize("password", ["short", "", "wang.fang", "x" * 257, None])
def test_weak_passwords_are_refused(password: object) -> None:
    with pytest.raises(WeakPassword, match="密码须为 8 至 256 个字符"):
        check_password("wang.fang", password)


def test_a_token_stops_being_accepted_when_expired_revoked_or_its_user_is(tree: JurisdictionTree) -> None:
    user = User.create("wang.fang", "caseworker", "500103", tree)
    user.issue_token("a" * 12, "hash-a", session=False, expires_at=None)
    user.issue_token("b" * 12, "hash-b", session=True, expires_at=NOW + timedelta(hours=12))
    user.issue_token("c" * 12, "hash-c", session=True, expires_at=NOW + timedelta(hours=12))
    assert user.token_hash("a" * 12, NOW + timedelta(days=999)) == "hash-a"  # API tokens do not expire
    assert user.token_hash("b" * 12, NOW + timedelta(hours=11, minutes=59)) == "hash-b"
    assert user.token_hash("b" * 12, NOW + timedelta(hours=12)) is None
    assert user.token_hash("d" * 12, NOW) is None
    user.revoke_token("c" * 12)
    assert user.token_hash("c" * 12, NOW) is None
    info = user.info(NOW)
    assert (info.api_tokens, info.active_sessions, info.has_password) == (1, 1, False)
    user.revoke()
    assert user.token_hash("a" * 12, NOW) is None
    with pytest.raises(UserRevoked):
        user.issue_token("e" * 12, "hash-e", session=False, expires_at=None)
    with pytest.raises(UserRevoked):
        user.set_password("hash")
    assert [type(e).__name__ for e in user.collect_events()] == [
        "Created", "TokenIssued", "TokenIssued", "TokenIssued", "TokenRevoked", "Revoked"]


def test_tokens_have_a_public_id_and_a_long_random_secret() -> None:
    token_id, token = new_token()
    prefix, found_id, secret = token.split("_", 2)
    assert (prefix, found_id) == ("qs", token_id) and len(token_id) == 12 and len(secret) == 43
    assert token_id_of(token) == token_id
    assert new_token()[1] != token


@pytest.mark.parametrize("token", ["", "qs_", "Bearer x", "qs_0123456789ab_short", "xx_0123456789ab_" + "a" * 43,
                                   "qs_0123456789AB_" + "a" * 43, "qs_0123456789ab_" + "a" * 43 + "!", None, 42])
def test_a_malformed_token_has_no_id(token: object) -> None:
    assert token_id_of(token) is None


def test_setting_a_password_ends_every_session_and_api_token(tree: JurisdictionTree) -> None:
    user = User.create("wang.fang", "caseworker", "500103", tree)
    user.issue_token("a" * 12, "hash-a", session=False, expires_at=None)
    user.issue_token("b" * 12, "hash-b", session=True, expires_at=NOW + timedelta(hours=12))
    user.revoke_token("a" * 12)
    user.set_password("new-hash")
    assert user.token_hash("a" * 12, NOW) is None and user.token_hash("b" * 12, NOW) is None
    user.issue_token("c" * 12, "hash-c", session=True, expires_at=NOW + timedelta(hours=12))
    assert user.token_hash("c" * 12, NOW) == "hash-c"  # what is issued after the new password works
    ended = [e for e in user.collect_events() if type(e).__name__ == "TokensEnded"]
    assert [(e.reason, e.token_ids) for e in ended] == [("password", ["b" * 12])]  # type: ignore[attr-defined]


def test_a_first_password_or_a_rehash_ends_nothing(tree: JurisdictionTree) -> None:
    user = User.create("wang.fang", "caseworker", "500103", tree)
    user.set_password("first-hash")  # no token yet: nothing to end, no event
    user.issue_token("a" * 12, "hash-a", session=True, expires_at=NOW + timedelta(hours=12))
    user.rehash_password("same-password-newer-parameters")
    assert user.token_hash("a" * 12, NOW) == "hash-a"
    assert "TokensEnded" not in [type(e).__name__ for e in user.collect_events()]
