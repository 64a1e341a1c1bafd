"""Time from `qianshao demo` to its first page, on a new data directory (what `make demo` does after the
install): the process is started, the login page polled until it answers 200. Prints one JSON line beside
the target (issue 18: within 60 s), with the process's CPU seconds (the machine may be shared).

Usage: python bench/demo_first_page.py [--households N] [--port P]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_S = 60.0
DEADLINE_S = 900.0
POLL_S = 0.25  # the polling interval of a deadline-bounded wait


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=3000)
    parser.add_argument("--port", type=int, default=18_080)
    args = parser.parse_args()
    url = f"http://127.0.0.1:{args.port}/login"
    with tempfile.TemporaryDirectory() as data:
        started = time.perf_counter()
        process = subprocess.Popen([sys.executable, "-m", "api.cli", "demo", "--households", str(args.households),
                                    "--data", str(Path(data) / "var"), "--port", str(args.port)], cwd=ROOT,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                                   env={**os.environ, "PYTHONPATH": str(ROOT)}, start_new_session=True)
        try:
            while not answers(url):
                if process.poll() is not None or time.perf_counter() - started > DEADLINE_S:
                    raise SystemExit(f"the demo stopped or never served (exit {process.returncode})")
                time.sleep(POLL_S)
            seconds = time.perf_counter() - started
        finally:
            os.killpg(process.pid, signal.SIGINT)
            process.wait(timeout=120)
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({"figure": "demo_first_page_s", "households": args.households, "value": round(seconds, 1),
                      "target": TARGET_S, "ok": seconds <= TARGET_S,
                      "cpu_s": round(cpu.ru_utime + cpu.ru_stime, 1)}))


if __name__ == "__main__":
    main()
