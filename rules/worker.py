"""The rule worker: judge households as the households log says they changed.

The households event store is the source of truth, and the worker's progress is
recorded in the alerts store: for each partition (households are spread over
partitions by id, as on Kafka), a tracking record says how far the log has been
handled, written in the same transaction as the alerts that handling raised or
cleared. Kafka records only say *when* to look and *how far*; whatever they
miss (a broker that lost its data, a relay that skipped a record) is read from
the store, and whatever they repeat is at or below the tracked position and
changes nothing.

For a household event the whole household is judged again (a death or an income
change re-screens every member) as of the later of the clock and its latest
observation, from its fold kept between evaluations and brought up to the store
first (rules/kept_folds.py: only what is new is applied). A clock tick judges only the households whose due date has come
(`rules.due`: when time alone could change their judgement, kept per household
beside the alerts), those with no due date, and those whose alert book changed
since (a caseworker's resolution); a parameter change judges the households of
the parameter's region whose last judgement read it. The households judged on a tick or a parameter change
then have their alerts not acknowledged in time escalated (`AlertsApp.escalate`);
an open alert's deadline is one of its household's due dates.
"""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable, Collection, Iterable, Iterator, Mapping
from uuid import UUID

from eventsourcing.persistence import IntegrityError, Notification, Tracking

from domain.alerts.alert import AlertBook
from domain.alerts.application import AlertsApp
from domain.households.application import HouseholdsApp
from domain.households.clock import Clock
from domain.households.household import Household
from domain.households.state import HouseholdState
from domain.policy.book import PolicyBook
from domain.region_codes import is_region_code, region_scope
from domain.renamed_topics import stored_topics
from domain.tracked_application import NotificationHead
from rules.alerting import AlertChanges, reconcile
from domain.households.reads import observations_of
from rules.assessment import clock_of, judged_on
from rules.due import ONE_DAY, Due, DueDates, MemoryDueDates, earliest, reads_mask, snooze_ends
from rules.findings import Failure, Judge, Judgement
from rules.household_directory import REGISTERED, HouseholdDirectory, KnownHouseholds
from rules.kept_folds import DEFAULT_SIZE, FoldFailed, KeptFolds

log = logging.getLogger(__name__)

# Topics as stored, before the restructuring's moves too (domain/renamed_topics.py).
OBSERVED = stored_topics(Household.Observed)
REVISED = stored_topics(Household.Corrected, Household.Retracted)
TICKED = stored_topics(Clock.Ticked)
VALUE_SET = stored_topics(PolicyBook.ValueSet)
BROADCASTS = (*TICKED, *VALUE_SET)
# What a caseworker's resolve or reopen writes on a book (domain/alerts/application.py); the worker's own
# judgements write Opened, SlotOpened and the evaluation records, which need no second judgement.
HANDLED = stored_topics(AlertBook.SlotSnoozed, AlertBook.SlotClosed, AlertBook.SlotReopened)
# Parameters read by the escalation of open alerts (domain/alerts/application.py), not by a judgement: a
# change of one re-judges (and escalates) every household of its region.
ESCALATION_PARAMETERS = ("sla.",)
WATCHED = (*REGISTERED, *OBSERVED, *REVISED, *BROADCASTS)
# Notifications read (and judged, and saved with one tracking record) at a time. A household whose events
# reach into two stretches of a backlog is judged in each: at 10,000, 5,000 households loaded at once were
# judged 8,826 times; at 50,000 once each, first pass twice as fast, 17 MB more at the peak (bench/rules.py).
READ_CHUNK = 50_000
JUDGE_BATCH = 200
RETRIES = 5


def books_name(partition: int) -> str:
    """How far one partition has looked for alert books changed by others (kept with the due dates)."""
    return f"books#{partition}"


def tracking_name(partition: int) -> str:
    """The tracking record of one partition's progress through the households log."""
    return f"households#{partition}"


