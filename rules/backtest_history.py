"""Read what a back-test replays and compares with, from the live stores (read only).

The households log gives every observation and administrator-set parameter value with
the moment it was recorded; the alerts log gives every alert actually raised, the day
it was recorded, and whether it was still open when the back-test window begins.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Iterator
from uuid import UUID
from zoneinfo import ZoneInfo

from eventsourcing.application import Application

from domain.alerts.alert import Alert
from domain.alerts.application import AlertsApp
from domain.households.application import HouseholdsApp
from domain.households.household import Household
from domain.policy.parameters import ParameterValue
from domain.policy.book import PolicyBook
from domain.renamed_topics import stored_topics
from domain.region_codes import is_region_code, region_scope
from rules.backtest import Raised, RecordedHistory, RecordedObservation, RecordedValue, recorded_day

CHINA = ZoneInfo("Asia/Shanghai")
PAGE = 5000
HOUSEHOLD_TOPICS = list(stored_topics(Household.Registered, Household.Observed, PolicyBook.ValueSet))
OPENING = (Alert.Raised, Alert.Reopened)
CLOSING = (Alert.Cleared, Alert.Resolved)
ALERT_TOPICS = list(stored_topics(*OPENING, *CLOSING))


def _events(app: Application, topics: list[str]) -> Iterator[Any]:
    """Every event of the given topics in log order, read page by page."""
    position = 0
    while True:
        page = app.recorder.select_notifications(position + 1, PAGE, topics=topics)
        if not page:
            return
        for notification in page:
            yield app.mapper.to_domain_event(notification)
        position = page[-1].id


def recorded_history(households: HouseholdsApp, upto: date) -> RecordedHistory:
    """Observations and parameter values recorded on or before `upto` (China time)."""
    history = RecordedHistory()
    names: dict[UUID, str] = {}
    for event in _events(households, HOUSEHOLD_TOPICS):
        day = recorded_day(event.timestamp, CHINA)
        if isinstance(event, Household.Registered):
            names[event.originator_id] = event.household_id
        if day > upto:
            continue
        if isinstance(event, PolicyBook.ValueSet):
            if not is_region_code(event.region):
                continue  # applies nowhere, as in the live PolicyBook
            value = ParameterValue(event.name, region_scope(event.region), date.fromisoformat(event.effective_from),
                                   event.value, f"set by {event.set_by}")
            history.parameter_values.append(RecordedValue(day, value))
        elif event.originator_id in names:
            history.observations.append(RecordedObservation(names[event.originator_id], day, event.observation))
    return history


def actual_raises(alerts: AlertsApp, start: date, end: date) -> list[Raised]:
    """Alerts recorded as raised in [start, end], and those raised before `start` still open then.

    An alert the rules cleared on the day it was raised is left out: the live worker judges as each
    observation arrives, so a history loaded in one go (or a burst of late reports) raises and clears
    alerts for moments that were never the end of a day, which is all the replay judges."""
    raised: dict[UUID, Raised] = {}
    open_at_start: dict[UUID, bool] = {}
    passing: set[UUID] = set()
    for event in _events(alerts, ALERT_TOPICS):
        day = recorded_day(event.timestamp, CHINA)
        if isinstance(event, Alert.Raised):
            raised[event.originator_id] = Raised(event.household, event.rule, event.slot, event.resident, day,
                                                 before_window=day < start)
        elif isinstance(event, Alert.Cleared) and event.originator_id in raised \
                and raised[event.originator_id].on == day:
            passing.add(event.originator_id)
        if day < start:
            open_at_start[event.originator_id] = isinstance(event, OPENING)
    return [item for alert_id, item in raised.items() if alert_id not in passing
            and ((item.before_window and open_at_start.get(alert_id)) or start <= item.on <= end)]
