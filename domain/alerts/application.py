"""The alerts application: alerts and the per-household alert books, their workflow commands,
escalation, and the rule worker's tracking.

The aggregate decides what is allowed (`domain.alerts.alert.TRANSITIONS`); a command loads the
alert, asks, and saves it together with its household's alert book in one transaction,
translating domain refusals into `AlertActionError` with the HTTP-like status adapters answer.

Resolving as `not_eligible` snoozes the (household, rule, subject) slot for
`alert.snooze_days`: if the condition still holds afterwards a new episode
opens. Any other outcome closes the alert; should the facts still say the
rule holds at the next evaluation, a new episode opens at once (the facts win).
Reopening puts the alert back in its slot (lifting a snooze), so the rule
worker clears it again when its condition no longer holds.

A concurrent writer (the rule worker clearing the same alert, another caseworker)
makes the save fail with `IntegrityError`; the command is tried once more on a
fresh load, so it either applies to the current alert or is refused for it.

The application also keeps *tracking records* beside its events: how far the rule worker has
handled the households log, per partition, written in the same transaction as the alerts that
handling raised, cleared or escalated (exactly-once effect).
"""

from __future__ import annotations

from copy import deepcopy

from datetime import date, timedelta
from types import MappingProxyType
from typing import Any, Callable, Iterable, Mapping
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, ProcessingEvent
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import ApplicationRecorder, IntegrityError, ProcessRecorder, Tracking

from domain.alerts.alert import OPEN, TRANSITIONS, Alert, AlertBook, snooze_until, supervisor_of
from domain.alerts.errors import AlertActionError, AlertError
from domain.alerts.sla import ack_deadline, is_unhandled
from domain.policy.parameters import ParameterTable
from domain.tracked_application import CollectedEvents, TrackedApplication

import domain.renamed_topics  # noqa: F401 - events stored before the move still load

EMPTY: Mapping[UUID, Aggregate] = MappingProxyType({})  # no aggregate at hand

# The steps a caseworker takes on an alert's page, in the order the page offers them.
CASEWORKER_STEPS = ("assign", "acknowledge", "request_verification", "resolve")

ATTEMPTS = 2  # the first try and one retry after a concurrent write
DEFAULT_SNOOZE_DAYS = 90

Change = Callable[[Alert], list[Aggregate]]