@dataclass
class _Work:
    """What one stretch of the log asks of one partition."""

    households: dict[str, str] = field(default_factory=dict)  # household -> the event that changed it
    broadcast: str | None = None  # the last clock tick or parameter change
    ticked: bool = False  # a clock tick: the households due
    changes: set[tuple[str, str | None]] = field(default_factory=set)  # parameter changes: (region prefix, name)


@dataclass
class WorkerStats:
    """Counters for health: evaluations, failures, and the last failure seen."""

    evaluations: int = 0
    failures: int = 0
    last_failure: Failure | None = None


class RuleWorker:
    """Turns the households log into raised and cleared alerts, tracking its own progress."""

    def __init__(
        self,
        households: HouseholdsApp,
        alerts: AlertsApp,
        judge: Judge,
        partition_of: Callable[[str], int],
        due: DueDates | None = None,
        fold_cache_size: int = DEFAULT_SIZE,
        known: KnownHouseholds | None = None,
    ) -> None:
        self.households = households
        self.alerts = alerts
        self.judge = judge
        self.partition_of = partition_of
        self.directory = HouseholdDirectory(households, partition_of, known)
        self.folds = KeptFolds(households, fold_cache_size)
        self.stats = WorkerStats()
        self.due = due if due is not None else MemoryDueDates()
        self._logged: set[tuple[str, str]] = set()
        self._book_owners: dict[UUID, str | None] = {}  # alert book id -> household, for the books looked up
        self.rejudged: deque[int] = deque(maxlen=1000)  # households judged per recent broadcast (bench's share)

    @property
    def evaluations(self) -> int:
        return self.stats.evaluations

    def position(self, partition: int) -> int:
        """How far this partition has been handled (a households notification id)."""
        return self.alerts.position(tracking_name(partition))

    def log_end(self) -> int:
        return self.households.recorder.max_notification_id() or 0

    def lag(self, partitions: Collection[int]) -> int:
        """Notifications of the households log not yet handled by the furthest-behind partition."""
        if not partitions:
            return 0
        return max(0, self.log_end() - min(self.position(p) for p in partitions))

    def catch_up(self, partitions: Collection[int], upto: int | None = None) -> int:
        """Handle the households log up to `upto` (default: its end) for these partitions.

        Returns how many notifications were read. Safe to repeat and to run after a crash:
        what is at or below a partition's tracked position is skipped.
        """
        if not partitions:
            return 0
        end = self.log_end() if upto is None else min(upto, self.log_end())
        read = 0
        while True:
            positions = {p: self.position(p) for p in partitions}
            start = min(positions.values()) + 1
            if start > end:
                return read
            found = self.households.notification_heads(start, READ_CHUNK, stop=end, topics=WATCHED)
            covered = found[-1].id if len(found) == READ_CHUNK else end
            self.directory.refresh(covered)
            work = self._sort(found, positions)
            for partition in sorted(partitions):
                if positions[partition] < covered:
                    self._handle(partition, work.get(partition, _Work()), covered)
            read += len(found)

    def _sort(self, found: Iterable[NotificationHead | Notification], positions: dict[int, int]) -> dict[int, _Work]:
        """Which households (or everything) each partition must judge for these notifications."""
        work: dict[int, _Work] = {p: _Work() for p in positions}
        for notification in found:
            cause = f"households:{notification.id}"
            if notification.topic in BROADCASTS:
                change = None if notification.topic in TICKED else self._change_of(notification)
                for partition, position in positions.items():
                    if notification.id > position:
                        work[partition].broadcast = cause
                        if change is None:
                            work[partition].ticked = True
                        else:
                            work[partition].changes.add(change)
                continue
            household = self.directory.household_of(notification)
            if household is None:
                continue
            partition = self.partition_of(household)
            if partition in positions and notification.id > positions[partition]:
                work[partition].households[household] = cause
        return work

    def _handle(self, partition: int, work: _Work, covered: int) -> None:
        """Judge what the stretch asks and save the alert changes with the partition's new position."""
        tracking = Tracking(tracking_name(partition), covered)
        books_seen = 0
        if work.broadcast is not None:
            books_seen = self.alerts.recorder.max_notification_id() or 0
            chosen = self._broadcast_targets(partition, work)
            self.rejudged.append(len(chosen))
            targets = {**{h: work.broadcast for h in chosen}, **work.households}
        else:
            targets = work.households
        for attempt in range(1, RETRIES + 1):
            try:
                self._judge_and_save(partition, targets, tracking, escalate=work.broadcast is not None)
                if books_seen:
                    self.due.set_mark(books_name(partition), books_seen)
                return
            except IntegrityError:
                if self.position(partition) >= covered:
                    return  # another worker handled this stretch meanwhile
                log.info("alerts of partition %d changed meanwhile; judging again (%d)", partition, attempt)
        raise RuntimeError(f"could not save the alerts of partition {partition} after {RETRIES} attempts")

    # --- which households a broadcast judges ------------------------------------------------------

    def _broadcast_targets(self, partition: int, work: _Work) -> set[str]:
        """Those with no due date and those whose alert book changed since the last broadcast; then for a
        tick the households due by today, for a parameter change the households of its regions that read it."""
        mine = self.directory.of_partition(partition)
        chosen = mine - self.due.recorded(partition)
        today = self.clock()
        chosen |= self._books_changed(partition) & mine
        if work.ticked:
            chosen |= self.due.due(partition, today) if today is not None else mine
        for scope, name in work.changes:
            chosen |= self.due.in_region(partition, scope, name)
        return chosen

    def _books_changed(self, partition: int) -> set[str]:
        """Households whose alert book a caseworker changed since this partition's last broadcast (resolved
        or reopened an alert: the next evaluation may open a new episode at once)."""
        start, books = self.due.mark(books_name(partition)) + 1, set()
        while True:
            notifications = self.alerts.recorder.select_notifications(start, READ_CHUNK, topics=HANDLED)
            books |= {n.originator_id for n in notifications}
            if len(notifications) < READ_CHUNK:
                break
            start = notifications[-1].id + 1
        return {h for h in map(self._household_of_book, books) if h is not None}

    def _household_of_book(self, book: UUID) -> str | None:
        """Whose book this is, from its first event (a caseworker's actions are few; the city is large)."""
        if book not in self._book_owners:
            first = self.alerts.recorder.select_events(book, lte=1)
            owner = getattr(self.alerts.mapper.to_domain_event(first[0]), "household", None) if first else None
            self._book_owners[book] = owner
        return self._book_owners[book]

    def _change_of(self, head: NotificationHead | Notification) -> tuple[str, str | None]:
        """The region prefix a parameter change covers ("" for a national value or one that names no place),
        and its name: None for a name the judgement does not record reading (the escalation's `sla.*`).
        The change is read whole here: the catch-up reads only the log's heads, and changes are few."""
        notification = head if isinstance(head, Notification) else \
            self.households.recorder.select_notifications(head.id, 1, stop=head.id)[0]
        event = self.households.mapper.to_domain_event(notification)
        region = getattr(event, "region", "") or ""
        name = getattr(event, "name", None)
        read_elsewhere = not isinstance(name, str) or name.startswith(ESCALATION_PARAMETERS)
        return region_scope(region) if is_region_code(region) else "", None if read_elsewhere else name

    # --- judging ------------------------------------------------------------------------------------

    def _judge_and_save(self, partition: int, targets: dict[str, str], tracking: Tracking, escalate: bool) -> None:
        """Judge, escalate, and save with the tracking record; due dates lowered before the save and
        set after it (`rules.due`: a crash between leaves them early, never late)."""
        today = self.clock()
        changed: list[Any] = []
        households = list(targets)
        due: dict[str, Due] = {}
        at_hand = self.alerts.at_hand(households)  # their books and open alerts, in two queries
        for start in range(0, len(households), JUDGE_BATCH):
            changed += self._evaluate(households[start : start + JUDGE_BATCH], targets, today, due, at_hand)
        at_hand.update((aggregate.id, aggregate) for aggregate in changed)
        if escalate and today is not None:
            table = self.judge.parameters
            changed += [a for h in households for a in self.alerts.escalate(h, today, table, at_hand)]
        self._add_deadlines(due, at_hand, today)
        self.due.lower(partition, due)
        self.alerts.save_tracked(tracking, *changed)
        self.due.record(partition, due)

    def _evaluate(self, households: list[str], causes: dict[str, str], today: date | None,
                  due: dict[str, Due], at_hand: Mapping[UUID, Any]) -> list[Any]:
        """Judge households in one engine batch; the aggregates each one's reconciliation changed."""
        present: list[tuple[str, HouseholdState | Exception, date]] = []
        with self.folds.prefetched(households):  # folded lazily: the engine matches one chunk meanwhile
            judgements = self.judge.judge_folded(self._present(households, today, present))
        changed: list[Any] = []
        for (household, _, on), judgement in zip(present, judgements):
            self.stats.evaluations += 1
            if judgement.failures:
                self._count(judgement.failures)
            book, changes = reconcile(self.alerts, household, judgement.findings, on, [causes[household]],
                                      judgement.failures, at_hand)
            due[household] = Due(self._next_due(judgement, book, on), judgement.region, reads_mask(judgement.reads))
            if changes:
                changed += [book, *changes.raised, *changes.cleared]
        return changed

    @staticmethod
    def _next_due(judgement: Judgement, book: AlertBook, on: date) -> date:
        """When to judge the household again with no new event: its facts' next change or a snooze's
        end; the next day after a failure (as before due dates were kept)."""
        if judgement.failures:
            return on + ONE_DAY
        return earliest(on, [judgement.next_change], snooze_ends(book, on))

    def _add_deadlines(self, due: dict[str, Due], at_hand: Mapping[UUID, Any], today: date | None) -> None:
        """Bring each household's due date forward to its open alerts' acknowledgement deadlines (one
        already past makes it due at the next tick); `at_hand`: the books and alerts as the tick left them."""
        if today is None:
            return  # no clock, no escalation
        table = self.judge.parameters
        for household, kept in list(due.items()):
            deadlines = self.alerts.escalation_dates(household, today, table, at_hand)
            due[household] = kept._replace(day=min([kept.day, *deadlines]))

    def _count(self, failures: list[Failure]) -> None:
        """Count failures for health; log each kind once (a bad parameter fails every household)."""
        self.stats.failures += len(failures)
        self.stats.last_failure = failures[-1]
        for failure in failures:
            if (failure.rule, failure.error) not in self._logged and len(self._logged) < 10_000:
                self._logged.add((failure.rule, failure.error))
                log.error("evaluation of %s failed for %s (logged once): %s", failure.rule, failure.household,
                          failure.error)

    def clock(self) -> date | None:
        return clock_of(self.households)

    def _present(self, households: list[str], today: date | None,
                 into: list[tuple[str, HouseholdState | Exception, date]]) -> Iterator[tuple[str, HouseholdState | Exception, date]]:
        """The registered households' folds one by one, each also kept in `into` (in the same order)."""
        for household in households:
            if (folded := self._folded(household, today)) is not None:
                into.append(folded)
                yield folded

    def _folded(self, household: str, today: date | None) -> tuple[str, HouseholdState | Exception, date] | None:
        """The household's kept fold brought up to the store, and the date it is judged on
        (None for a household never registered); a fold that raised is given as its error."""
        try:
            fold = self.folds.current(household)
        except FoldFailed as failed:  # reported as the household's failure, on the day it would be judged
            return household, failed.error, judged_on(observations_of(self.households, household), today)
        return None if fold is None else (household, fold.state, fold.judged_on(today))


__all__ = ["AlertChanges", "HouseholdDirectory", "RuleWorker", "WorkerStats", "tracking_name"]
