"""Run the projections: poll each application's notification log and apply new events.

(The SQLite recorder offers no subscriptions, so polling is the way on both
backends.) Each batch is applied together with its new tracking position, in one transaction; a batch
that another projections process applied first is rolled back (`claim`), so events are applied once.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

from projections import access_log, alert_queue, household_view, informant_activity, leads, submissions, unread
from projections.view_store import AlreadyApplied, ViewStore, advance, claim

Projector = Callable[[Any, Any], None]

PROJECTORS: dict[str, tuple[Projector, ...]] = {
    "households": (household_view.apply, informant_activity.apply, submissions.apply, leads.apply),
    "alerts": (alert_queue.apply, informant_activity.apply, unread.apply),
    "audit": (access_log.apply, unread.apply),
}


class ProjectionRunner:
    """Keeps the view store up to date with the given applications."""

    def __init__(self, apps: Mapping[str, Any], views: ViewStore, batch: int = 1000,
                 until: Mapping[str, int] | None = None) -> None:
        self.apps = apps
        self.views = views
        self.batch = batch
        self.applied = 0
        self.until = until  # stop each source at this notification id (a shadow rebuild to the live positions)

    def run_once(self) -> int:
        return sum(self._project(name, app) for name, app in self.apps.items())

    def lag(self) -> int:
        """Events recorded in the stores and not yet in the views."""
        return sum(
            max(0, (app.recorder.max_notification_id() or 0) - self.views.position(name))
            for name, app in self.apps.items()
        )

    def caught_up(self) -> bool:
        return self.lag() == 0

    def _project(self, name: str, app: Any) -> int:
        start, stop = self.views.position(name) + 1, None if self.until is None else self.until.get(name, 0)
        if stop is not None and start > stop:
            return 0
        notifications = app.recorder.select_notifications(start, self.batch, stop=stop)
        if not notifications:
            return 0
        events = [app.mapper.to_domain_event(n) for n in notifications]
        try:
            with self.views.batch() as db:
                claim(db, name, start - 1)
                for event in events:
                    for project in PROJECTORS.get(name, ()):
                        project(db, event)
                advance(db, name, notifications[-1].id)
        except AlreadyApplied:
            return 0  # another projections process applied them (rolled back here); read on from its position
        self.applied += len(events)
        return len(events)
