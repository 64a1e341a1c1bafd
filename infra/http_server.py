"""Serve the API from a background thread on a loopback port (benchmarks, tests, demo checks)."""

from __future__ import annotations

import threading
import time
from typing import Any, Sequence

import uvicorn

from infra.kafka.broker import free_port


def server_config(app: Any, host: str, port: int, trusted_proxies: Sequence[str] = (), **options: Any) -> uvicorn.Config:
    """uvicorn's settings for this API. The client address (which the per-address login limit counts)
    is the peer's, unless the peer is one of the operator's `trusted_proxies`: only then is
    `X-Forwarded-For` read (uvicorn would otherwise believe it from any loopback peer)."""
    proxies = list(trusted_proxies)
    return uvicorn.Config(app, host=host, port=port, log_level="warning", proxy_headers=bool(proxies),
                          forwarded_allow_ips=proxies or [], **options)


class BackgroundServer:
    """uvicorn in a daemon thread; `start()` returns once it accepts connections."""

    def __init__(self, app: Any, host: str = "127.0.0.1", port: int | None = None,
                 trusted_proxies: Sequence[str] = ()) -> None:
        self.host = host
        self.port = port or free_port()
        self.server = uvicorn.Server(server_config(app, host, self.port, trusted_proxies))
        self.thread = threading.Thread(target=self.server.run, name="http", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, deadline_s: float = 30.0) -> "BackgroundServer":
        self.thread.start()
        deadline = time.monotonic() + deadline_s
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError(f"the API did not start on {self.url}")
            time.sleep(0.01)  # polling for start-up, bounded by the deadline
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
