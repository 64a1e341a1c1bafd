"""The rule worker's folded households, kept between evaluations (bounded, least recently used out).

Judging a household after a new observation used to read its whole history and fold it again:
an evaluation cost grew with the history (0.17 ms at 5 observations, 1.17 ms at 722). Here
each household's fold is kept with the aggregate version it reflects; before a household is
judged, the store is asked for its events after that version (one indexed read, usually one
event) and only those are applied (domain/households/running_fold.py says when that is exact;
otherwise the household is folded again from its observations in force).

Nothing here is a source of truth: the store is read before every evaluation batch (the kept
households' versions in one query, then the new events of those that changed), so a kept fold
is never judged behind the store as of that batch (an event stored later comes through the log
and has its household judged again), and a restarted worker (or one given another worker's
partitions) starts empty and folds each household once from the store.
"""

from __future__ import annotations

from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, TypeVar

from eventsourcing.application import AggregateNotFoundError

from domain.households.application import HouseholdsApp
from domain.households.household import Household
from domain.households.running_fold import RunningFold

T = TypeVar("T")
DEFAULT_SIZE = 20_000  # households kept (the households store's aggregate cache holds as many)


class FoldFailed(Exception):
    """Folding the household raised `error` (the judge reports it as the household's failure;
    an error reading the store is not one of these and propagates as it is)."""

    def __init__(self, household: str, error: Exception) -> None:
        super().__init__(f"folding {household} failed: {error}")
        self.household = household
        self.error = error


@dataclass
class FoldCounts:
    """How each evaluation's state was had: kept as it was, extended in place, or folded again."""

    unchanged: int = 0
    extended: int = 0
    refolded: int = 0
    folded: int = 0  # not kept before (first sight, evicted, or after a restart)


class KeptFolds:
    """Folded households by id, at most `size` of them, each brought up to the store before use."""

    def __init__(self, households: HouseholdsApp, size: int = DEFAULT_SIZE) -> None:
        self.households = households
        self.size = size
        self.counts = FoldCounts()
        self._kept: OrderedDict[str, RunningFold] = OrderedDict()
        self._fetched: dict[Any, Household] = {}
        self._stored: dict[str, int] = {}  # within `prefetched`: the store's version of kept households

    def __len__(self) -> int:
        return len(self._kept)

    def current(self, household: str) -> RunningFold | None:
        """The household's fold as the store holds it now, or None for one never registered.

        A fold that raises is `FoldFailed`, and the household is not kept: its next evaluation
        folds it from the store again (and fails the same way while its observations are the same).
        """
        kept = self._kept.pop(household, None)
        if kept is not None and self._stored.get(household) == kept.version:
            self.counts.unchanged += 1  # the store's version, read for the whole batch, is the kept one
            return self._keep(kept)
        if kept is not None:
            events = list(self.households.events.get(Household.id_for(household), gt=kept.version))
            if not events:
                self.counts.unchanged += 1
                return self._keep(kept)
            if _folding(household, kept.extend, events):
                self.counts.extended += 1
                return self._keep(kept)
            self.counts.refolded += 1
        else:
            self.counts.folded += 1
        fresh = self._fold(household)
        return self._keep(fresh) if fresh is not None else None

    @contextmanager
    def prefetched(self, households: Iterable[str]) -> Iterator[None]:
        """Within the block, the households neither kept here nor in the store's cache (which brings its copy
        up to date with one read) are folded from histories read all at once (one query where the store can;
        `TrackedApplication.reconstructed`): a worker with nothing kept (a restart, a city-wide tick) otherwise
        reads each household on its own."""
        wanted = list(dict.fromkeys(households))
        ids = (Household.id_for(h) for h in wanted if h not in self._kept)
        cold = [i for i in ids if not self.households.is_cached(i)]
        self._fetched = (self.households.reconstructed(cold) or {}) if cold else {}
        self._stored = self._stored_versions([h for h in wanted if h in self._kept])
        try:
            yield
        finally:
            self._fetched, self._stored = {}, {}

    def _stored_versions(self, households: list[str]) -> dict[str, int]:
        """The store's last version of each kept household, in one query (empty when the store cannot
        tell: then each is asked for its new events). A kept fold at that version is current without
        a read of its own, so a city-wide tick or parameter change by a warm worker reads once per batch."""
        by_id = {Household.id_for(h): h for h in households}
        versions = self.households.stored_versions(by_id) if by_id else None
        return {by_id[i]: v for i, v in (versions or {}).items()}

    def _fold(self, household: str) -> RunningFold | None:
        """Fold the household's observations in force (read without copying: nothing here writes). An
        aggregate read in bulk is not put in the store's cache: the fold is kept instead, and a worker
        keeping a city's folds (`QIANSHAO_FOLDS_KEPT`) would otherwise hold each household twice."""
        aggregate_id = Household.id_for(household)
        aggregate = self._fetched.pop(aggregate_id, None)
        if aggregate is None:
            try:
                aggregate = self.households.repository.get(aggregate_id, deepcopy_from_cache=False)
            except AggregateNotFoundError:
                return None
        observations = list(aggregate.observations)
        if not observations:
            return None
        return _folding(household, RunningFold.of, household, observations, aggregate.version)

    def _keep(self, fold: RunningFold) -> RunningFold:
        self._kept[fold.household] = fold
        while len(self._kept) > self.size:
            self._kept.popitem(last=False)
        return fold

    def forget(self) -> None:
        """Drop every kept fold (they are rebuilt from the store as households are judged)."""
        self._kept.clear()


def _folding(household: str, step: Callable[..., T], *args: Any) -> T:
    """Run a folding step; what it raises becomes FoldFailed (the household's own failure)."""
    try:
        return step(*args)
    except Exception as error:  # noqa: BLE001 - one household's observations must not stop the others
        raise FoldFailed(household, error) from error
