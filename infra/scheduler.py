"""The scheduler: one `clock.tick` a day, in China Standard Time (time is an event).

Re-sent ticks are duplicates and change nothing, so ticking every few minutes
is harmless and a restarted process ticks again at once.
"""

from __future__ import annotations

import time
from datetime import date, datetime
from typing import Callable
from zoneinfo import ZoneInfo

from domain.households.application import HouseholdsApp
from infra.supervisor import ComponentHealth, SupervisedLoop

CHINA = ZoneInfo("Asia/Shanghai")
TICK_EVERY_S = 600.0


def today_in_china() -> date:
    return datetime.now(CHINA).date()


class Scheduler:
    """Sends today's clock tick now and then every `TICK_EVERY_S` seconds."""

    name = "scheduler"

    def __init__(self, intake: HouseholdsApp, tick: Callable[[date, str], dict[str, object]],
                 today: Callable[[], date] = today_in_china) -> None:
        self.intake = intake
        self.tick = tick
        self.today = today
        self._last = 0.0
        self.loop = SupervisedLoop("scheduler", self._step, idle_wait=1.0)

    def _step(self) -> bool:
        if time.monotonic() - self._last < TICK_EVERY_S and self._last:
            return False
        self.intake.accept(self.tick(self.today(), "scheduler"))
        self._last = time.monotonic()
        return False

    def start(self) -> None:
        self.loop.start()

    def stop(self) -> None:
        self.loop.stop()

    def health(self) -> ComponentHealth:
        return self.loop.health()
