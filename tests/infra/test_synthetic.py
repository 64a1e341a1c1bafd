"""The synthetic district is reproducible, valid for intake, and shaped as documented."""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

from stdnum.cn import ric

from domain.observation import parse_observation
from infra.synthetic import STANDARD, generate_district

AS_OF = date(2025, 11, 30)


class Registry:
    def __init__(self) -> None:
        self.households: set[str] = set()
        self.residents: dict[str, str] = {}

    def household_exists(self, household_id: str) -> bool:
        return household_id in self.households

    def resident_household(self, resident_id: str) -> str | None:
        return self.residents.get(resident_id)


def district(seed: int = 2026, households: int = 600) -> list[dict[str, Any]]:
    return generate_district(seed=seed, households=households, as_of=AS_OF)


def test_same_seed_same_district_other_seed_other_district() -> None:
    assert district() == district()
    assert district(seed=1) != district()


def test_every_envelope_passes_intake_validation_in_order() -> None:
    registry, now = Registry(), datetime(2026, 1, 1, tzinfo=timezone.utc)
    for envelope in district():
        observation = parse_observation(envelope, registry, now=now)
        if observation.kind == "household.registered":
            registry.households.add(observation.household or "")
            registry.residents.update({m["resident"]: observation.household for m in observation.data["members"]})


def test_id_numbers_are_valid_and_match_birth_dates() -> None:
    members = [m for e in district() if e["kind"] == "household.registered" for m in e["data"]["members"]]
    numbered = [m for m in members if "id_number" in m]
    assert len(numbered) > 0.8 * len(members)
    for member in numbered:
        number = member["id_number"]
        assert number[-1] == ric.calc_check_digit(number)
        assert ric.get_birth_date(number).isoformat() == member["birth_date"]


def test_nothing_is_observed_after_as_of() -> None:
    assert max(datetime.fromisoformat(e["observed_at"]).date() for e in district()) <= AS_OF


def test_income_and_age_shapes_are_as_documented() -> None:
    envelopes = district(households=3000)
    registered = {e["household"]: e["data"] for e in envelopes if e["kind"] == "household.registered"}
    income = {e["household"]: e["data"]["monthly_income"] for e in envelopes if e["kind"] == "household.income_reported"}
    below = sum(income[h] / len(d["members"]) < STANDARD[d["hukou"]] for h, d in registered.items())
    assert 0.03 < below / len(registered) < 0.10
    ages = [AS_OF.year - int(m["birth_date"][:4]) for d in registered.values() for m in d["members"]]
    assert 0.12 < sum(a >= 60 for a in ages) / len(ages) < 0.35
    assert 0.01 < sum(a >= 80 for a in ages) / len(ages) < 0.08
