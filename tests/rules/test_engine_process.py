"""The engine in a child process gives the same matches, and survives the child dying."""

from __future__ import annotations

import os
import signal
from typing import Iterator

import pytest

from rules.engine_process import EngineProcess

FACTS = [
    {"id": "h1", "subject": "household", "pc_income": 500.0, "std": 770, "assets_ok": True,
     "enrolled_dibao": False, "all_members_tekun": False, "not_a_rule_field": "dropped"},
    {"id": "h2", "subject": "household", "pc_income": 900.0, "std": 770, "assets_ok": True,
     "enrolled_dibao": False, "all_members_tekun": False},
]


@pytest.fixture()
def engine() -> Iterator[EngineProcess]:
    running = EngineProcess()
    yield running
    running.close()


def test_matches_like_the_in_process_engine(engine: EngineProcess) -> None:
    assert [(m.rule_id, m.fact_id) for m in engine.evaluate(FACTS)] == [("MISSED.DIBAO", "h1")]
    assert "not_a_rule_field" not in engine.fields


def test_batches_submitted_ahead_come_back_in_order(engine: EngineProcess) -> None:
    engine.submit(FACTS[:1])
    engine.submit(FACTS[1:])
    assert [m.fact_id for m in engine.collect()] == ["h1"]
    assert engine.collect() == []


def test_a_crashed_engine_is_restarted_and_the_batch_sent_again(engine: EngineProcess) -> None:
    engine.evaluate(FACTS)
    os.kill(engine._process.pid, signal.SIGKILL)  # noqa: SLF001 - simulate a segfault in the C core
    engine._process.wait(timeout=10)  # noqa: SLF001
    assert [m.fact_id for m in engine.evaluate(FACTS)] == ["h1"]
    assert engine.restarts == 1
