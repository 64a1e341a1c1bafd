"""The authorizer judges on the stores (real SQLite), not the views: where a household lies, which alerts a
principal reaches, and every refusal recorded with its reason."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest

from domain.identity.access import Principal
from domain.audit.access_log import NOT_FOUND, OUTSIDE_JURISDICTION, REFUSED
from domain.alerts.alert import Alert, AlertBook
from domain.identity.authorizer import OutOfReach, Place
from infra.bootstrap import bootstrap
from infra.runtime import Runtime
from infra.settings import Settings

GRID = "500103001001-03"
ROUTE = "GET /test/{id}"
CASEWORKER = Principal("cw-1", "caseworker", "500103001")
OUTSIDER = Principal("cw-2", "caseworker", "500103002")
INFORMANT = Principal("grid-3", "informant", GRID)
OTHER_INFORMANT = Principal("grid-4", "informant", "500103001001-04")
AUDITOR = Principal("aud", "auditor", "0")
REGISTRATION = {"observation_id": "az-1", "informant": "grid-3", "observed_at": "2026-11-02T09:00:00+08:00",
                "kind": "household.registered", "household": "H1",
                "data": {"region": "500103001001", "grid": GRID, "address": "某社区1栋", "hukou": "urban",
                         "members": [{"resident": "H1-1", "name": "张三", "sex": "M", "birth_date": "1970-04-02",
                                      "relation": "head"}]}}


@pytest.fixture()
def runtime(tmp_path: Path) -> Iterator[Runtime]:
    built = bootstrap(Settings(data_dir=tmp_path, kafka_bootstrap=None), frozenset())
    assert built.intake.accept(REGISTRATION).status == "accepted"
    yield built
    built.views.close()


def _alert(runtime: Runtime, grid: str | None) -> Alert:
    book, slot = AlertBook("H1"), "MISSED.DIBAO|household"
    alert = Alert(household="H1", slot=slot, episode=1, rule="MISSED.DIBAO", rule_version=1, category="missed",
                  severity="high", subject_kind="household", subject="H1", resident=None, region="500103001001",
                  raised_on="2026-11-03", explanation={}, grid=grid)
    book.slot_opened(slot, str(alert.id), 1)
    runtime.alerts.save(alert, book)
    return alert


def _refusals(runtime: Runtime) -> list[tuple[Any, ...]]:
    app = runtime.audit
    records = [app.repository.get(app.mapper.to_domain_event(n).originator_id)
               for n in app.recorder.select_notifications(1, 1000)]
    return [(r.user, r.route, r.reason, r.household, r.alert) for r in records if r.outcome == REFUSED]


def test_a_household_is_placed_by_its_registration_in_the_households_store(runtime: Runtime) -> None:
    assert runtime.authorizer.household(CASEWORKER, "H1", ROUTE) == Place("H1", "500103001001", GRID)
    assert runtime.authorizer.household(INFORMANT, "H1", ROUTE).grid == GRID
    assert runtime.authorizer.household(AUDITOR, "H1", ROUTE).region == "500103001001"
    assert runtime.authorizer.household_place("H-NONE") is None
    assert _refusals(runtime) == []


@pytest.mark.parametrize(("principal", "household", "reason"), [
    (OUTSIDER, "H1", OUTSIDE_JURISDICTION), (OTHER_INFORMANT, "H1", OUTSIDE_JURISDICTION),
    (CASEWORKER, "H-NONE", NOT_FOUND), (AUDITOR, "H-NONE", NOT_FOUND)])
def test_a_household_out_of_reach_is_refused_and_recorded(runtime: Runtime, principal: Principal, household: str,
                                                          reason: str) -> None:
    with pytest.raises(OutOfReach) as refused:
        runtime.authorizer.household(principal, household, ROUTE)
    assert refused.value.reason == reason
    assert _refusals(runtime) == [(principal.name, ROUTE, reason, household, None)]


def test_an_alert_is_judged_on_its_aggregate(runtime: Runtime) -> None:
    alert = _alert(runtime, GRID)
    assert runtime.authorizer.alert(CASEWORKER, str(alert.id), ROUTE).id == alert.id
    with pytest.raises(OutOfReach):
        runtime.authorizer.alert(OUTSIDER, str(alert.id), ROUTE)
    for unknown in ("not-a-uuid", str(AlertBook.id_for("H1")), str(Alert.id_for("H1", "x", 9))):
        with pytest.raises(OutOfReach) as refused:
            runtime.authorizer.alert(CASEWORKER, unknown, ROUTE)
        assert refused.value.reason == NOT_FOUND
    assert [r[2:] for r in _refusals(runtime)] == [(OUTSIDE_JURISDICTION, "H1", str(alert.id))] + [
        (NOT_FOUND, "", unknown) for unknown in ("not-a-uuid", str(AlertBook.id_for("H1")),
                                                 str(Alert.id_for("H1", "x", 9)))]


def test_an_alert_without_its_grid_takes_the_households(runtime: Runtime) -> None:
    alert = _alert(runtime, None)
    assert runtime.authorizer.alert_place(alert) == Place("H1", "500103001001", GRID)
    assert runtime.authorizer.alert(INFORMANT, str(alert.id), ROUTE).id == alert.id
    with pytest.raises(OutOfReach):
        runtime.authorizer.alert(OTHER_INFORMANT, str(alert.id), ROUTE)


def test_a_verification_belongs_to_the_grid_it_was_sent_to(runtime: Runtime) -> None:
    alert = _alert(runtime, GRID)
    assert runtime.authorizer.verification(INFORMANT, str(alert.id), ROUTE).id == alert.id
    with pytest.raises(OutOfReach):
        runtime.authorizer.verification(OTHER_INFORMANT, str(alert.id), ROUTE)
    with pytest.raises(OutOfReach):  # a caseworker is no grid's informant
        runtime.authorizer.verification(CASEWORKER, str(alert.id), ROUTE)
    alert.assign(to="cw-1", by="cw-1", on="2026-11-04")
    alert.request_verification(by="cw-1", on="2026-11-04", grid="500103001001-04")
    runtime.alerts.save(alert)
    assert runtime.authorizer.verification(OTHER_INFORMANT, str(alert.id), ROUTE).id == alert.id
    with pytest.raises(OutOfReach):
        runtime.authorizer.verification(INFORMANT, str(alert.id), ROUTE)
