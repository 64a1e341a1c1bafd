"""The household directory: every registered household once, by partition, and kept rows trusted only
while the log holds their last registration where they say it is."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from infra.event_store import open_households
from infra.kafka.clients import partition_for
from infra.settings import Settings
from rules.household_directory import HouseholdDirectory, Registration
from tests.rules.test_worker import NAMES, household

partition_of = partial(partition_for, partitions=4)


class KeptInMemory:
    """`KnownHouseholds` in a list (the SQL tables are tested in tests/infra/test_known_households.py)."""

    def __init__(self, rows: list[Registration] | None = None) -> None:
        self.rows = list(rows or [])

    def read(self) -> list[Registration]:
        return sorted(self.rows, key=lambda row: row[2])

    def add(self, rows: list[Registration]) -> None:
        known = {row[0] for row in self.rows}
        self.rows += [row for row in rows if row[0] not in known]

    def clear(self) -> None:
        self.rows = []


def test_each_household_is_in_the_partition_its_id_hashes_to(tmp_path: Path) -> None:
    store = open_households(Settings(data_dir=tmp_path))
    store.accept_batch([o for name in NAMES for o in household(name)])
    directory = HouseholdDirectory(store, partition_of)
    assert directory.refresh() == NAMES
    for partition in range(4):
        assert directory.of_partition(partition) == {n for n in NAMES if partition_of(n) == partition}


def test_rows_kept_from_another_log_are_dropped_and_the_log_read_whole(tmp_path: Path) -> None:
    old = open_households(Settings(data_dir=tmp_path / "old"))
    old.accept_batch([o for name in NAMES for o in household(name)])
    kept = KeptInMemory()
    HouseholdDirectory(old, partition_of, kept).refresh()
    assert [row[0] for row in kept.read()] == NAMES

    # A new households store under the surviving rows: its registrations sit at the ids the rows claim.
    others = [f"B-{i}" for i in range(16)]
    new = open_households(Settings(data_dir=tmp_path / "new"))
    new.accept_batch([o for name in others for o in household(name)])
    directory = HouseholdDirectory(new, partition_of, kept)
    assert directory.refresh() == others
    assert [row[0] for row in kept.read()] == others


def test_a_household_kept_twice_is_known_once(tmp_path: Path) -> None:
    store = open_households(Settings(data_dir=tmp_path))
    store.accept_batch([o for name in NAMES[:4] for o in household(name)])
    kept = KeptInMemory()
    HouseholdDirectory(store, partition_of, kept).refresh()
    kept.rows.append(kept.rows[0])  # two workers wrote the same stretch
    directory = HouseholdDirectory(store, partition_of, kept)
    assert directory.refresh() == NAMES[:4]
