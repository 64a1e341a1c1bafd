"""The informant's own list: every observation they sent, newest recorded first, each marked in force,
corrected (by which) or retracted (when, why); the reason is sealed when the views have a key, and the
list rebuilds identically."""

from __future__ import annotations

from typing import Any

from domain.households.household import Household
from domain.households.application import HouseholdsApp
from tests.projections.conftest import ViewsOn
from projections.runner import ProjectionRunner
from projections.sealing import PREFIX, Sealer
from projections.submissions import submissions_of
from projections.view_store import ViewStore

REGISTERED: dict[str, Any] = {
    "observation_id": "o1", "informant": "grid-1", "observed_at": "2025-08-03T10:00:00+08:00",
    "kind": "household.registered", "household": "H1", "resident": None,
    "data": {"region": "500103001001", "grid": "g", "address": "某街道", "hukou": "urban",
             "members": [{"resident": "R1", "name": "王某", "sex": "M", "birth_date": "1978-04-02",
                          "relation": "head", "id_number": "secret"}]},
}


def income(oid: str, amount: int, by: str = "grid-1") -> dict[str, Any]:
    return dict(REGISTERED, observation_id=oid, informant=by, kind="household.income_reported",
                data={"monthly_income": amount, "period": "2025-07", "income_type": "stable", "source": "declared"})


class Reversing:
    """A stand-in cipher: enough to tell a sealed value from a plain one."""

    def encrypt(self, plaintext: bytes) -> bytes:
        return plaintext[::-1]

    def decrypt(self, ciphertext: bytes) -> bytes:
        return ciphertext[::-1]


def test_each_observation_sent_with_its_status(views_on: ViewsOn) -> None:
    households = HouseholdsApp(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    household = Household("H1", REGISTERED)
    household.observe(income("o2", 500))
    household.observe(income("o3", 900))
    household.observe(income("o4", 100, by="grid-2"))
    households.save(household)
    household.correct("o2", income("o2b", 5000), "grid-1")
    household.retract("o3", "grid-1", "录错了户")
    households.save(household)
    views = views_on.open("views", Sealer(Reversing()))
    ProjectionRunner({"households": households}, views).run_once()

    total, rows = submissions_of(views, "grid-1")
    assert total == 4  # the registration, two incomes and the correction of one
    by_id = {r["observation_id"]: r for r in rows}
    assert (by_id["o1"]["status"], by_id["o1"]["kind"]) == ("in_force", "household.registered")
    assert (by_id["o2"]["status"], by_id["o2"]["corrected_by"]) == ("corrected", "o2b")
    assert (by_id["o2b"]["status"], by_id["o2b"]["corrects"]) == ("in_force", "o2")
    assert (by_id["o3"]["status"], by_id["o3"]["retracted_reason"]) == ("retracted", "录错了户")
    assert by_id["o3"]["retracted_at"] is not None
    assert [r["recorded_at"] for r in rows] == sorted((r["recorded_at"] for r in rows), reverse=True)
    assert submissions_of(views, "grid-2")[0] == 1
    with views_on.raw() as raw:  # as stored (views.query opens sealed values)
        stored = raw.execute("SELECT retracted_reason FROM submissions WHERE observation_id = 'o3'").fetchone()[0]
    assert stored.startswith(PREFIX)  # the free text is not in the file in the clear

    before = views.query("SELECT * FROM submissions ORDER BY observation_id")
    views.reset()
    ProjectionRunner({"households": households}, views).run_once()
    after = views.query("SELECT * FROM submissions ORDER BY observation_id")
    assert [dict(r, retracted_reason=None) for r in after] == [dict(r, retracted_reason=None) for r in before]
    assert submissions_of(views, "grid-1")[1][0]["observation_id"] == rows[0]["observation_id"]
