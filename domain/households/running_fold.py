"""A household's fold kept up to date event by event, so judging it after a new observation
costs the same at 10 and at 1,000 observations of history.

`fold` (domain/households/state.py) applies observations in the order they happened, so a
new observation can be applied onto the state folded so far exactly when it happened after
every observation already applied: the full fold would apply the same observations in the
same order. Anything else — a correction or retraction (it changes the past), an
observation that happened before one already applied (an offline phone syncing late), an
event this module does not know — is refused here, and the caller folds the household
again from its observations in force. The result is the state a full fold would give,
never an approximation (tests/domain/households/test_running_fold.py checks this).

Only a fold of *every* observation in force is kept: the rule worker judges a household
on the later of the clock and its latest observation, a date no observation is after.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable, Sequence

from domain.households.household import Household
from domain.households.state import HouseholdState, apply_observation, fold, happened_order, observed_on

Order = tuple[Any, str]


@dataclass
class RunningFold:
    """The state folded from every observation in force up to aggregate `version`.

    `last` is the happened-order key of the latest observation applied (the registration
    included); `latest_on` the latest observed date, which the household is judged on at least.
    """

    household: str
    state: HouseholdState
    version: int
    last: Order
    latest_on: date

    @classmethod
    def of(cls, household: str, observations: Sequence[dict[str, Any]], version: int) -> RunningFold:
        """Fold every observation in force (the household's aggregate at `version`)."""
        state = fold(list(observations), date.max)
        return cls(household, state, version, max(happened_order(o) for o in observations),
                   max(observed_on(o) for o in observations))

    def extend(self, events: Iterable[Any]) -> bool:
        """Apply the household's events after `version` when that is what a full fold would do.

        Returns False, changing nothing, when they cannot be applied in place (the caller folds
        the household again). An applier that raises leaves the state half applied: the caller
        must drop this fold then (a full fold raises the same way).
        """
        events = list(events)
        observed = [event.observation for event in events if isinstance(event, Household.Observed)]
        if len(observed) != len(events):
            return False  # a correction, a retraction or an event this fold does not know
        observed.sort(key=happened_order)
        if observed and happened_order(observed[0]) <= self.last:
            return False  # happened before an observation already applied: the order of the past changes
        for observation in observed:
            apply_observation(self.state, observation)
        if events:
            self.version = events[-1].originator_version
            self.last = happened_order(observed[-1])
            self.latest_on = max(self.latest_on, *(observed_on(o) for o in observed))
        return True

    def judged_on(self, today: date | None) -> date:
        """The later of the clock and the latest observation (as `rules.assessment.judged_on`)."""
        return max(self.latest_on, today) if today else self.latest_on
