"""The district reports computed ahead of the pages: after the views move on, once they have settled,
the equity and response-time reports and the dashboard's figures of the whole district are computed into
the process's `ReportCache`, so the first page after new events finds them (or finds the households' folds kept, which
every narrower region's report reads too).

Why: a report cache only helps the second visit. The first equity report of a process folds every
household of the district (2.4 s on the 3,000-household demo) and so does the first of each new day
(the residents' ages are as of the day); afterwards a report computed again refolds only the
households written since. Warming does that work in the background instead of in a page.

Why it is exact: the warmer only fills the same cache the pages read, under the same keys (the views'
positions, the households store's head, the region and the day); a page never takes a value whose key
differs from the one it would compute. Why it waits for the views to settle: while an intake batch is
being applied the positions move every few hundred milliseconds, and a report computed then is stale at
once; the warmer computes when two looks in a row saw the same positions.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Callable, Hashable

from projections.dashboard import WEEKS_SHOWN, dashboard_figures
from projections.equity import equity_report
from projections.report_cache import ReportCache
from projections.response_times import response_times_report

EVERYWHERE = ""  # the whole district: its report reads every household, so it warms every household's folds


class ReportWarmer:
    """`step()`: compute the reports when the views have settled at positions not warmed yet."""

    def __init__(self, reports: ReportCache, views: Any, today: Callable[[], date]) -> None:
        self.reports = reports
        self.views = views
        self.today = today
        self.warmed = 0
        self._seen: Hashable = None
        self._done: Hashable = None

    def step(self) -> bool:
        """True when it computed (the loop then looks again at once); False when there was nothing to do."""
        now = (self.reports.positions(), self.today())
        settled, self._seen = now == self._seen, now
        if not settled or now == self._done:
            return False
        self.warm(now[1])
        self._done = now
        return True

    def warm(self, today: date) -> None:
        """The reports a page opens with for the whole district (no region, no dates chosen)."""
        equity_report(self.reports, self.views, EVERYWHERE, today)
        response_times_report(self.reports, self.views, EVERYWHERE, None, None, "community")
        dashboard_figures(self.reports, self.views, EVERYWHERE, today, WEEKS_SHOWN, None)
        self.warmed += 1
