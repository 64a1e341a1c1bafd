"""Projections apply each event exactly once and can be dropped and rebuilt from zero."""

from __future__ import annotations


import pytest

from domain.alerts.alert import Alert
from domain.households.household import Household
from domain.alerts.application import AlertsApp
from domain.households.application import HouseholdsApp
from tests.projections.conftest import ViewsOn
from projections.runner import ProjectionRunner
from projections.view_store import ViewStore, advance

REGISTERED = {
    "observation_id": "o1", "informant": "t", "observed_at": "2025-08-03T10:00:00+08:00",
    "kind": "household.registered", "household": "H1", "resident": None,
    "data": {"region": "500103001001", "grid": "g", "address": "某街道", "hukou": "urban",
             "members": [{"resident": "R1", "name": "王某", "sex": "M", "birth_date": "1978-04-02",
                          "relation": "head", "id_number": "secret"}]},
}


def _apps() -> dict[str, object]:
    households = HouseholdsApp(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    alerts = AlertsApp(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    household = Household("H1", REGISTERED)
    household.observe(dict(REGISTERED, observation_id="o2", kind="resident.died", resident="R1",
                           data={"date": "2025-09-01"}))
    households.save(household)
    alert = Alert(household="H1", slot="MISSED.DIBAO|household:H1", episode=1, rule="MISSED.DIBAO", rule_version=1,
                  category="MISSED", severity="high", subject_kind="household", subject="H1", resident=None,
                  region="500103001001", raised_on="2025-09-01",
                  explanation={"title": {"zh": "标题", "en": "title"}})
    alert.clear(on="2025-09-02", event_ids=["o3"])
    alerts.save(alert)
    return {"households": households, "alerts": alerts}


def test_views_follow_the_stores_and_rebuild_identically(views_on: ViewsOn) -> None:
    views = views_on.open()
    runner = ProjectionRunner(_apps(), views)
    assert runner.run_once() == 4
    assert runner.caught_up() and runner.run_once() == 0
    before = views.query("SELECT * FROM alerts"), views.query("SELECT * FROM households")
    assert before[0][0]["status"] == "closed" and before[0][0]["close_reason"] == "condition_cleared"
    assert "secret" not in before[1][0]["members"] and '"status": "died"' in before[1][0]["members"]
    views.reset()
    assert views.query("SELECT * FROM alerts") == []
    runner.run_once()
    after = views.query("SELECT * FROM alerts"), views.query("SELECT * FROM households")
    assert after == before


def test_a_replayed_position_is_refused(views_on: ViewsOn) -> None:
    views = views_on.open()
    with views.transaction() as db:
        advance(db, "alerts", 5)
    with pytest.raises(ValueError, match="already applied"):
        with views.transaction() as db:
            advance(db, "alerts", 5)
    assert views.position("alerts") == 5
