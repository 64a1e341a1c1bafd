"""What of a resident each role sees (`domain.privacy.SIGHTS`), and corrections that keep what is not shown."""

from __future__ import annotations

import pytest

from domain.identity.access import ROLES
from domain.privacy import (
    FULL, MASKED, NAMES_ONLY, kept_identity, mask_id_number, mask_name, masked_member, sees_full_identity,
    shown_facts, shown_member, shown_observation, sight_of,
)

NUMBER = "50010319691105123X"
MEMBER = {"resident": "R1", "name": "陈晓梅", "id_number": NUMBER, "sex": "F", "birth_date": "1969-11-05",
          "relation": "head"}


def test_id_numbers_keep_only_the_province() -> None:
    assert mask_id_number(NUMBER) == "50" + "*" * 16
    assert mask_id_number("1234567") == "*******"


@pytest.mark.parametrize(("name", "masked"), [("张三", "张*"), ("欧阳娜娜", "欧***"), ("王", "*")])
def test_names_keep_their_first_character(name: str, masked: str) -> None:
    assert mask_name(name) == masked


def test_supervisors_and_auditors_see_a_masked_member_with_a_birth_year() -> None:
    assert sight_of("supervisor") == sight_of("auditor") == MASKED
    assert masked_member(MEMBER) == {"resident": "R1", "name": "陈**", "id_number": "50" + "*" * 16, "sex": "F",
                                     "birth_year": 1969, "relation": "head"}
    assert MEMBER["name"] == "陈晓梅"  # the original is not changed


def test_informants_see_names_and_birth_years_but_no_id_number() -> None:
    assert sight_of("informant") == NAMES_ONLY
    assert shown_member(MEMBER, NAMES_ONLY) == {"resident": "R1", "name": "陈晓梅", "sex": "F", "birth_year": 1969,
                                                "relation": "head"}


def test_caseworkers_see_everything() -> None:
    assert shown_member(MEMBER, FULL) == MEMBER


@pytest.mark.parametrize("role", ROLES)
def test_only_caseworkers_see_full_identities(role: str) -> None:
    assert sees_full_identity(role) is (role == "caseworker")


def test_an_unknown_role_sees_the_least() -> None:
    assert shown_member(MEMBER, sight_of("nobody")) == {"resident": "R1", "name": "陈**", "sex": "F",
                                                         "birth_year": 1969, "relation": "head"}


def test_persons_inside_observations_are_shown_as_the_member_list() -> None:
    joined = {"observation_id": "o-2", "kind": "resident.joined", "household": "H-1", "resident": "R2",
              "data": {"name": "陈小", "id_number": NUMBER, "sex": "F", "birth_date": "1969-11-05", "reason": "birth"}}
    assert shown_observation(joined, MASKED)["data"] == {"name": "陈*", "id_number": "50" + "*" * 16, "sex": "F",
                                                          "birth_year": 1969, "reason": "birth"}
    assert shown_observation(joined, FULL) is joined


def test_facts_that_move_on_the_birthday_are_withheld_from_masked_roles() -> None:
    facts = {"age": 17, "adult_on": "2027-03-02", "days_to_adulthood": 80, "enrolled_as_minor": True}
    assert shown_facts(facts, MASKED) == shown_facts(facts, NAMES_ONLY) == {"enrolled_as_minor": True}
    assert shown_facts(facts, FULL) == facts


REGISTRATION = {"observation_id": "o-1", "kind": "household.registered", "household": "H-1", "resident": None,
                "data": {"region": "500103001001", "members": [MEMBER, {**MEMBER, "resident": "R9", "id_number": None}]}}


def correction(*members: dict) -> dict:
    return {"observation_id": "o-1b", "kind": "household.registered", "household": "H-1",
            "data": {"region": "500103001001", "members": list(members)}}


@pytest.mark.parametrize("left", [{}, {"id_number": ""}, {"id_number": "50" + "*" * 16}])
def test_a_correction_keeps_the_stored_id_number_when_it_is_left_or_sent_back_masked(left: dict) -> None:
    sent = {k: v for k, v in MEMBER.items() if k not in ("id_number", "birth_date")} | left
    filled, kept = kept_identity(correction(sent), REGISTRATION)
    (member,) = filled["data"]["members"]
    assert (member["id_number"], member["birth_date"]) == (NUMBER, "1969-11-05")
    assert kept == {"data.members[0].id_number": NUMBER, "data.members[0].birth_date": "1969-11-05"}


def test_a_typed_number_or_a_foreign_mask_is_not_replaced() -> None:
    typed = {**MEMBER, "id_number": "500103197004021234", "birth_date": "1970-04-02"}
    filled, kept = kept_identity(correction(typed), REGISTRATION)
    assert filled["data"]["members"][0]["id_number"] == "500103197004021234" and kept == {}
    foreign = {**MEMBER, "id_number": "11" + "*" * 16}
    filled, kept = kept_identity(correction(foreign), REGISTRATION)
    assert filled["data"]["members"][0]["id_number"] == "11" + "*" * 16  # left for the validator to refuse
    assert "data.members[0].id_number" not in kept


def test_a_new_member_or_one_without_a_stored_number_gets_nothing() -> None:
    new = {"resident": "R5", "name": "陈新", "sex": "M", "relation": "child"}
    unnumbered = {"resident": "R9", "name": "陈某", "sex": "F", "birth_date": "1969-11-05", "relation": "head"}
    filled, kept = kept_identity(correction(new, unnumbered), REGISTRATION)
    assert filled["data"]["members"][0] == new and "id_number" not in filled["data"]["members"][1]
    assert kept == {}
