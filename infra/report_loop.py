"""The district reports and the logs' integrity verdicts kept warm as a supervised component
(`projections.report_warmer`, `infra.integrity.KeptVerdicts.refresh`): its failures show in `/health` like
any loop's, and a failed warm-up costs only the speed of the next page."""

from __future__ import annotations

from infra.integrity import KeptVerdicts
from infra.supervisor import ComponentHealth, SupervisedLoop
from projections.report_warmer import ReportWarmer

LOOK_EVERY_S = 1.0  # how often it looks whether the views moved (and have settled since the last look)


class ReportsComponent:
    """Warms the process's report cache after the views settle at new positions, and walks the logs
    written since their last verdict once their files settle."""

    name = "reports"

    def __init__(self, warmer: ReportWarmer, verdicts: KeptVerdicts) -> None:
        self.warmer = warmer
        self.verdicts = verdicts
        self.loop = SupervisedLoop("reports", self.step, idle_wait=LOOK_EVERY_S)

    def step(self) -> bool:
        warmed = self.warmer.step()
        return self.verdicts.refresh() or warmed

    def start(self) -> None:
        self.loop.start()

    def stop(self) -> None:
        self.loop.stop()

    def health(self) -> ComponentHealth:
        return self.loop.health(warmed=self.warmer.warmed, verdicts_refreshed=self.verdicts.refreshed)
