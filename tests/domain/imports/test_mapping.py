"""Mapping files, as a specification: what a mapping says once loaded, and every mistake in one refused with a
message naming it (English and Chinese), so a typo is found when the mapping is loaded, not in every row."""

from __future__ import annotations

import textwrap

import pytest

from domain.imports.mapping import (DEFAULT_DATE_FORMATS, FieldRule, LeadRule, Mapping, MappingError, Range,
                                    load_mapping, load_mapping_file)

DISABILITY = textwrap.dedent("""\
    department: disabled_federation
    name_zh: 残疾人联合会
    name_en: Disabled Persons' Federation
    kind: resident.disability_assessed
    record_key: [残疾证号]
    person:
      id_number: 公民身份号码
      name: 姓名
      region: 户籍地行政区划代码
      address: 户籍地址
    fields:
      category:
        column: 残疾类别
        values: {1: visual, 4: physical, 肢体残疾: physical}
      grade:
        column: 残疾等级
        values: {一级: 1, 二级: 2, 三级: 3, 四级: 4}
      certified: {constant: true}
    lead:
      when: {grade: [1, 2]}
      what_zh: 一级或二级残疾人证，户籍在辖区但无人上报
      what_en: Grade 1 or 2 disability certificate, nobody has reported the person
    """)


def with_lines(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new)


def refusal(text: str) -> MappingError:
    with pytest.raises(MappingError) as caught:
        load_mapping(text, "test.yaml")
    assert caught.value.message_zh and str(caught.value) == caught.value.message
    assert caught.value.message.startswith("test.yaml: ")
    return caught.value


def test_a_mapping_reads_as_its_parts() -> None:
    mapping = load_mapping(DISABILITY)
    assert isinstance(mapping, Mapping)
    assert (mapping.department, mapping.kind, mapping.sheet) == ("disabled_federation", "resident.disability_assessed", None)
    assert (mapping.id_number, mapping.name, mapping.region, mapping.address) == ("公民身份号码", "姓名", "户籍地行政区划代码", "户籍地址")
    assert mapping.record_key == ("残疾证号",)
    assert mapping.date_formats == DEFAULT_DATE_FORMATS
    assert mapping.fields["category"] == FieldRule(column="残疾类别", values={"1": "visual", "4": "physical", "肢体残疾": "physical"})
    assert mapping.fields["grade"].type == "int" and mapping.fields["grade"].values["二级"] == 2
    assert mapping.fields["certified"] == FieldRule(constant=True, type="bool")
    assert mapping.lead == LeadRule(when={"grade": (1, 2)}, what_zh="一级或二级残疾人证，户籍在辖区但无人上报",
                                    what_en="Grade 1 or 2 disability certificate, nobody has reported the person")


def test_headers_are_every_column_read_once_in_order() -> None:
    mapping = load_mapping(DISABILITY)
    assert mapping.headers() == ("残疾证号", "公民身份号码", "姓名", "户籍地行政区划代码", "户籍地址", "残疾类别", "残疾等级")


def test_a_field_given_as_a_header_is_read_by_the_fields_type() -> None:
    text = textwrap.dedent("""\
        department: medical_insurance
        name_zh: 医疗保障局
        name_en: Healthcare Security Administration
        kind: household.expense_reported
        person: {id_number: 身份证号}
        date_formats: ["%d.%m.%Y"]
        fields:
          kind: {constant: medical}
          amount: 个人自付金额
          date: 结算日期
        lead: {when: {amount: {min: 20000}}, what_zh: 大额自付, what_en: large bill}
        """)
    mapping = load_mapping(text)
    assert mapping.fields["amount"] == FieldRule(column="个人自付金额", type="money")
    assert mapping.fields["date"].type == "date"
    assert mapping.record_key == () and mapping.date_formats == ("%d.%m.%Y",)
    assert mapping.lead is not None and mapping.lead.when == {"amount": Range(min=20000)}
    assert mapping.lead.holds({"amount": 20000.0}) and not mapping.lead.holds({"amount": 19999.99})


def test_lead_conditions_compare_as_json_values() -> None:
    rule = LeadRule(when={"grade": (1, 2), "certified": (True,)}, what_zh="", what_en="")
    assert rule.holds({"grade": 2, "certified": True})
    assert rule.holds({"grade": 2.0, "certified": True})
    assert not rule.holds({"grade": 3, "certified": True})
    assert not rule.holds({"grade": 1, "certified": 1})  # 1 is not true
    assert LeadRule(when={}, what_zh="", what_en="").holds({})


def test_an_unknown_kind_is_refused_with_the_closest_kind() -> None:
    error = refusal(with_lines(DISABILITY, "kind: resident.disability_assessed", "kind: resident.disability_assesed"))
    assert "unknown kind 'resident.disability_assesed'" in error.message
    assert "did you mean resident.disability_assessed?" in error.message
    assert "未知的观察类型" in error.message_zh


@pytest.mark.parametrize("kind", ["household.registered", "resident.joined", "clock.tick"])
def test_kinds_that_create_subjects_cannot_be_imported(kind: str) -> None:
    error = refusal(with_lines(DISABILITY, "kind: resident.disability_assessed", f"kind: {kind}"))
    assert f"kind {kind} cannot be imported" in error.message


