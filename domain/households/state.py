"""Fold a household's observations into its state as of a date.

Observations are applied in the order they happened (the instant of `observed_at`,
whatever its offset, then observation id for a stable tie-break), never in arrival
order, so the state — and therefore the alerts — do not depend on when an offline
phone synced. Only observations observed on or before the date judged (in China
Standard Time, `domain.instants`) are applied.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable

from domain.instants import instant, observed_date


def parse_date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def observed_on(observation: dict[str, Any]) -> date:
    """The observation's calendar date in China Standard Time (RULES.md § Vocabulary)."""
    return observed_date(observation["observed_at"])


def happened_order(observation: dict[str, Any]) -> tuple[Any, str]:
    """Sort key: the instant it happened, then the observation id (a stable tie-break)."""
    return instant(observation["observed_at"]), observation["observation_id"]


@dataclass
class ResidentState:
    """What is known about one resident."""

    resident: str
    name: str
    sex: str
    birth_date: date
    relation: str
    since: date
    id_number: str | None = None
    died_on: date | None = None
    left_on: date | None = None
    disability: dict[str, Any] | None = None
    illnesses: dict[str, dict[str, Any]] = field(default_factory=dict)  # condition -> its latest report
    capacity: str | None = None
    employment: str | None = None
    care_level: str | None = None
    living: dict[str, Any] | None = None
    parents: dict[str, Any] | None = None
    parents_observed_on: date | None = None
    school: dict[str, Any] | None = None
    has_capable_supporter: bool | None = None
    evidence: list[str] = field(default_factory=list)

    @property
    def seriously_ill(self) -> bool | None:
        """RULES.md `serious illness`: any condition's latest report says `serious`; None when none was reported."""
        if not self.illnesses:
            return None
        return any(report.get("serious") is True for report in self.illnesses.values())

    def is_member_on(self, on: date) -> bool:
        """Living and not moved out on `on` (RULES.md: members are living current members)."""
        if self.since > on:
            return False
        if self.died_on is not None and self.died_on <= on:
            return False
        return self.left_on is None or self.left_on > on


@dataclass
class Suspension:
    """A `coverage.suspended` and the `coverage.resumed` that ended it, if any."""

    since: date
    resumed_on: date | None = None

    def covers(self, on: date) -> bool:
        return self.since <= on and (self.resumed_on is None or self.resumed_on > on)


@dataclass
class CoverageState:
    """One enrolment episode of one programme for the household or one resident."""

    programme: str
    resident: str | None
    start: date
    monthly_amount: float | None = None
    review_interval_months: int | None = None
    reviews: list[date] = field(default_factory=list)
    paid_periods: set[str] = field(default_factory=set)
    suspensions: list[Suspension] = field(default_factory=list)
    terminated_on: date | None = None
    termination_reason: str | None = None
    grace_until: date | None = None
    evidence: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        """Subject key of the coverage: programme, resident (or household), start."""
        return f"{self.programme}:{self.resident or '-'}:{self.start.isoformat()}"

    def is_active_on(self, on: date) -> bool:
        """Enrolled and not terminated, or terminated with grace still running."""
        if self.start > on:
            return False
        if self.terminated_on is None or self.terminated_on > on:
            return True
        return self.grace_until is not None and self.grace_until > on

    def is_suspended_on(self, on: date) -> bool:
        """Suspended on `on` and not resumed by then."""
        return any(s.covers(on) for s in self.suspensions)

    def latest_suspension_on(self, on: date) -> Suspension | None:
        """The latest suspension begun on or before `on` (resumed or not)."""
        begun = [s for s in self.suspensions if s.since <= on]
        return max(begun, key=lambda s: s.since, default=None)

    def pays_since(self, on: date) -> date:
        """Since when the coverage has paid without interruption on `on`: its start, or the latest
        resumption not after `on` (a suspended coverage pays again from that date)."""
        resumed = [s.resumed_on for s in self.suspensions if s.resumed_on is not None and s.resumed_on <= on]
        return max([self.start, *resumed])

    def is_terminated_on(self, on: date) -> bool:
        return self.terminated_on is not None and self.terminated_on <= on

    def last_review_on(self, on: date) -> date:
        """The latest review not after `on`, else the start."""
        return max([r for r in self.reviews if r <= on], default=self.start)


