"""Personal identifiers are masked for every role whose job does not need them."""

from __future__ import annotations

import pytest

from domain.access import ROLES
from domain.privacy import mask_id_number, mask_name, masked_member, sees_full_identity


def test_id_numbers_keep_four_characters_each_end() -> None:
    assert mask_id_number("500103197004021234") == "5001**********1234"
    assert mask_id_number("1234567") == "*******"


@pytest.mark.parametrize(("name", "masked"), [("张三", "张*"), ("欧阳娜娜", "欧***"), ("王", "*")])
def test_names_keep_their_first_character(name: str, masked: str) -> None:
    assert mask_name(name) == masked


def test_a_member_is_masked_field_by_field() -> None:
    member = {"resident": "R1", "name": "张三", "id_number": "500103197004021234", "sex": "M"}
    assert masked_member(member) == {"resident": "R1", "name": "张*", "id_number": "5001**********1234", "sex": "M"}
    assert member["name"] == "张三"  # the original is not changed


@pytest.mark.parametrize("role", ROLES)
def test_only_caseworkers_see_full_identities(role: str) -> None:
    assert sees_full_identity(role) is (role == "caseworker")
