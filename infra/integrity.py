"""Verify each application's hash chain against its stored events and name the first break.

The log and the chain are walked side by side in notification order:

    event without a link              inserted (a row added behind the application's back)
    link without an event             deleted  (the link still names the removed event)
    link not following the previous   deleted  (an event and its link were both removed before it)
    hash differs from the content     edited   (the stored row, or its link, was changed)

Events recorded before the chain existed also show as `inserted` at notification 1.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Hashable, Iterator, Mapping, Sequence

from infra.hash_chain import GENESIS, canonical_id, link_hash

BATCH = 2000


@dataclass(frozen=True)
class ChainBreak:
    """Where and how the chain breaks."""

    notification_id: int
    originator_id: str
    originator_version: int
    topic: str
    problem: str  # edited | deleted | inserted
    detail: str

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class ChainReport:
    """One application's verdict: how many events were checked, the head, the first break if any."""

    application: str
    events: int = 0
    head: str | None = None
    seconds: float = 0.0
    broken: ChainBreak | None = None

    @property
    def ok(self) -> bool:
        return self.broken is None

    def to_json(self) -> dict[str, Any]:
        return {"application": self.application, "ok": self.ok, "events": self.events, "head": self.head,
                "seconds": round(self.seconds, 3), "break": self.broken.to_json() if self.broken else None}


@dataclass
class _Walk:
    prev: bytes = GENESIS
    checked: int = 0
    last_ok: int = 0
    progress: Callable[[int], None] = field(default=lambda n: None)


def verify_application(name: str, recorder: Any, progress: Callable[[int], None] = lambda n: None) -> ChainReport:
    """Walk one application's log and chain; stop at the first break."""
    started = time.perf_counter()
    report = ChainReport(name)
    walk = _Walk(progress=progress)
    for event, link in _pairs(recorder):
        broken = _check(walk, event, link)
        if broken is not None:
            report.broken = broken
            break
    report.events, report.head = walk.checked, walk.prev.hex() if walk.checked else None
    report.seconds = time.perf_counter() - started
    return report


def verify_all(recorders: Mapping[str, Any], progress: Callable[[int], None] = lambda n: None) -> list[ChainReport]:
    return [verify_application(name, recorder, progress) for name, recorder in recorders.items()]


SETTLED_S = 0.5  # a verdict is kept only when the files were last written this long before its walk began
REFRESH_BUDGET = 0.1  # background walks of a log take at most this share of the time (of one core)
QUIET_S = 2.0  # a log is walked ahead once its files were not written for this long


class KeptVerdicts:
    """Each log's verdict, kept while the files of its store are exactly as they were when it was walked.

    Why: the integrity page walks every event of every log (53,000 on the demo, seconds on a busy
    machine), though most views of the page come while nothing was written. Why it is exact: a verdict
    depends only on the stored rows, and any write to a SQLite store (an event recorded by the
    application, or a row edited, deleted or inserted behind its back through any connection) changes
    the database file's or its journal's size, modification or change time (`SQLiteChain.file_marks`). A verdict
    is kept only when the marks read before and after its walk agree and the files were last written
    at least `SETTLED_S` before the walk began, so a write in the same tick of the file system's clock as
    the marks were read cannot hide behind them. Stores that cannot say (PostgreSQL, in memory) are
    walked every time. What it does not stand against: someone who rewrites the file with the system's
    clock set back (the change time follows the clock; `touch` cannot set it), who could as well recompute
    the chain itself (its hashes have no key): note the heads elsewhere to detect that.
    """

    def __init__(self, recorders: Mapping[str, Any], clock: Callable[[], float] = time.time) -> None:
        self._recorders = recorders
        self._clock = clock
        self._kept: dict[str, tuple[Hashable, ChainReport]] = {}
        self._lock = threading.Lock()
        self._walking: dict[str, threading.Lock] = {}
        self._next_refresh: dict[str, float] = {}  # per log: not walked ahead again before this moment
        self.refreshed = 0

    def verify(self) -> list[ChainReport]:
        """Every log's verdict: the one kept for it when its files have not changed since, else walked now."""
        return [self._verdict(name, recorder) for name, recorder in self._recorders.items()]

    def refresh(self) -> bool:
        """Walk ahead of the page each log written since its verdict, once its files have been quiet for
        `QUIET_S` (a burst of writes is over); each log within `REFRESH_BUDGET` (its next walk waits until
        its walks took at most that share of the time since), so a large log written all the time is not
        walked over and over while a small one is kept fresh. True when it walked one."""
        now, walked = self._clock(), False
        for name, recorder in self._recorders.items():
            marks = _marks(recorder)
            with self._lock:
                kept = self._kept.get(name)
            if (marks is None or (kept is not None and kept[0] == marks) or now < self._next_refresh.get(name, 0.0)
                    or not _written_before(marks, now - QUIET_S)):
                continue
            started = time.perf_counter()
            self._verdict(name, recorder)
            self._next_refresh[name] = now + (time.perf_counter() - started) / REFRESH_BUDGET
            self.refreshed, walked = self.refreshed + 1, True
        return walked

    def _verdict(self, name: str, recorder: Any) -> ChainReport:
        """The kept verdict if the files are as it saw them, else a walk (one at a time per log: a page
        asking while the refresh walks waits for that walk instead of making a second one beside it)."""
        kept = self._kept_for(name, _marks(recorder))
        if kept is not None:
            return kept
        with self._walking.setdefault(name, threading.Lock()):
            before = _marks(recorder)
            kept = self._kept_for(name, before)
            if kept is not None:
                return kept
            started = self._clock()
            report = verify_application(name, recorder)
            if before is not None and _marks(recorder) == before and _written_before(before, started - SETTLED_S):
                with self._lock:
                    self._kept[name] = (before, report)
        return report

    def _kept_for(self, name: str, marks: Hashable | None) -> ChainReport | None:
        with self._lock:
            kept = self._kept.get(name)
        return kept[1] if marks is not None and kept is not None and kept[0] == marks else None


