"""The alerts application's workflow commands: domain refusals become statuses, the book follows, a concurrent write is retried once."""

from __future__ import annotations

from datetime import date
from typing import Any, Callable

from pathlib import Path

import pytest
from eventsourcing.application import AggregateNotFoundError

from domain.alerts.alert import Alert, AlertBook
from domain.alerts.application import AlertsApp
from domain.alerts.errors import AlertActionError

SLOT = "MISSED.DIBAO|household:H1"
ON = date(2025, 8, 10)


@pytest.fixture()
def app(tmp_path: Path) -> AlertsApp:
    return AlertsApp(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "alerts.db")})


@pytest.fixture()
def other(app: AlertsApp) -> AlertsApp:
    """Another writer (another process) on the same store."""
    return AlertsApp(env=dict(app.env))


def raise_alert(app: AlertsApp, episode: int = 1) -> str:
    """What the rule worker saves: a new alert in its slot of the household's book."""
    alert = Alert(household="H1", slot=SLOT, episode=episode, rule="MISSED.DIBAO", rule_version=1,
                  category="MISSED", severity="high", subject_kind="household", subject="H1", resident=None,
                  region="500103001001", raised_on="2025-08-01", explanation={}, grid="500103001001-03")
    try:
        book = app.repository.get(AlertBook.id_for("H1"))
    except AggregateNotFoundError:  # the household's first alert opens its book
        book = AlertBook("H1")
    book.slot_opened(SLOT, str(alert.id), episode)
    app.save(alert, book)
    return str(alert.id)


def book(app: AlertsApp) -> AlertBook:
    return app.repository.get(AlertBook.id_for("H1"))


def refused(action: Callable[[], Any]) -> AlertActionError:
    with pytest.raises(AlertActionError) as error:
        action()
    return error.value


def test_statuses_for_unknown_alert_invalid_transition_and_bad_value(app: AlertsApp) -> None:
    workflow = app
    alert_id = raise_alert(app)
    assert refused(lambda: workflow.acknowledge("nope", "cw-1", ON)).status == 404
    assert refused(lambda: workflow.acknowledge(str(AlertBook.id_for("H1")), "cw-1", ON)).status == 404
    invalid = refused(lambda: workflow.record_verification(alert_id, "found_as_reported", "", "grid-7", ON))
    assert invalid.status == 409 and "open" in str(invalid) and "不能记录核实结果" in invalid.message_zh
    bad = refused(lambda: workflow.resolve(alert_id, "maybe", "cw-1", "", ON))
    assert (bad.status, bad.field) == (422, "outcome")


def test_resolving_frees_the_slot_and_reopening_takes_it_back(app: AlertsApp) -> None:
    workflow = app
    alert_id = raise_alert(app)
    workflow.resolve(alert_id, "not_eligible", "cw-1", "有车", ON)
    assert book(app).open == {} and book(app).snoozed_until[SLOT] == "2025-11-08"
    reopened = workflow.reopen(alert_id, "车辆已处置", "sup-1", ON)
    assert (reopened.status, reopened.state) == ("open", "open")
    assert book(app).open == {SLOT: alert_id} and SLOT not in book(app).snoozed_until
    assert app.repository.get(reopened.id).state == "open"


def test_reopening_while_a_new_episode_is_open_is_a_409(app: AlertsApp) -> None:
    workflow = app
    first = raise_alert(app)
    workflow.resolve(first, "enrolled", "cw-1", "", ON)
    second = raise_alert(app, episode=2)  # the condition still held: the rules opened a new episode
    error = refused(lambda: workflow.reopen(first, "录错", "cw-1", ON))
    assert error.status == 409 and second in str(error)
    assert app.repository.get(Alert.id_for("H1", SLOT, 1)).status == "closed"  # nothing was saved


def test_a_concurrent_write_is_retried_on_a_fresh_load(app: AlertsApp, other: AlertsApp) -> None:
    workflow = app
    alert_id = raise_alert(app)
    loads = racing(workflow, lambda: other.assign(alert_id, "cw-2", "sup-1", ON))
    done = workflow.acknowledge(alert_id, "cw-2", ON)
    assert loads == [1, 2]
    stored = app.repository.get(done.id)
    assert (stored.state, stored.assigned_to, stored.acknowledged_by) == ("acknowledged", "cw-2", "cw-2")


def test_a_retry_is_judged_on_what_the_other_writer_did(app: AlertsApp, other: AlertsApp) -> None:
    workflow = app
    alert_id = raise_alert(app)
    racing(workflow, lambda: other.resolve(alert_id, "duplicate", "cw-2", "", ON))
    error = refused(lambda: workflow.acknowledge(alert_id, "cw-1", ON))
    assert error.status == 409 and "closed" in str(error)


def test_a_second_conflict_is_a_409(app: AlertsApp, other: AlertsApp) -> None:
    workflow = app
    alert_id = raise_alert(app)
    people = iter(["cw-2", "cw-3"])
    racing(workflow, lambda: other.assign(alert_id, next(people), "sup-1", ON), times=2)
    error = refused(lambda: workflow.assign(alert_id, "cw-9", "sup-1", ON))
    assert error.status == 409 and "changed while saving" in str(error)
    assert app.repository.get(Alert.id_for("H1", SLOT, 1)).assigned_to == "cw-3"


def racing(workflow: AlertsApp, write: Callable[[], Any], times: int = 1) -> list[int]:
    """Make another writer save right after each of the workflow's first `times` loads."""
    load, loads = workflow._alert, []

    def load_then_race(alert_id: str) -> Alert:
        alert = load(alert_id)
        loads.append(len(loads) + 1)
        if len(loads) <= times:
            write()
        return alert

    workflow._alert = load_then_race  # type: ignore[method-assign]
    return loads
