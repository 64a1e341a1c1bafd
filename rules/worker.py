"""The rule-engine worker: one member of the consumer group on `qianshao.events`.

For a household event it re-evaluates the whole household (so a death or an
income change re-screens every member) as of the later of the clock and the
household's latest observation; for a clock tick, every household of that
partition. Records of one poll are coalesced: a household is judged once per
batch. Findings are reconciled with the household's open alerts; reconciling is
idempotent (alert ids are derived from household, slot and episode, and the
alert book's version guards against a concurrent writer), so a redelivered
record has no second effect.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Callable, Iterable
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from domain.alert import AlertBook, supervisor_of
from domain.clock import CLOCK_ID
from domain.sla import ack_deadline, is_unhandled
from domain.household import Household
from infra.event_store import AlertsApp, HouseholdsApp
from rules.alerting import reconcile, save_changes
from rules.findings import Judge

REGISTERED_TOPIC = "domain.household:Household.Registered"
TICK_BATCH = 200
RETRIES = 3
BROADCASTS = ("clock.ticked", "parameter.set")


class HouseholdDirectory:
    """Every registered household id, read incrementally from the event store."""

    def __init__(self, households: HouseholdsApp) -> None:
        self.app = households
        self.ids: list[str] = []
        self._position = 0

    def refresh(self) -> list[str]:
        while True:
            found = self.app.recorder.select_notifications(
                self._position + 1, 5000, topics=[REGISTERED_TOPIC]
            )
            if not found:
                return self.ids
            for notification in found:
                self.ids.append(self.app.mapper.to_domain_event(notification).household_id)
            self._position = found[-1].id


class RuleWorker:
    """Turns integration events into raised and cleared alerts."""

    def __init__(
        self,
        households: HouseholdsApp,
        alerts: AlertsApp,
        judge: Judge,
        partition_of: Callable[[str], int],
    ) -> None:
        self.households = households
        self.alerts = alerts
        self.judge = judge
        self.partition_of = partition_of
        self.directory = HouseholdDirectory(households)
        self.evaluations = 0

    def handle_batch(self, records: list[tuple[dict[str, Any], str, int, int]]) -> None:
        """Process decoded records from `qianshao.events`: each household once per batch."""
        households: dict[str, str] = {}
        broadcasts: dict[int, str] = {}
        for record, _topic, partition, _offset in records:
            kind = record.get("type", "")
            if kind.startswith("household.") and record.get("household"):
                households[record["household"]] = record["event_id"]
            elif kind in BROADCASTS:
                broadcasts[partition] = record["event_id"]
        for household, cause in households.items():
            self.evaluate([household], cause=[cause])
        for partition, cause in broadcasts.items():
            self.evaluate_partition(partition, cause)

    def evaluate_partition(self, partition: int, cause: str) -> None:
        """A clock tick or parameter change: judge every household of this partition,
        then escalate its alerts that were not acknowledged in time (LATE.ALERT_UNHANDLED)."""
        mine = [h for h in self.directory.refresh() if self.partition_of(h) == partition]
        for start in range(0, len(mine), TICK_BATCH):
            self.evaluate(mine[start : start + TICK_BATCH], cause=[cause])
        today = self.clock()
        if today is not None:
            for household in mine:
                self.escalate(household, today)

    def escalate(self, household: str, on: date) -> None:
        """Escalate each open, unacknowledged alert of the household past its deadline."""
        try:
            book = self.alerts.repository.get(AlertBook.id_for(household))
        except AggregateNotFoundError:
            return
        table = self.judge.parameters
        for alert_id in list(book.open.values()):
            alert = self.alerts.repository.get(UUID(alert_id))
            limit = table.lookup(f"sla.ack.{alert.severity}", alert.region, on)
            if not alert.needs_escalation() or limit is None:
                continue
            raised = date.fromisoformat(alert.raised_on)
            if is_unhandled(raised, alert.severity, int(limit.value), on):
                deadline = ack_deadline(raised, alert.severity, int(limit.value))
                alert.escalate(on=on.isoformat(), to=supervisor_of(alert.region), deadline=deadline.isoformat())
                try:
                    self.alerts.save(alert)
                except IntegrityError:
                    continue  # acknowledged or changed meanwhile: judged again at the next tick

    def clock(self) -> date | None:
        try:
            today = self.households.repository.get(CLOCK_ID).today
        except AggregateNotFoundError:
            return None
        return date.fromisoformat(today) if today else None

    def evaluate(self, household_ids: Iterable[str], cause: list[str]) -> None:
        """Judge the households in one engine batch and reconcile each one's alerts."""
        today = self.clock()
        loaded = [self.observations_of(h) for h in household_ids]
        present = [(h, obs) for h, obs in loaded if obs]
        judged_on = [self.judged_on(obs, today) for _, obs in present]
        results = self.judge.judge_many([(obs, on) for (_, obs), on in zip(present, judged_on)])
        self.evaluations += len(present)
        for (household, _), on, findings in zip(present, judged_on, results):
            self._reconcile(household, findings, on, cause)

    def _reconcile(self, household: str, findings: list[Any], on: date, cause: list[str]) -> None:
        """Save the alert changes; if another writer changed the book meanwhile, reload and retry."""
        for _ in range(RETRIES):
            book, changes = reconcile(self.alerts, household, findings, on, cause)
            if not changes:
                return
            try:
                save_changes(self.alerts, book, changes)
                return
            except IntegrityError:
                continue
        raise RuntimeError(f"could not save the alerts of {household} after {RETRIES} attempts")

    def observations_of(self, household: str) -> tuple[str, list[dict[str, Any]]]:
        try:
            return household, self.households.repository.get(Household.id_for(household)).observations
        except AggregateNotFoundError:
            return household, []

    @staticmethod
    def judged_on(observations: list[dict[str, Any]], today: date | None) -> date:
        latest = max(datetime.fromisoformat(o["observed_at"]).date() for o in observations)
        return max(latest, today) if today else latest
