"""A household copied from the repository's cache is a household of its own: what one copy records or
corrects the other does not see, though they share the (never changed) observations themselves."""

from __future__ import annotations

from copy import deepcopy

from eventsourcing.application import Application

from domain.households.household import Household
from tests.domain.households.test_household_corrections import INCOME, household, obs

VISIT = obs("O9", "household.visited", {"purpose": "routine"})


def test_a_copy_records_and_corrects_apart_from_its_original() -> None:
    original = household()
    copy = deepcopy(original)
    copy.observe(VISIT)
    copy.correct("O2", {**INCOME, "observation_id": "O2b", "data": {"monthly_income": 900, "period": "2025-07"}},
                 by="informant-1")
    assert [o["observation_id"] for o in original.observations] == ["O1", "O2"]
    assert original.withdrawn == {} and copy.withdrawn == {"O2": "O2b"}
    assert [o["observation_id"] for o in copy.observations] == ["O1", "O2b", "O9"]
    assert len(copy.collect_events()) == len(original.collect_events()) + 2


def test_the_repository_cache_hands_out_copies_that_do_not_leak_into_it() -> None:
    app = Application(env={"AGGREGATE_CACHE_MAXSIZE": "10"})
    app.save(household())
    first = app.repository.get(Household.id_for("H1"))
    first.observe(VISIT)  # changed, never saved
    again = app.repository.get(Household.id_for("H1"))
    assert [o["observation_id"] for o in again.observations] == ["O1", "O2"]
    assert again.version == first.version - 1
    assert again.observations[0] is first.observations[0]  # shared, as nothing changes one in place
