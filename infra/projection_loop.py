"""The projections as a supervised component: read views follow both event stores."""

from __future__ import annotations

from projections.runner import ProjectionRunner
from infra.supervisor import ComponentHealth, SupervisedLoop


class ProjectionsComponent:
    """Applies new events to the read views; a failed batch is rolled back and tried again."""

    name = "projections"

    def __init__(self, runner: ProjectionRunner) -> None:
        self.runner = runner
        self.loop = SupervisedLoop("projections", lambda: self.runner.run_once() > 0)

    def start(self) -> None:
        self.runner.run_once()  # catch up from the store before anything else is asked of us
        self.loop.start()

    def stop(self) -> None:
        self.loop.stop()

    def health(self) -> ComponentHealth:
        return self.loop.health(lag=self.runner.lag(), applied=self.runner.applied)
