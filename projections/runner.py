"""Run the projections: poll each application's notification log and apply new events.

(The SQLite recorder offers no subscriptions, so polling is the way on both
backends.) Each batch is applied together with its new tracking position, in one transaction; a batch
that another projections process applied first is rolled back (`claim`), so events are applied once.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any, Callable, Mapping

from domain.renamed_topics import stored_topics
from projections import access_log, alert_queue, household_view, informant_activity, leads, submissions, unread
from projections.view_store import AlreadyApplied, ViewStore, advance, claim

Projector = Callable[[Any, Any], None]

# Each source's projectors; each applies the event classes it declares (`EVENTS`), and only those are sent
# to it. An event no projector of its source declares (an observation's receipt, a resident record, an ID
# index entry, an alert book's slot) is passed over without being decoded: a third of a rebuild's time.
PROJECTORS: dict[str, tuple[ModuleType, ...]] = {
    "households": (household_view, informant_activity, submissions, leads),
    "alerts": (alert_queue, informant_activity, unread),
    "audit": (access_log, unread),
}


def routes(projectors: tuple[ModuleType, ...]) -> dict[type, tuple[Projector, ...]]:
    """Event class -> the `apply` of every projector declaring it, in the projectors' order."""
    classes = {cls for projector in projectors for cls in projector.EVENTS}
    return {cls: tuple(p.apply for p in projectors if cls in p.EVENTS) for cls in classes}


ROUTES = {name: routes(projectors) for name, projectors in PROJECTORS.items()}
TOPICS = {name: frozenset(stored_topics(*classes)) for name, classes in ROUTES.items()}  # the topics decoded


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
        topics, route = TOPICS.get(name, frozenset()), ROUTES.get(name, {})
        events = [app.mapper.to_domain_event(n) for n in notifications if n.topic in topics]
        try:
            with self.views.batch() as db:
                claim(db, name, start - 1)
                for event in events:
                    for project in route.get(type(event), ()):
                        project(db, event)
                advance(db, name, notifications[-1].id)
        except AlreadyApplied:
            return 0  # another projections process applied them (rolled back here); read on from its position
        self.applied += len(notifications)
        return len(notifications)  # every event read, those no view applies passed over