class AlertsApp(TrackedApplication):
    """Alerts and the per-household alert books: workflow commands, escalation and tracking records.

    `parameters` gives the parameter table in force (the policy book lives in the households store).
    """

    name = "alerts"

    def __init__(self, env: Mapping[str, str] | None = None, *,
                 parameters: Callable[[], ParameterTable] = ParameterTable) -> None:
        super().__init__(env=env)
        self.parameters = parameters

    # --- workflow commands ----------------------------------------------------------------

    def assign(self, alert_id: str, to: str, by: str, on: date) -> Alert:
        return self._apply(alert_id, _alone(lambda alert: alert.assign(to=to, by=by, on=on.isoformat())))

    def acknowledge(self, alert_id: str, by: str, on: date) -> Alert:
        return self._apply(alert_id, _alone(lambda alert: alert.acknowledge(by=by, on=on.isoformat())))

    def request_verification(self, alert_id: str, by: str, on: date, grid: str | None = None) -> Alert:
        """Dispatch a visit to the household's grid (`grid` only for alerts raised before they knew it).

        Sent from `open`, the alert is acknowledged on the way, in the same save: a caseworker who sends
        a visit has taken the alert in hand. The use case does this rather than the state machine
        allowing open → verification_requested, because the acknowledgement is what stops the SLA clock
        and escalation (`needs_escalation`), and the response-time reports read it from an `Acknowledged`
        event: skipping it would leave the alert escalating while a visit is under way and its response
        time unmeasured. Both events name the same caseworker and day.
        """
        def change(alert: Alert) -> None:
            if alert.state == OPEN:
                alert.acknowledge(by=by, on=on.isoformat())
            alert.request_verification(by=by, on=on.isoformat(), grid=grid)

        return self._apply(alert_id, _alone(change))

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

    def escalate(self, household: str, on: date, parameters: ParameterTable,
                 pending: Mapping[UUID, Aggregate] = EMPTY) -> list[Alert]:
        """Escalate the household's open, unacknowledged alerts past their deadline (LATE.ALERT_UNHANDLED).

        Not saved here: the rule worker saves them with its tracking record. `pending` holds the
        aggregates at hand, by id: read for the tick (`at_hand`) or changed by it already (those are escalated
        in place and not returned again); built once for a whole tick, not once for each of its households.
        """
        try:
            book = self._pending_or_stored(pending, AlertBook.id_for(household))
        except AggregateNotFoundError:
            return []
        escalated = []
        for alert_id in list(book.open.values()):
            alert = self._pending_or_stored(pending, UUID(alert_id))
            limit = parameters.lookup(f"sla.ack.{alert.severity}", alert.region, on)
            if not alert.needs_escalation() or limit is None:
                continue
            raised = date.fromisoformat(alert.raised_on)
            if is_unhandled(raised, alert.severity, int(limit.value), on):
                deadline = ack_deadline(raised, alert.severity, int(limit.value))
                changed_already = bool(alert.pending_events)  # the caller holds it with its other changes
                alert.escalate(on=on.isoformat(), to=supervisor_of(alert.region), deadline=deadline.isoformat())
                if not changed_already:
                    escalated.append(alert)
        return escalated

    def escalation_dates(self, household: str, on: date, parameters: ParameterTable,
                         pending: Mapping[UUID, Aggregate] = EMPTY) -> list[date]:
        """When the household's open alerts not yet escalated would be (the deadline and the day after):
        the rule worker judges the household again then, so escalating needs no tick over every household."""
        try:
            book = self._pending_or_stored(pending, AlertBook.id_for(household))
        except AggregateNotFoundError:
            return []
        dates = []
        for alert_id in list(book.open.values()):
            alert = self._pending_or_stored(pending, UUID(alert_id))
            limit = parameters.lookup(f"sla.ack.{alert.severity}", alert.region, on)
            if alert.needs_escalation() and limit is not None:
                deadline = ack_deadline(date.fromisoformat(alert.raised_on), alert.severity, int(limit.value))
                dates += [deadline, deadline + timedelta(days=1)]
        return dates

    def at_hand(self, households: Iterable[str]) -> dict[UUID, Aggregate]:
        """The households' alert books (a new, unsaved one where none is stored) and their open alerts, by id,
        for a rule worker's tick: which exist and at which version is asked in one query for the books and one
        for the alerts, and a cached copy at its last version is not read again. (A concurrent write is found
        by the tick's save.)"""
        ids = {AlertBook.id_for(household): household for household in households}
        books = self._read_many(list(ids))
        books.update((i, AlertBook(household)) for i, household in ids.items() if i not in books)
        open_ids = [UUID(a) for book in books.values() for a in book.open.values()]  # type: ignore[attr-defined]
        alerts = self._read_many(open_ids)
        return {**books, **alerts}

    def _read_many(self, ids: list[UUID]) -> dict[UUID, Aggregate]:
        """The aggregates that exist: cached copies at their stored version, the others rebuilt from their
        histories in one query (kept in the cache as `repository.get` would keep them)."""
        stored = self.stored_versions(ids)
        if stored is None:  # a store that cannot tell: each one read
            return self._each(ids)
        found = {i: current for i, version in stored.items() if (current := self.cached_at(i, version)) is not None}
        missing = [i for i in stored if i not in found]
        rebuilt = self.reconstructed(missing)
        if rebuilt is None:
            return {**found, **self._each(missing)}
        self.keep_cached(*map(deepcopy, rebuilt.values()))
        return {**found, **rebuilt}

    def _each(self, ids: Iterable[UUID]) -> dict[UUID, Aggregate]:
        found: dict[UUID, Aggregate] = {}
        for aggregate_id in ids:
            try:
                found[aggregate_id] = self.repository.get(aggregate_id)
            except AggregateNotFoundError:
                continue
        return found

    def _pending_or_stored(self, pending: Mapping[UUID, Aggregate], aggregate_id: UUID) -> Any:
        """The aggregate at hand, else the stored one (AggregateNotFoundError when neither)."""
        found = pending.get(aggregate_id)
        return found if found is not None else self.repository.get(aggregate_id)

    # --- tracking -------------------------------------------------------------------------

    def construct_recorder(self) -> ApplicationRecorder:
        return self.factory.process_recorder()

    @property
    def tracking(self) -> ProcessRecorder:
        assert isinstance(self.recorder, ProcessRecorder)
        return self.recorder

    def position(self, name: str) -> int:
        """How far the reader `name` has handled its source (0: nothing yet)."""
        return self.tracking.max_tracking_id(name) or 0

    def save_tracked(self, tracking: Tracking, *aggregates: Any) -> None:
        """Save the aggregates' new events and the tracking record in one transaction.

        A tracking position that is not beyond the recorded one is refused
        (IntegrityError), so the same stretch of the log is never applied twice.
        """
        processing: ProcessingEvent[Any] = CollectedEvents(tracking)
        processing.collect_events(*aggregates)
        if processing.events:
            self._record(processing)
            self.keep_cached(*processing.aggregates.values())  # the next tick's `at_hand` reads none of them
        else:
            self.tracking.insert_tracking(tracking)

    # --- internals ------------------------------------------------------------------------

    def _apply(self, alert_id: str, change: Change) -> Alert:
        """Load, change, save; on a concurrent write, once more from a fresh load."""
        for attempt in range(1, ATTEMPTS + 1):
            alert = self._alert(alert_id)
            try:
                changed = change(alert)
            except AlertError as error:
                raise AlertActionError.from_domain(error) from error
            try:
                self.save(*changed)
            except IntegrityError as error:
                if attempt == ATTEMPTS:
                    raise AlertActionError(409, "the alert changed while saving; load it and try again",
                                           "保存时该预警已被他人修改，请刷新后重试") from error
                continue
            return alert
        raise AssertionError("unreachable")  # pragma: no cover

    def _alert(self, alert_id: str) -> Alert:
        try:
            alert = self.repository.get(UUID(alert_id))
        except (ValueError, AggregateNotFoundError) as error:
            raise AlertActionError(404, f"no alert with id {alert_id}", f"预警 {alert_id} 不存在") from error
        if not isinstance(alert, Alert):  # an alert book's id is a UUID of the same store
            raise AlertActionError(404, f"no alert with id {alert_id}", f"预警 {alert_id} 不存在")
        return alert

    def _book(self, alert: Alert) -> AlertBook:
        book: AlertBook = self.repository.get(AlertBook.id_for(alert.household))
        return book


def steps_allowed(state: str) -> tuple[str, ...]:
    """The caseworker steps the alert's state allows: the aggregate's `TRANSITIONS`, plus a verification
    from `open`, which `AlertsApp.request_verification` sends after acknowledging on the way."""
    def allowed(step: str) -> bool:
        if state in TRANSITIONS[step]:
            return True
        return step == "request_verification" and state in TRANSITIONS["acknowledge"] \
            and TRANSITIONS["acknowledge"][state] in TRANSITIONS["request_verification"]
    return tuple(step for step in CASEWORKER_STEPS if allowed(step))


def _alone(command: Callable[[Alert], None]) -> Change:
    """A change that touches the alert alone: its book has nothing to record."""

    def change(alert: Alert) -> list[Aggregate]:
        command(alert)
        return [alert]

    return change