@dataclass
class ApplicationState:
    """An application for a programme and its decision, if any."""

    application: str
    programme: str
    resident: str | None
    submitted_on: date
    decided_on: date | None = None
    decision: str | None = None
    evidence: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Visit:
    """A `household.visited`: when, and whom the visitor saw (None when the report does not say)."""

    on: date
    seen: frozenset[str] | None

    def saw(self, resident: str) -> bool:
        """A visit that does not list who was seen counts for every member."""
        return self.seen is None or resident in self.seen


@dataclass
class HouseholdState:
    """Everything known about a household on one date."""

    household: str
    region: str
    grid: str
    hukou: str
    local_hukou: bool
    registered_on: date
    residents: dict[str, ResidentState] = field(default_factory=dict)
    incomes: list[dict[str, Any]] = field(default_factory=list)
    assets: dict[str, Any] | None = None
    expenses: list[dict[str, Any]] = field(default_factory=list)
    emergencies: list[dict[str, Any]] = field(default_factory=list)
    hardships: list[dict[str, Any]] = field(default_factory=list)
    rural_risks: list[dict[str, Any]] = field(default_factory=list)
    visits: list[Visit] = field(default_factory=list)
    coverages: list[CoverageState] = field(default_factory=list)
    applications: dict[str, ApplicationState] = field(default_factory=dict)
    evidence: list[str] = field(default_factory=list)
    _active: dict[date, frozenset[tuple[str, str | None]]] = field(default_factory=dict, repr=False, compare=False)
    _latest_income: tuple[int, dict[str, Any] | None] = field(default=(0, None), repr=False, compare=False)

    def active_on(self, on: date) -> frozenset[tuple[str, str | None]]:
        """(programme, resident or None) of every coverage active on `on` (computed once per date)."""
        if on not in self._active:
            self._active[on] = frozenset((c.programme, c.resident) for c in self.coverages if c.is_active_on(on))
        return self._active[on]

    def members_on(self, on: date) -> list[ResidentState]:
        return [r for r in self.residents.values() if r.is_member_on(on)]

    def latest_income(self) -> dict[str, Any] | None:
        """Latest by reported period, then by when it was observed (`incomes` are in the order they happened).

        `incomes` only grows (a correction or retraction folds the household again), so the answer
        is kept with how many reports it has seen and only the reports added since are compared."""
        seen, latest = self._latest_income
        if seen > len(self.incomes):
            seen, latest = 0, None
        for income in self.incomes[seen:]:
            if latest is None or income["period"] >= latest["period"]:
                latest = income
        self._latest_income = (len(self.incomes), latest)
        return latest

    def incomes_by_period(self) -> list[dict[str, Any]]:
        """Income reports by period, those of one period in the order they were observed."""
        return sorted(self.incomes, key=lambda i: i["period"])

    def coverage_of(self, programme: str, resident: str | None) -> CoverageState | None:
        """The latest episode of a programme for the household (None) or a resident."""
        episodes = [c for c in self.coverages if c.programme == programme and c.resident == resident]
        return episodes[-1] if episodes else None


def fold(observations: list[dict[str, Any]], on: date) -> HouseholdState:
    """Apply the observations that happened on or before `on`, in the order they happened."""
    ordered = sorted(observations, key=happened_order)
    relevant = [o for o in ordered if observed_on(o) <= on]
    registration = next(o for o in ordered if o["kind"] == "household.registered")
    state = _registered(registration)
    for obs in relevant:
        if obs is not registration:
            _APPLY.get(obs["kind"], _ignore)(state, obs)
    return state


def apply_observation(state: HouseholdState, obs: dict[str, Any]) -> None:
    """Apply one more observation onto a folded state (one that happened after all applied so far:
    domain/households/running_fold.py); what was computed from the state before is forgotten."""
    _APPLY.get(obs["kind"], _ignore)(state, obs)
    state._active.clear()


