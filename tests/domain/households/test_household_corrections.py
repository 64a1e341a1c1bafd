"""An informant corrects or retracts what they sent: the household keeps every version in its history,
and only what is in force is judged."""

from __future__ import annotations

from typing import Any

import pytest

from domain.households.household import CorrectionRefused, Household


def obs(oid: str, kind: str, data: dict[str, Any], by: str = "informant-1", resident: str | None = None) -> dict[str, Any]:
    return {"observation_id": oid, "informant": by, "observed_at": "2025-08-03T10:00:00+08:00", "kind": kind,
            "household": "H1", "resident": resident, "data": data}


REGISTRATION = obs("O1", "household.registered", {
    "region": "500103001001", "grid": "G3", "address": "某社区1号", "hukou": "urban",
    "members": [{"resident": "R1", "name": "陈某", "sex": "F", "birth_date": "1969-11-05", "relation": "head"}]})
INCOME = obs("O2", "household.income_reported", {"monthly_income": 500, "period": "2025-07"})


def household() -> Household:
    h = Household("H1", REGISTRATION)
    h.observe(INCOME)
    return h


def test_a_correction_takes_the_place_of_the_original_and_history_keeps_both() -> None:
    h = household()
    h.correct("O2", obs("O3", "household.income_reported", {"monthly_income": 5000, "period": "2025-07"}), "informant-1")
    assert [o["observation_id"] for o in h.observations] == ["O1", "O3"]
    assert h.observations[1]["corrects"] == "O2"
    assert h.withdrawn == {"O2": "O3"}
    corrected = [e for e in h.collect_events() if isinstance(e, Household.Corrected)]
    assert corrected[0].original["data"]["monthly_income"] == 500


def test_a_retraction_withdraws_the_observation() -> None:
    h = household()
    h.retract("O2", "informant-1", "录错了户")
    assert [o["observation_id"] for o in h.observations] == ["O1"]
    assert h.withdrawn == {"O2": None}


def test_the_state_replayed_from_the_events_is_the_same() -> None:
    h = household()
    h.correct("O2", obs("O3", "household.income_reported", {"monthly_income": 800, "period": "2025-07"}), "informant-1")
    h.retract("O3", "informant-1", "wrong household")
    events = h.collect_events()
    replayed = None
    for event in events:
        replayed = event.mutate(replayed)
    assert replayed.observations == h.observations and replayed.withdrawn == h.withdrawn


@pytest.mark.parametrize("attempt, status", [
    (lambda h: h.correct("O2", obs("O3", "household.income_reported", {"monthly_income": 1}), "informant-2"), 403),
    (lambda h: h.retract("O2", "caseworker-1", "not mine"), 403),
    (lambda h: h.retract("O9", "informant-1", "unknown"), 404),
    (lambda h: h.correct("O2", obs("O3", "household.hardship_reported", {"hardship": "x"}), "informant-1"), 422),
    (lambda h: h.retract("O1", "informant-1", "a registration"), 409),
])
def test_what_the_household_refuses(attempt: Any, status: int) -> None:
    h = household()
    with pytest.raises(CorrectionRefused) as refused:
        attempt(h)
    assert refused.value.status == status and refused.value.message_zh
    assert [o["observation_id"] for o in h.observations] == ["O1", "O2"]


def test_a_withdrawn_observation_cannot_be_corrected_again() -> None:
    h = household()
    h.correct("O2", obs("O3", "household.income_reported", {"monthly_income": 900}), "informant-1")
    with pytest.raises(CorrectionRefused, match="corrected by O3"):
        h.correct("O2", obs("O4", "household.income_reported", {"monthly_income": 700}), "informant-1")
    h.retract("O3", "informant-1", "wrong")
    with pytest.raises(CorrectionRefused, match="retracted"):
        h.retract("O3", "informant-1", "again")


def test_a_registration_correction_keeps_region_grid_and_resident_ids() -> None:
    h = household()
    fixed = obs("O5", "household.registered", {**REGISTRATION["data"], "members": [
        {**REGISTRATION["data"]["members"][0], "name": "陈某某"}]})
    h.correct("O1", fixed, "informant-1")
    assert h.observations[0]["data"]["members"][0]["name"] == "陈某某"
    moved = obs("O6", "household.registered", {**REGISTRATION["data"], "grid": "G4"})
    with pytest.raises(CorrectionRefused) as refused:
        h.correct("O5", moved, "informant-1")
    assert refused.value.field == "data.grid"
    renumbered = obs("O7", "household.registered", {**REGISTRATION["data"], "members": [
        {**REGISTRATION["data"]["members"][0], "resident": "R9"}]})
    with pytest.raises(CorrectionRefused) as refused:
        h.correct("O5", renumbered, "informant-1")
    assert refused.value.field == "data.members"


def test_a_joined_resident_still_named_elsewhere_cannot_be_retracted() -> None:
    h = household()
    h.observe(obs("O8", "resident.joined", {"name": "陈小", "sex": "M", "birth_date": "2015-01-01",
                                           "relation": "child"}, resident="R2"))
    h.observe(obs("O9", "resident.illness_reported", {"condition": "cancer"}, resident="R2"))
    with pytest.raises(CorrectionRefused, match="still name resident R2"):
        h.retract("O8", "informant-1", "wrong")
    h.retract("O9", "informant-1", "wrong")
    h.retract("O8", "informant-1", "wrong")
    assert [o["observation_id"] for o in h.observations] == ["O1", "O2"]
