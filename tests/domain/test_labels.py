"""The one vocabulary table: every enumeration of RULES.md § Vocabulary labelled once per meaning, every
enumerated field of the validator and every observation kind named, and a value read by what it means."""

from __future__ import annotations

import re

from domain import labels, vocabulary
from domain.alerts.errors import InvalidTransition, InvalidValue
from domain.households.observations.kinds import DATA_FIELDS
from domain.households.observations.shapes import Spec, shape_of

ASCII_WORD = re.compile(r"[A-Za-z]{3,}")


def enumerated(kind: str, specs: tuple[Spec, ...], prefix: str = "") -> list[tuple[str, tuple[str, ...]]]:
    """(field path, allowed values) of every enumerated field of `kind`, nested objects and lists included."""
    found = []
    for spec in specs:
        shape = shape_of(spec.check)
        path = f"{prefix}{spec.name}"
        if shape.enum:
            found.append((path, tuple(shape.enum)))
        inner = shape_of(shape.items) if shape.type == "array" and shape.items is not None else shape
        if inner.fields:
            found += enumerated(kind, tuple(inner.fields), f"{path}.")
    return found


def test_each_enumeration_of_the_vocabulary_has_its_table() -> None:
    for name, meaning in labels.VOCABULARY_MEANINGS.items():
        assert set(labels.ENUMERATIONS[meaning]) == set(getattr(vocabulary, name)), name
    tuples = {name for name in dir(vocabulary) if name.isupper() and isinstance(getattr(vocabulary, name), tuple)
              and name not in ("OBSERVATION_KINDS",)}
    assert tuples <= set(labels.VOCABULARY_MEANINGS)


def test_every_enumerated_field_names_its_table_and_every_value_has_words() -> None:
    missing = []
    for kind, specs in DATA_FIELDS.items():
        for path, values in enumerated(kind, specs):
            words = [labels.field_value(kind, path, value) for value in values]
            if None in words or labels.field_name(kind, path)[0] == path:
                missing.append(f"{kind}.{path}")
    assert missing == []


def test_every_observation_kind_is_named_and_every_field_too() -> None:
    assert set(labels.OBSERVATION_KINDS) == set(vocabulary.OBSERVATION_KINDS)
    unnamed = [f"{kind}.{spec.name}" for kind, specs in DATA_FIELDS.items() for spec in specs
               if labels.field_name(kind, spec.name)[0] == spec.name]
    assert unnamed == []


def test_a_value_is_read_by_what_it_means() -> None:
    school = labels.field_value("resident.school_status_reported", "status", "enrolled")
    assert school == ("在校就读", "in school")
    assert labels.meaning_label("resolution", "enrolled") == ("已纳入救助", "enrolled")
    assert labels.field_value("resident.labour_capacity_assessed", "capacity", "partial")[0] == "部分丧失劳动能力"
    assert labels.field_value("resident.care_dependency_assessed", "level", "partial")[0] == "部分失能"
    assert labels.fact_value("care_level", "independent")[0] == "能自理"
    assert labels.field_value("resident.parent_status_reported", "father.status", "dead")[0] == "死亡"
    assert labels.field_value("household.registered", "address", "anything") is None
    assert labels.route_name("GET /households/{id}")[0] == "家庭档案页面"
    assert labels.route_name("GET /api/v1/unheard-of")[0] == "其他接口"


def test_the_chinese_words_hold_no_english() -> None:
    tables = [*labels.MEANINGS.values(), labels.OBSERVATION_KINDS, labels.FIELD_NAMES, labels.KIND_FIELD_NAMES,
              labels.FACT_LABELS]
    english = sorted({zh for table in tables for zh, _ in table.values() if ASCII_WORD.search(zh)})
    assert english == []


def test_a_refusal_names_the_state_and_the_step_in_words() -> None:
    refused = InvalidTransition("verified", "acknowledge").message_zh
    assert refused == "预警当前状态为「已核实」，不能签收"
    assert not ASCII_WORD.search(InvalidValue.not_one_of("outcome", "x", ("enrolled", "other")).message_zh)
