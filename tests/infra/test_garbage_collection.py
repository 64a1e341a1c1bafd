"""A service process collects cyclic garbage less often and skips what existed at its start, and
cycles made afterwards are still collected."""

from __future__ import annotations

import gc
import weakref
from typing import Any, Iterator

import pytest

from infra.garbage_collection import THRESHOLDS, tune_for_service


@pytest.fixture()
def restored() -> Iterator[None]:
    before = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*before)


class Node:
    def __init__(self) -> None:
        self.other: Any = self


def test_a_service_collects_less_often_and_still_collects_cycles(restored: None) -> None:
    tune_for_service()
    assert gc.get_threshold() == THRESHOLDS and gc.get_freeze_count() > 0
    cycle = Node()
    gone = weakref.ref(cycle)
    del cycle
    gc.collect()
    assert gone() is None
