"""Caseworker and informant actions on alerts, applied to the Alert aggregate and saved.

The aggregate decides what is allowed (`domain.alerts.alert.TRANSITIONS`); this service
loads it, asks, and saves the alert together with its household's alert book in
one transaction, translating domain refusals into `AlertActionError` with the
HTTP-like status adapters answer (404 unknown alert, 409 refused transition or
taken slot, 422 a value outside its vocabulary).

Resolving as `not_eligible` snoozes the (household, rule, subject) slot for
`alert.snooze_days`: if the condition still holds afterwards a new episode
opens. Any other outcome closes the alert; should the facts still say the
rule holds at the next evaluation, a new episode opens at once (the facts win).
Reopening puts the alert back in its slot (lifting a snooze), so the rule
worker clears it again when its condition no longer holds.

A concurrent writer (the rule worker clearing the same alert, another caseworker)
makes the save fail with `IntegrityError`; the action is tried once more on a
fresh load, so it either applies to the current alert or is refused for it.
"""

from __future__ import annotations

from datetime import date
from typing import Callable
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from domain.alerts.alert import Alert, AlertBook, snooze_until
from domain.alerts.errors import AlertError, InvalidValue
from domain.alerts.application import AlertsApp
from domain.policy.parameters import ParameterTable

ATTEMPTS = 2  # the first try and one retry after a concurrent write
DEFAULT_SNOOZE_DAYS = 90

Change = Callable[[Alert], list[Aggregate]]


class AlertActionError(ValueError):
    """An action that cannot be applied, with an HTTP-like status, a reason and the field it concerns."""

    def __init__(self, status: int, message: str, message_zh: str, field: str = "alert") -> None:
        super().__init__(message)
        self.status = status
        self.message_zh = message_zh
        self.field = field

    @classmethod
    def from_domain(cls, error: AlertError) -> "AlertActionError":
        if isinstance(error, InvalidValue):
            return cls(422, error.message, error.message_zh, error.field)
        return cls(409, error.message, error.message_zh)


class AlertWorkflow:
    """Applies workflow actions to alerts and their household's alert book."""

    def __init__(self, alerts: AlertsApp, parameters: Callable[[], ParameterTable]) -> None:
        self.alerts = alerts
        self.parameters = parameters

    def assign(self, alert_id: str, to: str, by: str, on: date) -> Alert:
        return self._apply(alert_id, _alone(lambda alert: alert.assign(to=to, by=by, on=on.isoformat())))

    def acknowledge(self, alert_id: str, by: str, on: date) -> Alert:
        return self._apply(alert_id, _alone(lambda alert: alert.acknowledge(by=by, on=on.isoformat())))

    def request_verification(self, alert_id: str, by: str, on: date, grid: str | None = None) -> Alert:
        """Dispatch a visit to the household's grid (`grid` only for alerts raised before they knew it)."""
        return self._apply(
            alert_id, _alone(lambda alert: alert.request_verification(by=by, on=on.isoformat(), grid=grid))
        )

    def record_verification(self, alert_id: str, outcome: str, note: str, by: str, on: date,
                            visited_on: date | None = None) -> Alert:
        visited = visited_on.isoformat() if visited_on else None
        return self._apply(alert_id, _alone(lambda alert: alert.record_verification(
            outcome=outcome, note=note, by=by, on=on.isoformat(), visited_on=visited)))

    def resolve(self, alert_id: str, outcome: str, by: str, note: str, on: date) -> Alert:
        def change(alert: Alert) -> list[Aggregate]:
            alert.resolve(outcome=outcome, by=by, on=on.isoformat(), note=note)
            book = self._book(alert)
            if outcome == "not_eligible":
                days = self.parameters().lookup("alert.snooze_days", alert.region, on)
                until = snooze_until(on, int(days.value) if days else DEFAULT_SNOOZE_DAYS)
                book.slot_snoozed(alert.slot, until.isoformat())
            elif book.open.get(alert.slot) == str(alert.id):
                book.slot_closed(alert.slot)
            return [alert, book]

        return self._apply(alert_id, change)

    def reopen(self, alert_id: str, reason: str, by: str, on: date) -> Alert:
        def change(alert: Alert) -> list[Aggregate]:
            alert.reopen(reason=reason, by=by, on=on.isoformat())
            book = self._book(alert)
            book.reopen_slot(alert.slot, str(alert.id), alert.episode)
            return [alert, book]

        return self._apply(alert_id, change)

    def _apply(self, alert_id: str, change: Change) -> Alert:
        """Load, change, save; on a concurrent write, once more from a fresh load."""
        for attempt in range(1, ATTEMPTS + 1):
            alert = self._alert(alert_id)
            try:
                changed = change(alert)
            except AlertError as error:
                raise AlertActionError.from_domain(error) from error
            try:
                self.alerts.save(*changed)
            except IntegrityError as error:
                if attempt == ATTEMPTS:
                    raise AlertActionError(409, "the alert changed while saving; load it and try again",
                                           "保存时该预警已被他人修改，请刷新后重试") from error
                continue
            return alert
        raise AssertionError("unreachable")  # pragma: no cover

    def _alert(self, alert_id: str) -> Alert:
        try:
            alert = self.alerts.repository.get(UUID(alert_id))
        except (ValueError, AggregateNotFoundError) as error:
            raise AlertActionError(404, f"no alert with id {alert_id}", f"预警 {alert_id} 不存在") from error
        if not isinstance(alert, Alert):  # an alert book's id is a UUID of the same store
            raise AlertActionError(404, f"no alert with id {alert_id}", f"预警 {alert_id} 不存在")
        return alert

    def _book(self, alert: Alert) -> AlertBook:
        book: AlertBook = self.alerts.repository.get(AlertBook.id_for(alert.household))
        return book


def _alone(command: Callable[[Alert], None]) -> Change:
    """A change that touches the alert alone: its book has nothing to record."""

    def change(alert: Alert) -> list[Aggregate]:
        command(alert)
        return [alert]

    return change
