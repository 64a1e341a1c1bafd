"""Integration events carry no personal data: ids, kinds, field names, codes, positions (issue 14 § 10)."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from domain.alerts.alert import Alert
from domain.households.household import Household
from domain.households.observations.kinds import DATA_FIELDS
from domain.households.observations.shapes import Spec, shape_of
from domain.vocabulary import OBSERVATION_KINDS
from infra.kafka.integration_events import OBSERVATION_KEYS, SCHEMA, to_integration_event
from infra.kafka.json_codec import encode_json

NAME, ID_NUMBER, ADDRESS = "陈晓梅", "50010319691105123X", "渝中区七星岗街道某社区1号"
CODES = {"region": "500103001001", "grid": "500103001001-03"}
_serial = itertools.count(1)


def personal(spec: Spec, secrets: list[Any]) -> Any:
    """A value for one field that could only come from this observation (strings, numbers and dates are
    remembered to be looked for in the published bytes; enumerations and flags are vocabulary)."""
    shape = shape_of(spec.check)
    if shape.enum:
        return shape.enum[-1]
    if shape.type == "boolean":
        return True
    if shape.type == "object":
        return {s.name: personal(s, secrets) for s in shape.fields}
    if shape.type == "array":
        item = shape.items
        inner = personal(Spec("item", item), secrets) if item is not None and hasattr(item, "shape") else "R-x"
        return [inner]
    if spec.name in CODES:
        return CODES[spec.name]  # codes of the jurisdiction tree: published on purpose
    value: Any
    if shape.type in ("number", "integer"):
        value = 900000 + next(_serial) * 7
    elif shape.format == "date":
        value = f"19{30 + next(_serial) % 60:02d}-0{1 + next(_serial) % 9}-1{next(_serial) % 10}"
    else:
        value = {"name": NAME, "id_number": ID_NUMBER, "address": ADDRESS}.get(spec.name, f"秘密{next(_serial)}号")
    secrets.append(value)
    return value


def observation(kind: str, secrets: list[Any]) -> dict[str, Any]:
    data = {spec.name: personal(spec, secrets) for spec in DATA_FIELDS[kind]}
    if kind == "household.registered":
        data["members"] = [{**data["members"][0], "resident": "R-1"}]
    return {"observation_id": f"o-{kind}", "informant": "grid-3", "observed_at": "2026-11-02T09:00:00+08:00",
            "kind": kind, "household": "H-1", "resident": "R-1" if kind.startswith("resident.") else None, "data": data}


def published(kind: str) -> tuple[list[dict[str, Any]], list[Any]]:
    """Registered, observed, corrected and retracted records of one observation of `kind`, and its values."""
    secrets: list[Any] = []
    household = Household("H-1", observation("household.registered", secrets))
    if kind != "household.registered":
        household.observe(observation(kind, secrets))
    original = f"o-{kind}"
    corrected = {**observation(kind, secrets), "observation_id": f"{original}-2", "corrects": original}
    household._corrected(original_id=original, original=household.observations[-1], observation=corrected)
    household._retracted(original_id=f"{original}-2", original=corrected, by="grid-3", reason=f"录错了：{NAME}")
    secrets.append(f"录错了：{NAME}")
    events = household.collect_events()
    return [r for r in (to_integration_event("households", i, e) for i, e in enumerate(events, 1)) if r], secrets


@pytest.mark.parametrize("kind", OBSERVATION_KINDS)
def test_no_value_an_observation_reported_is_published(kind: str) -> None:
    records, secrets = published(kind)
    assert [r["type"] for r in records][-2:] == ["household.corrected", "household.retracted"]
    raw = b"".join(encode_json(r) for r in records).decode()
    for value in {str(s) for s in secrets}:
        assert value not in raw, (kind, value)
    for piece in (NAME, NAME[1:], ID_NUMBER, ID_NUMBER[-4:], ADDRESS, "1969-11-05"):
        assert piece not in raw
    for record in records:
        assert record["schema"] == SCHEMA and "data" not in record.get("observation", {})
        if "observation" in record:
            assert set(record["observation"]) == {*OBSERVATION_KEYS, "fields"}
            assert record["observation"]["fields"] == sorted(s.name for s in DATA_FIELDS[record["observation"]["kind"]])


def test_a_registration_says_where_and_who_by_id() -> None:
    records, _ = published("household.registered")
    registered = records[0]
    assert registered["type"] == "household.registered"
    assert (registered["region"], registered["grid"], registered["residents"]) == (
        "500103001001", "500103001001-03", ["R-1"])
    assert registered["observation"] == {
        "observation_id": "o-household.registered", "kind": "household.registered", "household": "H-1",
        "resident": None, "informant": "grid-3", "observed_at": "2026-11-02T09:00:00+08:00",
        "fields": ["address", "grid", "hukou", "local_hukou", "members", "region"]}
    assert registered["household"] == "H-1" and registered["position"] == 1


def test_the_store_keeps_the_whole_record() -> None:
    secrets: list[Any] = []
    household = Household("H-1", observation("household.registered", secrets))
    assert household.observations[0]["data"]["members"][0]["name"] == NAME


def test_clock_ticks_keep_their_date() -> None:
    from domain.households.clock import Clock

    clock = Clock()
    clock.tick("2026-11-30", "tick-1")
    records = [to_integration_event("households", i, e) for i, e in enumerate(clock.collect_events(), 1)]
    assert [r["date"] for r in records if r and r["type"] == "clock.ticked"] == ["2026-11-30"]


def test_every_workflow_step_is_published_without_its_free_text() -> None:
    alert = Alert(household="H-1", slot="MISSED.DIBAO|household:H-1", episode=1, rule="MISSED.DIBAO", rule_version=1,
                  category="MISSED", severity="high", subject_kind="household", subject="H-1", resident=None,
                  region="500103001001", raised_on="2026-11-02", explanation={"facts": {"pc_income": 321.5}},
                  grid="500103001001-03")
    alert.assign(to="cw-1", by="sup-1", on="2026-11-02")
    alert.request_verification(by="cw-1", on="2026-11-03")
    alert.record_verification(outcome="found_as_reported", note="陈晓梅家中断粮", by="grid-3", on="2026-11-04")
    alert.resolve(outcome="enrolled", by="cw-1", on="2026-11-05", note="已为陈晓梅办理低保")
    alert.reopen(reason="陈晓梅收入核错", by="sup-1", on="2026-11-06")
    published = [to_integration_event("alerts", i, e, lambda _: "H-1") for i, e in enumerate(alert.collect_events())]
    assert [p["type"] for p in published if p] == ["alert.raised", "alert.assigned", "alert.verification_requested",
                                                    "alert.verification_recorded", "alert.resolved", "alert.reopened"]
    assert published[3]["alert"]["outcome"] == "found_as_reported" and published[4]["alert"]["by"] == "cw-1"
    raw = b"".join(encode_json(p) for p in published if p).decode()
    assert NAME not in raw and "321.5" not in raw
