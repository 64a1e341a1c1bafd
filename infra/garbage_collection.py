"""The cyclic garbage collector of a long-lived Qianshao process (serve, demo, and the benches that play them).

CPython collects its youngest generation after every 700 net allocations of container objects. Intake
and the rule worker allocate millions of short-lived ones (events, observation dicts, facts), nearly all
freed by reference counting alone, yet each collection walks the young objects and every tenth walks the
older ones too. Measured on the first judgement of 3,000 synthetic households by one worker: 2.9-3.2 s
at the default thresholds, 2.5-2.7 s at the thresholds below. Objects alive once a process has started
(imported modules, settings) are frozen out of the collector's sight first, so a full collection skips them.
"""

from __future__ import annotations

import gc

THRESHOLDS = (50_000, 20, 100)  # young generation, then collections of each generation before the next


def tune_for_service() -> None:
    """Freeze what exists now and collect less often; cycles are still collected, only later."""
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
