"""Explanations shown to masked roles leave out facts that move on a birthday, and say so in their text."""

from __future__ import annotations

from domain.privacy import FULL, MASKED
from rules.explanation import shown_alert, shown_explanation

WHY = {"rule": "LAPSED.AGE_OUT", "title": {"zh": "即将成年", "en": "Turning 18"},
       "text": {"zh": "即将成年。年龄：17；满十八周岁日期：2025-08-20；距满十八周岁天数：16；未成年时纳入保障：是",
                "en": "Turning 18. age: 17; 18th birthday: 2025-08-20; days until the 18th birthday: 16; "
                      "enrolled as a minor: yes"},
       "judged_on": "2025-08-04",
       "facts": {"age": 17, "adult_on": "2025-08-20", "days_to_adulthood": 16, "enrolled_as_minor": True}}


def test_a_masked_role_sees_the_explanation_without_birthday_facts() -> None:
    shown = shown_explanation(WHY, MASKED)
    assert shown is not None and shown["facts"] == {"enrolled_as_minor": True}
    assert shown["text"] == {"zh": "即将成年。未成年时纳入保障：是", "en": "Turning 18. enrolled as a minor: yes"}
    assert shown["rule"] == "LAPSED.AGE_OUT" and WHY["facts"]["age"] == 17  # the stored one is unchanged


def test_the_caseworker_sees_it_whole_and_nothing_is_made_up() -> None:
    assert shown_explanation(WHY, FULL) is WHY
    plain = {**WHY, "facts": {"pc_income": 500}}
    assert shown_explanation(plain, MASKED) is plain and shown_explanation(None, MASKED) is None
    assert shown_alert({"alert_id": "a", "explanation": WHY}, MASKED)["explanation"]["facts"] == {
        "enrolled_as_minor": True}
