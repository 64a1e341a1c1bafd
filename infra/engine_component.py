"""The rule engine's child process, as health sees it (it restarts itself when it dies)."""

from __future__ import annotations

from rules.engine_process import EngineProcess
from infra.supervisor import ComponentHealth


class EngineComponent:
    """Reports whether the durable_rules child process is alive and how often it was restarted."""

    name = "engine"

    def __init__(self, engine: EngineProcess, owned: bool = True) -> None:
        self.engine = engine
        self.owned = owned

    def start(self) -> None:
        """The process is started when the engine is created."""

    def stop(self) -> None:
        if self.owned:
            self.engine.close()

    def health(self) -> ComponentHealth:
        return ComponentHealth(name=self.name, up=self.engine.alive, restarts=self.engine.restarts,
                               detail={"pid": self.engine.pid})
