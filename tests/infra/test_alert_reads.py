"""A rule worker's tick reads its households' alert books and open alerts at once (`AlertsApp.at_hand`):
one query for which books exist, one for their open alerts. A household with no book gets a new, unsaved
one; a cached alert is used only while the store holds no later version, so a caseworker's step taken in
another process is what the tick sees. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from domain.alerts.alert import AlertBook
from infra.event_store import open_alerts
from infra.settings import Settings
from tests.domain.alerts.test_alert import SLOT, raised
from tests.infra.shared_backends import backend_settings  # noqa: F401  (the fixture, parametrized)


def _raise_one(settings: Settings) -> str:
    alerts = open_alerts(settings)
    alert, book = raised(), AlertBook("H1")
    book.slot_opened(SLOT, str(alert.id), alert.episode)
    alerts.save(book, alert)
    return str(alert.id)


def test_the_books_and_open_alerts_of_a_tick_come_at_once(backend_settings: Settings) -> None:  # noqa: F811
    alert_id = _raise_one(backend_settings)
    alerts = open_alerts(backend_settings)
    at_hand = alerts.at_hand(["H1", "H2"])
    book, new_book = at_hand[AlertBook.id_for("H1")], at_hand[AlertBook.id_for("H2")]
    assert book.open == {SLOT: alert_id} and at_hand[UUID(alert_id)].status == "open"
    assert new_book.open == {} and new_book.pending_events  # not stored: a new book, saved only if changed
    assert len(at_hand) == 3


def test_a_step_taken_in_another_process_is_seen_by_the_next_tick(backend_settings: Settings) -> None:  # noqa: F811
    alert_id = _raise_one(backend_settings)
    worker, desk = open_alerts(backend_settings), open_alerts(backend_settings)
    assert worker.at_hand(["H1"])[UUID(alert_id)].acknowledged_by is None  # cached by the worker now
    desk.acknowledge(alert_id, "cw-1", date(2025, 8, 2))
    assert worker.at_hand(["H1"])[UUID(alert_id)].acknowledged_by == "cw-1"
