"""The relay: tail the event stores' notification logs and publish to `qianshao.events`.

Records are keyed by household id, so one household's events stay in order on
one partition. A clock tick or a parameter change concerns every household, so
it is published to every partition (key "clock"); each rule worker then judges
its own households.

The relay never advances past a record the broker did not acknowledge: every
send's future is checked after the flush (a `flush()` that returns proves
nothing), and the position moves to the last notification whose records were
all acknowledged. A record the broker can never take (too large, say) is
dead-lettered in the relay's own database with the reason and skipped; the
rule worker reads the store, so the household is still judged.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Mapping

from kafka import KafkaProducer
from kafka.errors import KafkaError, MessageSizeTooLargeError

from domain.tracked_application import TrackedApplication
from infra.kafka.integration_events import CLOCK_KEY, to_integration_event
from infra.supervisor import ComponentHealth, SupervisedLoop
from infra.kafka.relay_lock import RelayLock
from infra.positions import PositionStore
from infra.shared_tables import SharedTables

log = logging.getLogger(__name__)

BROADCAST = ("clock.ticked", "parameter.set")
FLUSH_TIMEOUT_S = 60.0
ALERT_CACHE_SIZE = 100_000  # alert id -> household, for alert events that do not name it
UNPUBLISHABLE = (MessageSizeTooLargeError, TypeError, ValueError)


class RelayError(RuntimeError):
    """The broker did not acknowledge a record: the relay stays where it was and tries again."""


@dataclass(frozen=True)
class DeadLetter:
    source: str
    position: int
    type: str
    household: str | None
    reason: str
    at: str


class DeadLetters:
    """Records the broker refused for good, kept beside the relay's positions (shared by every relay)."""

    def __init__(self, tables: SharedTables) -> None:
        self._tables = tables
        self._tables.create(
            "CREATE TABLE IF NOT EXISTS relay_dead_letters (source TEXT, position BIGINT, type TEXT, "
            "household TEXT, reason TEXT, at TEXT, PRIMARY KEY (source, position))"
        )

    def add(self, letter: DeadLetter) -> None:
        self._tables.execute(
            "INSERT INTO relay_dead_letters VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (source, position) DO UPDATE "
            "SET type = excluded.type, household = excluded.household, reason = excluded.reason, at = excluded.at",
            (letter.source, letter.position, letter.type, letter.household, letter.reason, letter.at))

    def all(self) -> list[DeadLetter]:
        rows = self._tables.execute("SELECT * FROM relay_dead_letters ORDER BY at, source, position")
        return [DeadLetter(*row) for row in rows]

    def last(self) -> DeadLetter | None:
        rows = self._tables.execute("SELECT * FROM relay_dead_letters ORDER BY at DESC, position DESC LIMIT 1")
        return DeadLetter(*rows[0]) if rows else None

    def count(self) -> int:
        return int(self._tables.execute("SELECT COUNT(*) FROM relay_dead_letters")[0][0])

    def close(self) -> None:
        self._tables.close()