def _registered(obs: dict[str, Any]) -> HouseholdState:
    data = obs["data"]
    state = HouseholdState(
        household=obs["household"],
        region=data["region"],
        grid=data.get("grid") or "",
        hukou=data["hukou"],
        local_hukou=data.get("local_hukou", True) is not False,
        registered_on=observed_on(obs),
        evidence=[obs["observation_id"]],
    )
    for member in data["members"]:
        _add_resident(state, member["resident"], member, observed_on(obs), obs["observation_id"])
    return state


def _add_resident(state: HouseholdState, rid: str, d: dict[str, Any], since: date, oid: str) -> None:
    state.residents[rid] = ResidentState(
        resident=rid,
        name=d.get("name", ""),
        sex=d.get("sex", ""),
        birth_date=date.fromisoformat(d["birth_date"]),
        relation=d.get("relation", "other"),
        since=min(since, date.fromisoformat(d["birth_date"])) if d.get("reason") == "birth" else since,
        id_number=d.get("id_number"),
        evidence=[oid],
    )


def _ignore(state: HouseholdState, obs: dict[str, Any]) -> None:
    """Kinds that do not change the household's state."""


def _resident(state: HouseholdState, obs: dict[str, Any]) -> ResidentState | None:
    person = state.residents.get(obs.get("resident") or "")
    if person is not None:
        person.evidence.append(obs["observation_id"])
    return person


def _set_on_resident(attribute: str, value: Callable[[dict[str, Any]], Any]) -> Callable[..., None]:
    """An applier that stores one derived value on the observed resident."""

    def apply(state: HouseholdState, obs: dict[str, Any]) -> None:
        person = _resident(state, obs)
        if person is not None:
            setattr(person, attribute, value(obs["data"]))

    return apply


def _joined(state: HouseholdState, obs: dict[str, Any]) -> None:
    _add_resident(state, obs["resident"], obs["data"], observed_on(obs), obs["observation_id"])


def _left(state: HouseholdState, obs: dict[str, Any]) -> None:
    person = _resident(state, obs)
    if person is not None:
        person.left_on = parse_date(obs["data"].get("date")) or observed_on(obs)


def _died(state: HouseholdState, obs: dict[str, Any]) -> None:
    person = _resident(state, obs)
    if person is not None:
        person.died_on = parse_date(obs["data"].get("date")) or observed_on(obs)


def _parents(state: HouseholdState, obs: dict[str, Any]) -> None:
    person = _resident(state, obs)
    if person is not None:
        person.parents = obs["data"]
        person.parents_observed_on = observed_on(obs)


def _illness(state: HouseholdState, obs: dict[str, Any]) -> None:
    """Each condition's latest report counts (RULES.md `serious illness`): a cold does not hide a cancer."""
    person = _resident(state, obs)
    if person is not None:
        person.illnesses[obs["data"]["condition"]] = dict(obs["data"])


def _household_list(attribute: str) -> Callable[..., None]:
    """An applier that appends the observation's data (with its provenance) to a list."""

    def apply(state: HouseholdState, obs: dict[str, Any]) -> None:
        item = dict(obs["data"], observation_id=obs["observation_id"], observed_at=obs["observed_at"])
        getattr(state, attribute).append(item)
        state.evidence.append(obs["observation_id"])

    return apply


def _assets(state: HouseholdState, obs: dict[str, Any]) -> None:
    state.assets = dict(obs["data"], observation_id=obs["observation_id"])
    state.evidence.append(obs["observation_id"])


def _visited(state: HouseholdState, obs: dict[str, Any]) -> None:
    seen = obs["data"].get("residents_seen")
    state.visits.append(Visit(observed_on(obs), frozenset(seen) if seen else None))


def _enrolled(state: HouseholdState, obs: dict[str, Any]) -> None:
    data, resident = obs["data"], obs.get("resident")
    current = state.coverage_of(data["programme"], resident)
    start = date.fromisoformat(data["start"])
    if current is not None and not current.is_terminated_on(start) and current.start <= start:
        current.evidence.append(obs["observation_id"])
        return
    state.coverages.append(
        CoverageState(
            programme=data["programme"],
            resident=resident,
            start=start,
            monthly_amount=data.get("monthly_amount"),
            review_interval_months=data.get("review_interval_months"),
            evidence=[obs["observation_id"]],
        )
    )


