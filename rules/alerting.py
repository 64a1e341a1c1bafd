"""Keep a household's open alerts equal to what its rules find now.

Raise what is new, clear what no longer holds, leave the rest alone: evaluating
the same household twice changes nothing, and alert ids are derived from
(household, slot, episode), so re-processing an event never duplicates an alert.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Mapping, Sequence
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application

from domain.alerts.alert import Alert, AlertBook
from domain.alerts.application import EMPTY
from rules.findings import DERIVATION, Failure, Finding


@dataclass
class AlertChanges:
    """What one evaluation changed (empty when nothing did)."""

    raised: list[Alert] = field(default_factory=list)
    cleared: list[Alert] = field(default_factory=list)
    book_changed: bool = False

    def __bool__(self) -> bool:
        return bool(self.raised or self.cleared or self.book_changed)


def reconcile(
    app: Application,
    household: str,
    findings: Sequence[Finding],
    on: date,
    cause: Sequence[str],
    failures: Sequence[Failure] = (),
    at_hand: Mapping[UUID, Any] = EMPTY,
) -> tuple[AlertBook, AlertChanges]:
    """Bring the household's alerts in line with `findings` (not yet saved).

    A rule that failed leaves its slots as they were (not known is not false), and
    the failure is recorded on the book once, until the rule succeeds again. `at_hand`: the book and
    alerts already read (`AlertsApp.at_hand`); what it lacks is read from the store.
    """
    book = at_hand.get(AlertBook.id_for(household))
    book = _book(app, household) if book is None else book
    held = {finding.slot: finding for finding in findings}
    changes = AlertChanges()
    failed, changes.book_changed = _record_failures(book, failures, on, cause)
    if DERIVATION in failed:
        return book, changes
    for slot, alert_id in sorted(book.open.items()):
        if slot not in held and slot.split("|", 1)[0] not in failed:
            alert = at_hand.get(UUID(alert_id))
            alert = app.repository.get(UUID(alert_id)) if alert is None else alert
            alert.clear(on=on.isoformat(), event_ids=list(cause))
            book.slot_closed(slot)
            changes.cleared.append(alert)
    for slot, finding in held.items():
        if slot in book.open or book.is_snoozed(slot, on):
            continue
        alert = _raise(finding, book.next_episode(slot), on)
        book.slot_opened(slot, str(alert.id), alert.episode)
        changes.raised.append(alert)
    return book, changes


def _record_failures(
    book: AlertBook, failures: Sequence[Failure], on: date, cause: Sequence[str]
) -> tuple[set[str], bool]:
    """Record new failures and recoveries on the book: (the rules that failed now, book changed)."""
    failed = {failure.rule: failure.error for failure in failures}
    changed = False
    for rule, error in sorted(failed.items()):
        if book.failing.get(rule) != error:
            book.evaluation_failed(rule=rule, error=error, on=on.isoformat(), cause=list(cause))
            changed = True
    for rule in sorted(set(book.failing) - set(failed)):
        book.evaluation_recovered(rule=rule, on=on.isoformat())
        changed = True
    return set(failed), changed


def save_changes(app: Application, book: AlertBook, changes: AlertChanges) -> None:
    """Save the book and the changed alerts in one transaction (the book's version guards the slot)."""
    app.save(book, *changes.raised, *changes.cleared)


def _book(app: Application, household: str) -> AlertBook:
    try:
        return app.repository.get(AlertBook.id_for(household))
    except AggregateNotFoundError:
        return AlertBook(household)


def _raise(finding: Finding, episode: int, on: date) -> Alert:
    rule, subject = finding.rule, finding.subject
    return Alert(
        household=finding.household,
        slot=finding.slot,
        episode=episode,
        rule=rule.id,
        rule_version=rule.version,
        category=rule.category,
        severity=finding.severity,
        subject_kind=subject.kind,
        subject=subject.key,
        resident=subject.resident,
        region=finding.region,
        raised_on=on.isoformat(),
        explanation=finding.explanation,
        grid=finding.grid or None,
    )
