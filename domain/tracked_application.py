"""The base of the event-sourced applications: each has its own store (one SQLite file each, since
eventsourcing's SQLite table names are fixed; on PostgreSQL, tables named after the application)."""

from __future__ import annotations

from copy import deepcopy
from typing import Any, Iterable, NamedTuple, Sequence
from uuid import UUID

from eventsourcing.application import Application, ProcessingEvent, Repository
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import Recording


class NotificationHead(NamedTuple):
    """A notification without its event's state: where in the log, of which aggregate, of what kind."""

    id: int
    originator_id: UUID
    originator_version: int
    topic: str


class CollectedEvents(ProcessingEvent):  # type: ignore[type-arg]
    """eventsourcing's `ProcessingEvent`, collecting an aggregate's events without the library's two runtime
    Protocol checks (`isinstance` against a Protocol): about 25 µs an aggregate, 13 % of a batch's save in
    bench/intake.py. Anything else (a bare event) is collected as the library does."""

    def collect_events(self, *objs: Any, **kwargs: Any) -> None:
        others = []
        for obj in objs:
            if isinstance(obj, Aggregate):
                self.events.extend(obj.collect_events())
                self.aggregates[obj.id] = obj
            elif obj is not None:
                others.append(obj)
        super().collect_events(*others, **kwargs)


def apply_events(aggregate: Any, domain_events: Iterable[Any]) -> Any:
    """eventsourcing's `project_aggregate` without its assertion, on every event, that the event satisfies a
    runtime Protocol (an `isinstance` against a Protocol: about 50 µs an event, 13 % of a first judgement)."""
    for domain_event in domain_events:
        aggregate = domain_event.mutate(aggregate)
    return aggregate


class PlainRepository(Repository):  # type: ignore[type-arg]
    """The library's repository, reconstructing and fast-forwarding with `apply_events` unless told otherwise."""

    def get(self, aggregate_id: Any, *, projector_func: Any = apply_events, **kwargs: Any) -> Any:
        return super().get(aggregate_id, projector_func=projector_func, **kwargs)


class TrackedApplication(Application):
    """An application with a larger notification-log section (readers tail it in big steps)."""

    log_section_size = 1000

    def construct_repository(self) -> Repository:  # type: ignore[type-arg]
        """The library's repository, built with the library's settings, as a `PlainRepository` (which adds no
        state and changes only `get`'s default projector)."""
        repository = super().construct_repository()
        repository.__class__ = PlainRepository
        return repository

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording[Any]]:
        """The library's `save`, collecting with `CollectedEvents`."""
        processing_event = CollectedEvents()
        processing_event.collect_events(*objs, **kwargs)
        recordings = self._record(processing_event)
        self._take_snapshots(processing_event)
        self._notify(recordings)
        self.notify(processing_event.events)  # deprecated by the library, called by its `save` still
        return recordings

    def stored_versions(self, aggregate_ids: Iterable[Any]) -> dict[Any, int] | None:
        """The last stored version of each of the aggregates that have events, read in one query; None
        when the recorder cannot tell (then each aggregate is looked up on its own). Why: a batch of new
        households would otherwise ask the store once for every id it finds absent."""
        latest = getattr(self.recorder, "latest_versions", None)
        ids = list(aggregate_ids)
        return latest(ids) if latest is not None and ids else ({} if latest is not None else None)

    def notification_heads(self, start: int, limit: int, stop: int | None = None,
                           topics: Sequence[str] = ()) -> Sequence[NotificationHead]:
        """The log's notifications from `start` without their events' state, where the recorder can leave it
        out (else the notifications themselves, which carry the same fields). Why: a reader that only asks
        whose each notification is (and reads the aggregates on its own) need not fetch and hold 50,000 states."""
        select = getattr(self.recorder, "select_heads", None)
        if select is not None:
            return select(start, limit, stop=stop, topics=topics)  # type: ignore[no-any-return]
        return self.recorder.select_notifications(start, limit, stop=stop, topics=topics)  # type: ignore[no-any-return]

    def reconstructed(self, aggregate_ids: Iterable[Any]) -> dict[Any, Any] | None:
        """The aggregates among `aggregate_ids` that have events, each rebuilt from its whole history, all
        read in one query; None when the recorder cannot (then `repository.get` reads them one by one).
        Why: a worker with nothing kept (a restart, a city-wide tick) would ask the store once per household."""
        select = getattr(self.recorder, "select_histories", None)
        if select is None:
            return None
        ids = list(aggregate_ids)
        found = {}
        for aggregate_id, stored in (select(ids) if ids else {}).items():
            aggregate = apply_events(None, map(self.mapper.to_domain_event, stored))
            if aggregate is not None:
                found[aggregate_id] = aggregate
        return found

    def is_cached(self, aggregate_id: Any) -> bool:
        """Whether the repository's cache holds the aggregate (at some version), without touching its recency."""
        cache = self.repository.cache
        return cache is not None and aggregate_id in cache.cache

    def cached_at(self, aggregate_id: Any, version: int) -> Any | None:
        """A copy of the cached aggregate when it is at `version` (the store's last, as `stored_versions` read
        it): then nothing is read from the store. None when it is not cached or older (then `repository.get`
        reads and fast-forwards it). A copy taken while another thread fast-forwards the same aggregate is
        refused (None) or found out by the save's version check, which redoes the batch."""
        cache = self.repository.cache
        try:
            cached = cache.get(aggregate_id) if cache is not None else None
            return deepcopy(cached) if cached is not None and cached.version == version else None
        except (KeyError, RuntimeError):  # not cached; changed under the copy by another thread
            return None

    def keep_cached(self, *aggregates: Any) -> None:
        """Put just-saved aggregates in the cache as they are now. The library does so only when it does not
        fast-forward; with `cached_at`, the next batch that finds their stored version unchanged reads nothing."""
        if self.repository.cache is not None:
            for aggregate in aggregates:
                self.repository.cache.put(aggregate.id, aggregate)
