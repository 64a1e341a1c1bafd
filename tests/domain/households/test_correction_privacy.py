"""A refusal about a kept ID number or birth date does not quote the stored value the informant was not shown."""

from __future__ import annotations

from domain.households.observations.problems import FieldError
from domain.households.corrections import _unquoted

KEPT = {"data.members[0].birth_date": "1969-11-05"}


def test_a_mismatch_quoting_the_stored_birth_date_is_said_without_it() -> None:
    error = FieldError("data.members[0].id_number",
                       "the birth date in id_number (1970-01-01) does not match birth_date (1969-11-05)",
                       "id_number 中的出生日期（1970-01-01）与 birth_date（1969-11-05）不一致")
    said = _unquoted(error, KEPT)
    assert said.field == error.field and "1969" not in said.message + said.message_zh
    assert said.message_zh == "与已登记的身份证号或出生日期不一致，请将两项都重新填写"


def test_a_refusal_of_what_was_typed_stays_as_it_is() -> None:
    typed = FieldError("data.members[0].id_number", "18-digit resident ID number fails its checksum",
                       "18 位居民身份证号码校验码错误")
    other_member = FieldError("data.members[1].id_number", "mismatch (1969-11-05)", "不一致（1969-11-05）")
    assert _unquoted(typed, KEPT) is typed and _unquoted(other_member, KEPT) is other_member


def test_any_refusal_of_a_kept_number_is_said_without_it() -> None:
    error = FieldError("data.members[0].id_number", "whatever the check said", "校验结果")
    assert _unquoted(error, {"data.members[0].id_number": "50010319691105123X"}).message.startswith("does not agree")