def _marks(recorder: Any) -> Hashable | None:
    return getattr(recorder, "file_marks", lambda: None)()


def _written_before(marks: Any, moment: float) -> bool:
    """Whether every file was last modified and changed before `moment` (seconds since the epoch)."""
    return all(mark is None or max(mark[3], mark[4]) < moment * 1e9 for mark in marks)


# The walk reads plain rows, not Notification and Link objects (a third of its time went to building them):
EventRow = Sequence[Any]  # (notification id, originator id, originator version, topic, stored state)
LinkRow = Sequence[Any]  # (notification id, originator id, originator version, topic, previous hash, hash)


def _check(walk: _Walk, event: EventRow | None, link: LinkRow | None) -> ChainBreak | None:
    if link is None:
        assert event is not None
        return _break(event, "inserted", "事件没有链接：绕过应用写入 / no chain link: written behind the application's back")
    if event is None:
        return ChainBreak(link[0], link[1], link[2], link[3], "deleted",
                          "链接所指事件已不在日志中 / the chain records this event but the log no longer holds it")
    if link[4] != walk.prev:
        return _break(event, "deleted", f"链接未接续上一个（{walk.last_ok} 之后有事件连同链接被删除） / the link does not "
                                        f"follow the previous one: events after {walk.last_ok} were removed with "
                                        "their links")
    if link_hash(walk.prev, event[0], event[1], event[2], event[3], event[4]) != link[5]:
        return _break(event, "edited", "内容与记录时不符 / the stored content differs from what was recorded")
    walk.prev, walk.checked, walk.last_ok = link[5], walk.checked + 1, event[0]
    walk.progress(1)
    return None


def _break(event: EventRow, problem: str, detail: str) -> ChainBreak:
    return ChainBreak(event[0], canonical_id(event[1]), event[2], event[3], problem, detail)


def _pairs(recorder: Any) -> Iterator[tuple[EventRow | None, LinkRow | None]]:
    """(event, link) by notification id, either side None where the other has no partner."""
    events, links = _events(recorder), _links(recorder)
    event, link = next(events, None), next(links, None)
    while event is not None or link is not None:
        if link is None or (event is not None and event[0] < link[0]):
            yield event, None
            event = next(events, None)
        elif event is None or link[0] < event[0]:
            yield None, link
            link = next(links, None)
        else:
            yield event, link
            event, link = next(events, None), next(links, None)


def _events(recorder: Any) -> Iterator[EventRow]:
    select = getattr(recorder, "select_stored_rows", None) or (lambda start, limit: [
        (n.id, n.originator_id, n.originator_version, n.topic, n.state) for n in recorder.select_stored(start, limit)])
    start = 1
    while batch := select(start, BATCH):
        yield from batch
        start = batch[-1][0] + 1


def _links(recorder: Any) -> Iterator[LinkRow]:
    select = getattr(recorder, "select_link_rows", None) or (lambda start, limit: [
        (k.notification_id, k.originator_id, k.originator_version, k.topic, k.prev_hash, k.hash)
        for k in recorder.select_links(start, limit)])
    start = 1
    while batch := select(start, BATCH):
        yield from batch
        start = batch[-1][0] + 1


def open_applications(settings: Any) -> dict[str, Any]:
    """Every application, opened from the settings (keep them: a dropped application closes its store)."""
    from infra.event_store import open_alerts, open_audit, open_households, open_identity

    opened = (open_households, open_alerts, open_identity, open_audit)
    return {app.name: app for app in (opener(settings) for opener in opened)}


def runtime_recorders(runtime: Any) -> dict[str, Any]:
    """Every application's recorder in a running process (the API)."""
    apps = (runtime.households, runtime.alerts, runtime.identity, runtime.audit)
    return {app.name: app.recorder for app in apps}
