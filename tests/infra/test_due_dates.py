"""The rule worker's due dates on SQLite and PostgreSQL: kept across a restart, lowered and set in two
steps, and a tick after the restart judges only the households whose date has come."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Iterator

import pytest

from domain.households.clock import tick
from domain.policy.parameters import ParameterTable
from infra.due_dates import SqlDueDates
from infra.event_store import open_alerts, open_households
from infra.kafka.clients import partition_for
from infra.settings import Settings
from infra.shared_tables import open_shared_tables
from rules.catalog import CATALOG
from rules.due import NEVER, Due, name_bit, reads_mask
from rules.engine import RuleEngine
from rules.findings import Judge
from rules.worker import RuleWorker
from tests.infra.shared_backends import backend_settings  # noqa: F401 - the fixture
from tests.rules.test_worker import NAMES, PARTITIONS, household, open_slots

REGION = "500103001001"


@pytest.fixture()
def engine() -> Iterator[RuleEngine]:
    running = RuleEngine(CATALOG)
    yield running
    running.close()


def test_dates_are_lowered_set_and_read_by_another_instance(backend_settings: Settings) -> None:
    first, second = (SqlDueDates(open_shared_tables(backend_settings, "rule_due")) for _ in range(2))
    first.record(0, {"H1": Due(date(2026, 5, 1), REGION), "H2": Due(NEVER, "510500001")})
    first.lower(0, {"H1": Due(date(2026, 6, 1), REGION), "H2": Due(date(2026, 4, 1), "510500001")})
    assert second.due(0, date(2026, 4, 30)) == {"H2"}
    assert second.due(0, date(2026, 5, 1)) == {"H1", "H2"} and second.due(1, date(2026, 5, 1)) == set()
    second.record(0, {"H2": Due(NEVER, "510500001")})
    assert first.due(0, date(9000, 1, 1)) == {"H1"} and first.recorded(0) == {"H1", "H2"}
    assert first.in_region(0, "5001") == {"H1"} and first.in_region(0, "") == {"H1", "H2"}
    first.forget(0, ["H1"])
    assert second.recorded(0) == {"H2"}
    first.set_mark("books#0", 17)
    assert second.mark("books#0") == 17 and second.mark("books#1") == 0
    first.close(), second.close()


URBAN, RURAL = "dibao.standard_monthly.urban", "dibao.standard_monthly.rural"


def test_a_parameter_change_finds_the_households_that_read_it(backend_settings: Settings) -> None:
    dates = SqlDueDates(open_shared_tables(backend_settings, "rule_due"))
    assert name_bit(URBAN) != name_bit(RURAL)
    dates.record(0, {"urban": Due(NEVER, REGION, reads_mask([URBAN, "edge.multiplier"])),
                     "rural": Due(NEVER, REGION, reads_mask([RURAL, "edge.multiplier"])),
                     "failed": Due(NEVER, REGION, reads_mask(None)), "elsewhere": Due(NEVER, "510500001", -1)})
    assert dates.in_region(0, "500103", URBAN) == {"urban", "failed"}
    assert dates.in_region(0, "", "edge.multiplier") == {"urban", "rural", "failed", "elsewhere"}
    assert dates.in_region(0, "500103") == {"urban", "rural", "failed"}
    # A crash between lowering and setting leaves the names of both judgements: the safe side.
    dates.lower(0, {"rural": Due(NEVER, REGION, reads_mask([URBAN]))})
    assert dates.in_region(0, "500103", URBAN) == {"urban", "rural", "failed"}
    dates.close()


def test_a_table_of_an_earlier_release_gets_reads_not_known(backend_settings: Settings) -> None:
    tables = open_shared_tables(backend_settings, "rule_due")
    tables.execute("CREATE TABLE rule_due (household TEXT PRIMARY KEY, part INTEGER NOT NULL, "
                   "due TEXT NOT NULL, region TEXT NOT NULL)")
    tables.execute("INSERT INTO rule_due VALUES ('H1', 0, '2026-05-01', ?)", (REGION,))
    dates = SqlDueDates(tables)
    assert dates.in_region(0, "500103", URBAN) == {"H1"}  # judged at the next change of anything
    dates.close()


def worker_on(settings: Settings, engine: RuleEngine) -> RuleWorker:
    return RuleWorker(open_households(settings), open_alerts(settings), Judge(CATALOG, engine, ParameterTable()),
                      partial(partition_for, partitions=PARTITIONS),
                      SqlDueDates(open_shared_tables(settings, "rule_due")))


def test_a_tick_after_a_restart_judges_only_the_households_due(backend_settings: Settings,
                                                               engine: RuleEngine) -> None:
    first = worker_on(backend_settings, engine)
    first.households.accept_batch([o for n in NAMES for o in household(n)])
    first.households.accept(tick(date(2026, 11, 3)))
    first.catch_up(range(PARTITIONS))
    before = open_slots(first)
    first.due.close()  # type: ignore[attr-defined]

    second = worker_on(backend_settings, engine)
    second.households.accept(tick(date(2026, 11, 4)))
    evaluations = second.evaluations
    second.catch_up(range(PARTITIONS))
    # The households' next change is months away (a birthday, the payment month is not theirs):
    # only those whose alert book changed since the last tick are judged again (once each).
    assert second.evaluations - evaluations <= len(NAMES)
    second.households.accept(tick(date(2026, 11, 5)))
    evaluations = second.evaluations
    second.catch_up(range(PARTITIONS))
    assert second.evaluations == evaluations
    assert open_slots(second) == before
    second.due.close()  # type: ignore[attr-defined]