class Relay:
    """Publishes integration events from several applications, remembering how far it got."""

    def __init__(
        self,
        apps: Mapping[str, TrackedApplication],
        producer_factory: Callable[[], KafkaProducer],
        topic: str,
        partitions: int,
        positions: PositionStore,
        dead_letters: DeadLetters,
        flush_timeout_s: float = FLUSH_TIMEOUT_S,
    ) -> None:
        """`flush_timeout_s`: how long to wait for acknowledgements before giving the round up; a
        little over the producer's delivery timeout (a batch in flight to a hung broker may not
        expire on its own)."""
        self.apps = apps
        self.flush_timeout_s = flush_timeout_s
        self.producer_factory = producer_factory
        self.producer: KafkaProducer | None = None
        self.topic = topic
        self.partitions = partitions
        self.positions = positions
        self.dead_letters = dead_letters
        self.published = 0
        self._alert_households: dict[str, str] = {}

    def run_once(self, limit: int = 1000) -> int:
        """Publish what is new in every application; returns how many notifications were read."""
        return sum(self._relay(name, app, limit) for name, app in self.apps.items())

    def position(self, name: str) -> int:
        return self.positions.get(f"relay:{name}")

    def lag(self) -> int:
        return sum(max(0, (a.recorder.max_notification_id() or 0) - self.position(n)) for n, a in self.apps.items())

    def caught_up(self) -> bool:
        return self.lag() == 0

    def reset_producer(self) -> None:
        """Drop the producer (after a failure): the next round starts with a fresh connection."""
        producer, self.producer = self.producer, None
        if producer is not None:
            try:
                producer.close(timeout=1)
            except Exception:  # noqa: BLE001 - a broken producer may fail to close; it is dropped anyway
                log.warning("the old producer did not close cleanly", exc_info=True)

    def close(self) -> None:
        self.reset_producer()

    def _relay(self, name: str, app: TrackedApplication, limit: int) -> int:
        notifications = app.recorder.select_notifications(self.position(name) + 1, limit)
        if not notifications:
            return 0
        if self.producer is None:
            self.producer = self.producer_factory()
        sent: list[tuple[int, dict[str, Any] | None, list[Any]]] = []
        for notification in notifications:
            event = app.mapper.to_domain_event(notification)
            record = to_integration_event(name, notification.id, event, self._household_of(app))
            futures = self._send(record) if record is not None else []
            sent.append((notification.id, record, futures))
            if any(isinstance(f, BaseException) and not isinstance(f, UNPUBLISHABLE) for f in futures):
                break  # the broker is not there: sending the rest would only wait `max_block_ms` each
        try:
            self.producer.flush(timeout=self.flush_timeout_s)
        except KafkaError:
            pass  # each future says what was delivered; _advance checks them one by one
        self._advance(name, sent)
        return len(notifications)

    def _advance(self, name: str, sent: list[tuple[int, dict[str, Any] | None, list[Any]]]) -> None:
        """Move the position to the last notification whose every record the broker acknowledged."""
        done = self.position(name)
        try:
            for position, record, futures in sent:
                self._check(name, position, record, futures)
                done = position
        finally:
            if done > self.position(name):
                self.positions.set(f"relay:{name}", done)

    def _check(self, name: str, position: int, record: dict[str, Any] | None, futures: list[Any]) -> None:
        for future in futures:
            if isinstance(future, BaseException):
                error: BaseException | None = future
            elif not future.is_done:
                raise RelayError(f"the broker did not acknowledge {name}:{position} in time")
            else:
                error = future.exception if future.failed() else None
            if error is None:
                continue
            if isinstance(error, UNPUBLISHABLE) and record is not None:
                self._dead_letter(name, position, record, error)
                return
            raise RelayError(f"publishing {name}:{position} failed: {type(error).__name__}: {error}") from error
        self.published += len(futures)

    def _dead_letter(self, name: str, position: int, record: dict[str, Any], error: BaseException) -> None:
        reason = f"{type(error).__name__}: {error}"[:500]
        log.error("cannot publish %s:%s (%s): dead-lettered, the relay goes on", name, position, reason)
        at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        self.dead_letters.add(DeadLetter(name, position, record["type"], record.get("household"), reason, at))

    def _send(self, record: dict[str, Any]) -> list[Any]:
        """Send one record (to every partition for broadcasts); futures, or the error send raised."""
        assert self.producer is not None
        targets: list[tuple[str | None, int | None]]
        if record["type"] in BROADCAST:
            targets = [(CLOCK_KEY, p) for p in range(self.partitions)]
        else:
            if record["type"] == "alert.raised":
                if len(self._alert_households) >= ALERT_CACHE_SIZE:
                    self._alert_households.clear()  # a look-up in the store fills it again
                self._alert_households[record["alert"]["id"]] = record["household"]
            targets = [(record["household"], None)]
        futures: list[Any] = []
        for key, partition in targets:
            try:
                futures.append(self.producer.send(self.topic, key=key, value=record, partition=partition))
            except (KafkaError, *UNPUBLISHABLE) as error:
                futures.append(error)
        return futures

    def _household_of(self, app: TrackedApplication) -> Any:
        def household_of(alert_id: Any) -> str | None:
            known = self._alert_households.get(str(alert_id))
            if known is None:
                known = app.repository.get(alert_id).household
                self._alert_households[str(alert_id)] = known
            return known

        return household_of


class RelayComponent:
    """The relay as a supervised component: a failed round drops the producer and retries.

    Only the holder of the relay lock publishes; another relay (a second one started by mistake, or a hot
    standby on another host) is up and says `standby` in `/health` until the holder dies.
    """

    name = "relay"

    def __init__(self, relay: Relay, lock: RelayLock | None = None) -> None:
        self.relay = relay
        self.lock = lock
        self.active = lock is None
        self.loop = SupervisedLoop("relay", self._round, on_error=lambda _: self.relay.reset_producer())

    def _round(self) -> bool:
        if self.lock is not None:
            held = self.lock.hold()
            if held != self.active:
                log.warning("this relay is now %s", "publishing (it holds the relay lock)" if held else
                            "on standby (another relay holds the lock)")
                if not held:
                    self.relay.reset_producer()
            self.active = held
            if not held:
                return False
        return self.relay.run_once() > 0

    def start(self) -> None:
        self.loop.start()

    def stop(self) -> None:
        self.loop.stop()
        self.relay.close()
        if self.lock is not None:
            self.lock.release()

    def health(self) -> ComponentHealth:
        last = self.relay.dead_letters.last()
        return self.loop.health(
            lag=self.relay.lag(), published=self.relay.published, dead_letters=self.relay.dead_letters.count(),
            role="active" if self.active else "standby",
            last_dead_letter=None if last is None else
            {"source": last.source, "position": last.position, "type": last.type, "reason": last.reason},
        )