def _on_coverage(change: Callable[[CoverageState, dict[str, Any]], None]) -> Callable[..., None]:
    """An applier for reviewed/paid/suspended/resumed/terminated: changes the current episode."""

    def apply(state: HouseholdState, obs: dict[str, Any]) -> None:
        coverage = state.coverage_of(obs["data"]["programme"], obs.get("resident"))
        if coverage is not None:
            change(coverage, obs["data"])
            coverage.evidence.append(obs["observation_id"])

    return apply


def _review(c: CoverageState, d: dict[str, Any]) -> None:
    c.reviews.append(date.fromisoformat(d["date"]))


def _paid(c: CoverageState, d: dict[str, Any]) -> None:
    c.paid_periods.add(d["period"])


def _suspend(c: CoverageState, d: dict[str, Any]) -> None:
    """A new suspension; a second report while one is open corrects its date."""
    since = date.fromisoformat(d["date"])
    if c.suspensions and c.suspensions[-1].resumed_on is None:
        c.suspensions[-1].since = since
    else:
        c.suspensions.append(Suspension(since))


def _resume(c: CoverageState, d: dict[str, Any]) -> None:
    """Ends the open suspension (a resumption dated before it ends it on its first day);
    one without an open suspension corrects the date of the last resumption."""
    resumed = date.fromisoformat(d["date"])
    if c.suspensions:
        c.suspensions[-1].resumed_on = max(resumed, c.suspensions[-1].since)


def _terminate(c: CoverageState, d: dict[str, Any]) -> None:
    c.terminated_on = date.fromisoformat(d["date"])
    c.termination_reason = d.get("reason")
    c.grace_until = parse_date(d.get("grace_until"))


def _submitted(state: HouseholdState, obs: dict[str, Any]) -> None:
    data = obs["data"]
    state.applications.setdefault(
        data["application"],
        ApplicationState(
            application=data["application"],
            programme=data["programme"],
            resident=obs.get("resident"),
            submitted_on=date.fromisoformat(data["date"]),
        ),
    ).evidence.append(obs["observation_id"])


def _decided(state: HouseholdState, obs: dict[str, Any]) -> None:
    application = state.applications.get(obs["data"]["application"])
    if application is not None:
        application.decided_on = date.fromisoformat(obs["data"]["date"])
        application.decision = obs["data"]["decision"]
        application.evidence.append(obs["observation_id"])


_APPLY: dict[str, Callable[[HouseholdState, dict[str, Any]], None]] = {
    "resident.joined": _joined,
    "resident.left": _left,
    "resident.died": _died,
    "household.income_reported": _household_list("incomes"),
    "household.assets_reported": _assets,
    "household.expense_reported": _household_list("expenses"),
    "household.emergency_reported": _household_list("emergencies"),
    "household.hardship_reported": _household_list("hardships"),
    "household.rural_risk_reported": _household_list("rural_risks"),
    "household.visited": _visited,
    "resident.disability_assessed": _set_on_resident("disability", dict),
    "resident.illness_reported": _illness,
    "resident.labour_capacity_assessed": _set_on_resident("capacity", lambda d: d["capacity"]),
    "resident.employment_changed": _set_on_resident("employment", lambda d: d["status"]),
    "resident.care_dependency_assessed": _set_on_resident("care_level", lambda d: d["level"]),
    "resident.living_arrangement_reported": _set_on_resident("living", dict),
    "resident.parent_status_reported": _parents,
    "resident.school_status_reported": _set_on_resident("school", dict),
    "resident.supporter_reported": _set_on_resident(
        "has_capable_supporter", lambda d: bool(d["has_capable_supporter"])
    ),
    "coverage.enrolled": _enrolled,
    "coverage.reviewed": _on_coverage(_review),
    "coverage.paid": _on_coverage(_paid),
    "coverage.suspended": _on_coverage(_suspend),
    "coverage.resumed": _on_coverage(_resume),
    "coverage.terminated": _on_coverage(_terminate),
    "application.submitted": _submitted,
    "application.decided": _decided,
}
