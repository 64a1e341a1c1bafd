"""Integration events stay small: an observation too large for a Kafka record loses its data, not its ids."""

from __future__ import annotations

from infra.kafka.integration_events import MAX_RECORD_BYTES, compact
from infra.kafka.json_codec import encode_json


def observed(note: str) -> dict:
    return {"schema": "qianshao.event/1", "event_id": "households:7", "source": "households", "position": 7,
            "type": "household.observed", "household": "H-1", "occurred_at": "2026-11-02T01:00:00+00:00",
            "observation": {"observation_id": "o-7", "kind": "visit.recorded", "household": "H-1",
                            "observed_at": "2026-11-02T09:00:00+08:00", "data": {"note": note, "visitor": "g-1"}}}


def test_a_small_record_is_published_as_it_is() -> None:
    record = observed("家中一切正常")
    assert compact(record) is record


def test_a_record_over_the_limit_keeps_ids_kind_and_field_names_only() -> None:
    record = observed("长" * MAX_RECORD_BYTES)
    slim = compact(record)
    assert len(encode_json(slim)) < 1024 < MAX_RECORD_BYTES < len(encode_json(record))
    assert slim["observation"] == {"observation_id": "o-7", "kind": "visit.recorded", "household": "H-1",
                                   "observed_at": "2026-11-02T09:00:00+08:00", "data_omitted": True,
                                   "fields": ["note", "visitor"]}
    assert {k: v for k, v in slim.items() if k != "observation"} == {
        k: v for k, v in record.items() if k != "observation"}


def test_clock_ticks_are_never_touched() -> None:
    tick = {"type": "clock.ticked", "date": "2026-11-30", "position": 9}
    assert compact(tick) is tick


def test_every_workflow_step_is_published() -> None:
    from domain.alert import Alert
    from infra.kafka.integration_events import to_integration_event

    alert = Alert(household="H-1", slot="MISSED.DIBAO|household:H-1", episode=1, rule="MISSED.DIBAO", rule_version=1,
                  category="MISSED", severity="high", subject_kind="household", subject="H-1", resident=None,
                  region="500103001001", raised_on="2026-11-02", explanation={}, grid="500103001001-03")
    alert.assign(to="cw-1", by="sup-1", on="2026-11-02")
    alert.request_verification(by="cw-1", on="2026-11-03")
    alert.record_verification(outcome="found_as_reported", note="属实", by="grid-3", on="2026-11-04")
    alert.resolve(outcome="enrolled", by="cw-1", on="2026-11-05", note="已纳入低保")
    published = [to_integration_event("alerts", i, e, lambda _: "H-1") for i, e in enumerate(alert.collect_events())]
    assert [p["type"] for p in published if p] == ["alert.raised", "alert.assigned", "alert.verification_requested",
                                                    "alert.verification_recorded", "alert.resolved"]
    assert published[3]["alert"]["outcome"] == "found_as_reported" and published[4]["alert"]["by"] == "cw-1"


def test_published_observations_carry_no_names_or_id_numbers() -> None:
    from domain.household import Household
    from infra.kafka.integration_events import to_integration_event

    registration = {"observation_id": "o-1", "informant": "g-1", "observed_at": "2026-11-02T09:00:00+08:00",
                    "kind": "household.registered", "household": "H-1", "resident": None,
                    "data": {"region": "500103001001", "grid": "500103001001-03", "hukou": "urban", "members": [
                        {"resident": "R-1", "name": "陈晓梅", "id_number": "50010319691105123X", "sex": "F",
                         "birth_date": "1969-11-05", "relation": "head"}]}}
    household = Household("H-1", registration)
    (registered,) = household.collect_events()
    record = to_integration_event("households", 1, registered)
    (member,) = record["observation"]["data"]["members"]
    assert (member["name"], member["id_number"]) == ("陈**", "5001**********123X")
    assert member["resident"] == "R-1" and member["birth_date"] == "1969-11-05"
    assert "陈晓梅" not in encode_json(record).decode() and "50010319691105123X" not in encode_json(record).decode()
    assert household.observations[0]["data"]["members"][0]["name"] == "陈晓梅"  # the store keeps the full record