def test_a_field_not_of_the_kind_is_refused_naming_the_kinds_fields() -> None:
    error = refusal(with_lines(DISABILITY, "  certified: {constant: true}", "  certified: {constant: true}\n  date: 发证日期"))
    assert "field 'date' is not a data field of resident.disability_assessed" in error.message
    assert "category, grade, certified" in error.message
    assert "不是 resident.disability_assessed 的数据字段" in error.message_zh


def test_a_misspelt_field_gets_a_hint() -> None:
    error = refusal(with_lines(DISABILITY, "  grade:\n", "  grdae:\n"))
    assert "did you mean grade?" in error.message


def test_a_required_field_left_unmapped_is_refused() -> None:
    error = refusal(with_lines(DISABILITY, "  certified: {constant: true}\n", ""))
    assert "missing: certified" in error.message and "缺少：certified" in error.message_zh


def test_an_unknown_type_is_refused() -> None:
    error = refusal(with_lines(DISABILITY, "    column: 残疾等级\n", "    column: 残疾等级\n    type: decimal\n"))
    assert "unknown type 'decimal'" in error.message and "text, int, money, date, month, bool" in error.message


def test_a_type_that_does_not_fit_the_field_is_refused() -> None:
    error = refusal(with_lines(DISABILITY, "    column: 残疾等级\n", "    column: 残疾等级\n    type: date\n"))
    assert "type date does not fit grade of resident.disability_assessed, which is int" in error.message


def test_a_missing_id_number_column_is_refused() -> None:
    error = refusal(with_lines(DISABILITY, "  id_number: 公民身份号码\n", ""))
    assert "person.id_number is required" in error.message and "身份证号" in error.message_zh


def test_a_mapping_without_person_is_refused() -> None:
    text = "\n".join(line for line in DISABILITY.splitlines() if not line.startswith(("person:", "  id_number",
                                                                                       "  name:", "  region", "  address")))
    assert "person.id_number is required" in refusal(text).message


def test_a_value_map_value_outside_the_vocabulary_is_refused() -> None:
    error = refusal(with_lines(DISABILITY, "4: physical,", "4: physicl,"))
    assert "fields.category.values['4']: 'physicl' must be one of: physical, visual" in error.message


def test_a_constant_outside_the_vocabulary_is_refused() -> None:
    error = refusal(with_lines(DISABILITY, "certified: {constant: true}", "certified: {constant: 'yes'}"))
    assert "fields.certified.constant: 'yes' must be true or false" in error.message


def test_a_rule_with_both_column_and_constant_is_refused() -> None:
    error = refusal(with_lines(DISABILITY, "certified: {constant: true}", "certified: {constant: true, column: 持证}"))
    assert "exactly one of column and constant" in error.message


def test_a_lead_condition_on_a_field_not_mapped_is_refused() -> None:
    error = refusal(with_lines(DISABILITY, "when: {grade: [1, 2]}", "when: {level: [1, 2]}"))
    assert "lead.when names 'level'" in error.message


def test_a_lead_condition_value_outside_the_vocabulary_is_refused() -> None:
    error = refusal(with_lines(DISABILITY, "when: {grade: [1, 2]}", "when: {grade: [1, 5]}"))
    assert "lead.when.grade: 5 must be from 1 to 4" in error.message


def test_a_lead_range_needs_a_number() -> None:
    assert "min or max" in refusal(with_lines(DISABILITY, "when: {grade: [1, 2]}", "when: {grade: {min: high}}")).message


def test_unknown_keys_are_refused_not_ignored() -> None:
    error = refusal(with_lines(DISABILITY, "record_key:", "recordkey:"))
    assert "unknown key 'recordkey'" in error.message and "did you mean record_key?" in error.message


def test_a_department_is_a_code() -> None:
    assert "department must be a code" in refusal(with_lines(DISABILITY, "department: disabled_federation", "department: 残联")).message


def test_member_references_are_not_mappable() -> None:
    text = textwrap.dedent("""\
        department: x
        name_zh: 某部门
        name_en: Some department
        kind: household.emergency_reported
        person: {id_number: 身份证号}
        fields: {kind: {constant: fire}, date: 日期, resident: 居民}
        """)
    assert "names our resident ids" in refusal(text).message


def test_yaml_that_is_not_a_mapping_is_refused() -> None:
    assert "not valid YAML" in refusal("department: [unclosed").message
    assert "a mapping file is a YAML mapping" in refusal("- a list").message


def test_a_file_is_read_and_named_in_its_messages(tmp_path) -> None:  # noqa: ANN001
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text(DISABILITY, encoding="utf-8")
    bad.write_text(with_lines(DISABILITY, "kind: resident.disability_assessed", "kind: nothing"), encoding="utf-8")
    assert load_mapping_file(good).department == "disabled_federation"
    with pytest.raises(MappingError, match=r"^bad\.yaml: unknown kind"):
        load_mapping_file(bad)
    with pytest.raises(MappingError, match="cannot read"):
        load_mapping_file(tmp_path / "absent.yaml")
