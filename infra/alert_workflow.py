"""Caseworker actions on alerts: acknowledge, resolve with an outcome.

Resolving as `not_eligible` snoozes the (household, rule, subject) slot for
`alert.snooze_days`: if the condition still holds afterwards a new episode
opens. Any other outcome closes the alert; should the facts still say the
rule holds at the next evaluation, a new episode opens at once (the facts win).
"""

from __future__ import annotations

from datetime import date
from typing import Callable
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from domain.alert import OUTCOMES, Alert, AlertBook, snooze_until
from domain.parameters import ParameterTable
from infra.event_store import AlertsApp


class AlertActionError(ValueError):
    """An action that cannot be applied, with an HTTP-like status and a reason."""

    def __init__(self, status: int, message: str, message_zh: str) -> None:
        super().__init__(message)
        self.status = status
        self.message_zh = message_zh


class AlertWorkflow:
    """Applies caseworker actions to alerts and their household's alert book."""

    def __init__(self, alerts: AlertsApp, parameters: Callable[[], ParameterTable]) -> None:
        self.alerts = alerts
        self.parameters = parameters

    def _alert(self, alert_id: str) -> Alert:
        try:
            return self.alerts.repository.get(UUID(alert_id))
        except (ValueError, AggregateNotFoundError) as error:
            raise AlertActionError(404, f"no alert with id {alert_id}", f"预警 {alert_id} 不存在") from error

    def acknowledge(self, alert_id: str, by: str, on: date) -> Alert:
        alert = self._alert(alert_id)
        if alert.acknowledged_by is None and alert.status == "open":
            alert.acknowledge(by=by, on=on.isoformat())
            self.alerts.save(alert)
        return alert

    def resolve(self, alert_id: str, outcome: str, by: str, note: str, on: date) -> Alert:
        if outcome not in OUTCOMES:
            raise AlertActionError(
                422, f"outcome must be one of {', '.join(OUTCOMES)}", f"处理结果必须是 {', '.join(OUTCOMES)} 之一"
            )
        alert = self._alert(alert_id)
        if alert.status != "open":
            raise AlertActionError(409, "the alert is already closed", "该预警已关闭")
        book: AlertBook = self.alerts.repository.get(AlertBook.id_for(alert.household))
        alert.resolve(outcome=outcome, by=by, on=on.isoformat(), note=note)
        if outcome == "not_eligible":
            days = self.parameters().lookup("alert.snooze_days", alert.region, on)
            book.slot_snoozed(alert.slot, snooze_until(on, int(days.value if days else 90)).isoformat())
        else:
            book.slot_closed(alert.slot)
        self.alerts.save(alert, book)
        return alert
