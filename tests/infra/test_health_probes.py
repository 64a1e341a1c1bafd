"""`/health`'s probes answer by a deadline: a probe stuck on a store is reported as not answering, is not
asked again by another thread while it is stuck, and its store is asked afresh once it has answered."""

from __future__ import annotations

import threading
from typing import Callable

import pytest

from infra.health_probes import HealthProbes, NoAnswer
from infra.settings import Settings, SettingsError
from tests.conftest import poll_until


class StuckProbe:
    """A probe that blocks until released, counting how often it was asked."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        self.release.wait(timeout=60)
        return "answered"


def test_every_answer_and_every_error_comes_back_by_name() -> None:
    def broken() -> None:
        raise ConnectionError("the database is gone")

    answers = HealthProbes(timeout_s=5).ask({"relay": lambda: 7, "views": broken})
    assert answers["relay"] == 7
    assert isinstance(answers["views"], ConnectionError) and "gone" in str(answers["views"])


def test_a_stuck_probe_is_no_answer_and_is_not_asked_again_while_it_is_stuck() -> None:
    stuck, probes = StuckProbe(), HealthProbes(timeout_s=0.05)
    first = probes.ask({"projections": stuck, "relay": lambda: "up"})
    assert isinstance(first["projections"], NoAnswer) and first["relay"] == "up"
    assert "no answer within 0.05 s" in str(first["projections"])
    second = probes.ask({"projections": stuck})
    assert isinstance(second["projections"], NoAnswer)
    assert stuck.calls == 1  # one thread waits on the store, not one per /health call


def test_a_probe_that_has_answered_since_is_asked_afresh() -> None:
    stuck, probes = StuckProbe(), HealthProbes(timeout_s=0.05)
    assert isinstance(probes.ask({"projections": stuck})["projections"], NoAnswer)
    stuck.release.set()
    poll_until(lambda: stuck.calls == 1 and not probes._still_running("projections"), message="the stuck probe")
    answer: Callable[[], str] = lambda: "fresh"  # noqa: E731 - the store as it is now
    assert probes.ask({"projections": answer})["projections"] == "fresh"


@pytest.mark.parametrize("value", ["0", "-1", "soon", "inf", "nan"])
def test_a_bad_health_timeout_is_refused_by_name(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QIANSHAO_HEALTH_TIMEOUT_S", value)
    with pytest.raises(SettingsError, match="QIANSHAO_HEALTH_TIMEOUT_S"):
        Settings()


def test_the_health_timeout_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QIANSHAO_HEALTH_TIMEOUT_S", "0.5")
    assert Settings().health_timeout_s == 0.5
