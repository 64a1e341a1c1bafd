"""The rule worker's household directory kept beside its due dates, on SQLite and PostgreSQL: a worker
that starts decodes only the registrations after the last kept one and knows the same households, in
the same partitions, as one that read the whole log; kept rows that do not match the log are dropped."""

from __future__ import annotations

from datetime import date
from functools import partial
from pathlib import Path
from typing import Any, Iterator

import pytest

from domain.households.clock import tick
from domain.policy.parameters import ParameterTable
from infra.due_dates import SqlDueDates
from infra.event_store import open_alerts, open_households
from infra.kafka.clients import partition_for
from infra.known_households import SqlKnownHouseholds
from infra.settings import Settings
from infra.shared_tables import open_shared_tables
from rules.catalog import CATALOG
from rules.engine import RuleEngine
from rules.findings import Judge
from rules.household_directory import HouseholdDirectory
from rules.worker import RuleWorker
from tests.infra.shared_backends import backend_settings  # noqa: F401 - the fixture
from tests.rules.test_worker import NAMES, PARTITIONS, household, open_slots

partition_of = partial(partition_for, partitions=PARTITIONS)


class CountingDecodes:
    """The households app's mapper, counting what it decodes (what a kept directory saves)."""

    def __init__(self, mapper: Any) -> None:
        self.mapper, self.decoded = mapper, 0

    def to_domain_event(self, stored: Any) -> Any:
        self.decoded += 1
        return self.mapper.to_domain_event(stored)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.mapper, name)


def directory_on(settings: Settings) -> HouseholdDirectory:
    directory = HouseholdDirectory(open_households(settings), partition_of,
                                   SqlKnownHouseholds(open_shared_tables(settings, "rule_due")))
    directory.app.mapper = CountingDecodes(directory.app.mapper)  # type: ignore[assignment]
    return directory


def test_a_directory_that_starts_reads_only_the_registrations_after_the_kept_ones(backend_settings: Settings) -> None:
    households = open_households(backend_settings)
    households.accept_batch([o for name in NAMES[:8] for o in household(name)])
    first = directory_on(backend_settings)
    assert first.refresh() == NAMES[:8] and first.app.mapper.decoded == 8  # type: ignore[attr-defined]

    households.accept_batch([o for name in NAMES[8:] for o in household(name)])
    second = directory_on(backend_settings)
    assert second.refresh() == NAMES
    assert second.app.mapper.decoded == len(NAMES) - 8  # type: ignore[attr-defined]
    whole = HouseholdDirectory(open_households(backend_settings), partition_of)
    whole.refresh()
    assert second.by_aggregate == whole.by_aggregate
    for partition in range(PARTITIONS):
        assert second.of_partition(partition) == whole.of_partition(partition) != set()


def worker_on(settings: Settings, engine: RuleEngine, keep: bool = True) -> RuleWorker:
    tables = open_shared_tables(settings, "rule_due")
    return RuleWorker(open_households(settings), open_alerts(settings), Judge(CATALOG, engine, ParameterTable()),
                      partition_of, SqlDueDates(tables), known=SqlKnownHouseholds(tables) if keep else None)


def run_two_starts(settings: Settings, engine: RuleEngine, keep: bool) -> RuleWorker:
    """Eight households judged, a restart, four more registered and a tick: the second worker."""
    first = worker_on(settings, engine, keep)
    first.households.accept_batch([o for name in NAMES[:8] for o in household(name)])
    first.households.accept(tick(date(2026, 11, 3)))
    first.catch_up(range(PARTITIONS))
    second = worker_on(settings, engine, keep)
    second.households.mapper = CountingDecodes(second.households.mapper)  # type: ignore[assignment]
    second.households.accept_batch([o for name in NAMES[8:] for o in household(name)])
    second.households.accept(tick(date(2026, 11, 4)))
    second.catch_up(range(PARTITIONS))
    return second


def test_a_restarted_worker_with_a_kept_directory_raises_what_one_reading_the_whole_log_raises(
        backend_settings: Settings, engine: RuleEngine, tmp_path: Path) -> None:
    kept = run_two_starts(backend_settings, engine, keep=True)
    whole = run_two_starts(Settings(data_dir=tmp_path / "whole", partitions=PARTITIONS), engine, keep=False)
    assert kept.directory.ids == whole.directory.ids == NAMES
    assert open_slots(kept) == open_slots(whole) and any(open_slots(kept).values())
    # The same judgements from the same events, less the eight registrations the table kept.
    assert whole.households.mapper.decoded - kept.households.mapper.decoded == 8  # type: ignore[attr-defined]


@pytest.fixture()
def engine() -> Iterator[RuleEngine]:
    running = RuleEngine(CATALOG)
    yield running
    running.close()
