"""Keep a household's open alerts equal to what its rules find now.

Raise what is new, clear what no longer holds, leave the rest alone: evaluating
the same household twice changes nothing, and alert ids are derived from
(household, slot, episode), so re-processing an event never duplicates an alert.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Sequence
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application

from domain.alert import Alert, AlertBook
from rules.findings import Finding


@dataclass
class AlertChanges:
    """What one evaluation changed (empty when nothing did)."""

    raised: list[Alert] = field(default_factory=list)
    cleared: list[Alert] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.raised or self.cleared)


def reconcile(
    app: Application, household: str, findings: Sequence[Finding], on: date, cause: Sequence[str]
) -> tuple[AlertBook, AlertChanges]:
    """Bring the household's alerts in line with `findings` (not yet saved)."""
    book = _book(app, household)
    held = {finding.slot: finding for finding in findings}
    changes = AlertChanges()
    for slot, alert_id in sorted(book.open.items()):
        if slot not in held:
            alert = app.repository.get(UUID(alert_id))
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
    )
