"""Every word the pages show has its Chinese: the rules' plain descriptions and choices, parameter labels,
and every field and choice of the informant's forms (which are generated from the validator's table)."""

from __future__ import annotations

import re

from api.pages import forms
from api.pages.i18n import (MESSAGES, TERMS, field_name, field_value, parameter_name, rule_title, term, text,
                            week_name)
from domain.policy.parameters import ParameterTable
from rules.catalog import CATALOG
from rules.plain_language import CHOICES_ZH, LOOKS_FOR, PARAMETER_LABELS, choice_text


def test_every_rule_says_what_it_looks_for_and_every_choice_is_in_chinese() -> None:
    assert {rule.id for rule in CATALOG} <= set(LOOKS_FOR)
    untranslated = [c for rule in CATALOG for c in rule.choices if c not in CHOICES_ZH]
    assert untranslated == []
    choice = CATALOG[0].choices[0]
    assert choice_text(choice, "en") == choice and choice_text(choice, "zh") != choice


def test_every_parameter_has_a_label() -> None:
    assert set(ParameterTable().names()) <= set(PARAMETER_LABELS)


def test_every_form_field_and_choice_has_its_words() -> None:
    fields = [f for form in forms.report_forms() for f in form.fields]
    fields += [*forms.registration_fields(), *forms.member_fields(0)]
    missing = {f.path for f in fields if field_name(f.kind, f.path, "zh") == f.path}
    missing |= {f"{f.kind}.{f.path}={c}" for f in fields for c in f.choices if field_value(f.kind, f.path, c, "zh") == c}
    assert missing == set()
    assert {form.kind for form in forms.report_forms()} <= set(TERMS)
    hardship = {f.path: f for f in forms.report_form("household.hardship_reported").fields}
    assert field_value(hardship["signal"].kind, "signal", "other", "zh") == "其他困难"


def test_the_form_follows_the_validators_shapes() -> None:
    income = {f.name: f for f in forms.report_form("household.income_reported").fields}
    assert income["data.monthly_income"].control == "number" and income["data.monthly_income"].minimum == 0
    assert income["data.period"].control == "month"
    assert income["data.income_type"].choices == ("stable", "irregular")
    illness = {f.name: f for f in forms.report_form("resident.illness_reported").fields}
    assert illness["data.serious"].control == "boolean" and illness["data.date"].control == "date"
    assert forms.report_form("resident.illness_reported").about_resident
    assert not forms.report_form("household.visited").about_resident


def test_both_languages_and_placeholders() -> None:
    assert all(len(pair) == 2 and all(pair) for pair in MESSAGES.values())
    assert text("sla_days_left", "zh", n=2) == "剩余 2 天" and text("sla_days_left", "en", n=2) == "2 days left"
    assert term("critical", "zh") == "特急" and term("unheard-of", "zh") == "unheard-of"
    assert term("household", "zh") == "家庭" and term("resident", "zh") == "居民"


def test_the_catalogs_chinese_sentences_cite_no_id_key_or_english_word() -> None:
    """A rule id or a parameter key may stand beside its name in a `<code>`, never inside a sentence (issue 18)."""
    sentences = [zh for zh, _ in LOOKS_FOR.values()] + list(CHOICES_ZH.values())
    sentences += [zh for zh, _ in PARAMETER_LABELS.values()]
    english = [s for s in sentences if re.search(r"[A-Za-z]{3,}|[a-z]+\.[a-z_]+", s)]
    assert english == []
    assert rule_title("MISSED.DIBAO", "zh") == "收入低于低保标准但未纳入低保"
    assert parameter_name("dibao.standard_monthly.urban", "zh").startswith("城市低保标准")
    assert week_name("2026-W38", "zh") == "9月第3周" and week_name("2025-W48", "zh") == "11月第4周"
    assert week_name("2025-W48", "en") == "week of 24 Nov" and week_name("not a week", "zh") == "not a week"
