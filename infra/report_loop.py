"""The district reports kept warm as a supervised component (`projections.report_warmer`): its failures
show in `/health` like any loop's, and a failed warm-up costs only the speed of the next page."""

from __future__ import annotations

from infra.supervisor import ComponentHealth, SupervisedLoop
from projections.report_warmer import ReportWarmer

LOOK_EVERY_S = 1.0  # how often it looks whether the views moved (and have settled since the last look)


class ReportsComponent:
    """Warms the process's report cache after the views settle at new positions."""

    name = "reports"

    def __init__(self, warmer: ReportWarmer) -> None:
        self.warmer = warmer
        self.loop = SupervisedLoop("reports", warmer.step, idle_wait=LOOK_EVERY_S)

    def start(self) -> None:
        self.loop.start()

    def stop(self) -> None:
        self.loop.stop()

    def health(self) -> ComponentHealth:
        return self.loop.health(warmed=self.warmer.warmed)
