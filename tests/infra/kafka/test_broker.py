"""The embedded Tansu broker: starts on a free loopback port, answers Kafka requests,
refuses a taken port with a clear error, frees its port on stop, and never outlives us."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from infra.kafka.broker import BrokerError, EmbeddedBroker, accepts_connections, answers_kafka, port_is_free

ROOT = Path(__file__).resolve().parents[3]


def process_gone(pid: int) -> bool:
    """True if `pid` no longer runs (absent, or a zombie waiting to be reaped)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] == "Z"


def test_session_broker_answers_on_loopback(broker: EmbeddedBroker) -> None:
    assert broker.bootstrap == f"127.0.0.1:{broker.port}"
    assert broker.running
    assert answers_kafka(broker.bootstrap, timeout_s=5)
    assert not port_is_free(broker.port)
    assert broker.log_path is not None and "listening on: tcp://127.0.0.1" in broker.log_path.read_text()


def test_starts_on_a_free_port_and_stop_frees_it(tmp_path: Path, broker: EmbeddedBroker, wait_for: Any) -> None:
    second = EmbeddedBroker(log_dir=tmp_path).start()
    port = second.port
    assert port != broker.port
    assert answers_kafka(second.bootstrap, timeout_s=5)

    second.stop()
    assert not second.running
    assert not accepts_connections(port)
    wait_for(lambda: port_is_free(port), timeout=5, message=f"port {port} to be free")
    second.stop()  # idempotent


def test_restarts_on_the_same_port_after_stop(tmp_path: Path) -> None:
    with EmbeddedBroker(log_dir=tmp_path) as first:
        port = first.port
    with EmbeddedBroker(port=port, log_dir=tmp_path) as again:
        assert again.port == port
        assert answers_kafka(again.bootstrap, timeout_s=5)


def test_a_taken_port_is_a_clear_error(broker: EmbeddedBroker) -> None:
    with pytest.raises(BrokerError, match=f"port {broker.port} .* already in use"):
        EmbeddedBroker(port=broker.port).start()
    assert answers_kafka(broker.bootstrap, timeout_s=5)  # the running broker is untouched


def test_an_automatic_port_taken_before_start_is_replaced(tmp_path: Path) -> None:
    chosen = EmbeddedBroker(log_dir=tmp_path)
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", chosen.port))
        squatter.listen()
        taken = chosen.port
        with chosen:
            assert chosen.port != taken
            assert answers_kafka(chosen.bootstrap, timeout_s=5)


def test_a_missing_binary_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(BrokerError, match="does not exist"):
        EmbeddedBroker(binary=str(tmp_path / "no-such-tansu")).start()


def test_a_broker_that_exits_during_start_up_is_reported(tmp_path: Path) -> None:
    """Tansu exits with status 0 when it cannot listen: any early exit must be an error."""
    exits_at_once = shutil.which("true")
    assert exits_at_once is not None
    with pytest.raises(BrokerError, match="exited during start-up"):
        EmbeddedBroker(log_dir=tmp_path, binary=exits_at_once).start()


def test_context_manager_stops_the_broker(tmp_path: Path) -> None:
    with EmbeddedBroker(log_dir=tmp_path) as running:
        pid, port = running.pid, running.port
        assert running.running
    assert pid is not None and process_gone(pid)
    assert not accepts_connections(port)


def _child_broker(ending: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Run a Python process that starts a broker, prints its pid and port, then ends by `ending`."""
    script = textwrap.dedent(f"""
        import os, signal, sys
        from infra.kafka.broker import EmbeddedBroker
        broker = EmbeddedBroker(log_dir={str(tmp_path)!r}).start()
        print(broker.pid, broker.port, flush=True)
        {ending}
    """)
    return subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("ending", ["sys.exit(0)", "os.kill(os.getpid(), signal.SIGKILL)"], ids=["exit", "killed"])
def test_no_orphan_broker_when_the_owner_ends(ending: str, tmp_path: Path, wait_for: Any) -> None:
    """At exit the broker is stopped (atexit); if the owner is killed, Linux kills it (PDEATHSIG)."""
    done = _child_broker(ending, tmp_path)
    assert done.stdout.strip(), done.stderr
    pid, port = (int(n) for n in done.stdout.split())
    try:
        wait_for(lambda: process_gone(pid) and not accepts_connections(port), timeout=10,
                 message=f"broker pid {pid} to be gone")
    finally:
        if not process_gone(pid):
            os.kill(pid, signal.SIGKILL)  # never leave it behind, even when the test fails
