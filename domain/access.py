"""Who may do what: roles, actions and jurisdictions, in one table (DESIGN.md § Users).

Every request is made by a `Principal` (an authenticated user). `allowed(role, action)`
answers from `PERMISSIONS`; `covers(principal, region, grid)` says whether a
household lies within the user's jurisdiction. A jurisdiction is a region code
(6–12 digits: district, street, community; trailing zero pairs stand for the whole
prefix, as for parameters) or a grid code (`<community code>-<nn>`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from domain.parameters import region_prefix

ROLES = ("informant", "caseworker", "supervisor", "auditor", "admin", "integration")


class Action(str, Enum):
    """Everything a request can ask to do."""

    SUBMIT_FIELD_OBSERVATION = "submit_field_observation"  # visits, incomes, incidents … (and registering)
    SUBMIT_PROGRAMME_RECORD = "submit_programme_record"  # coverage.* and application.* kinds
    TICK_CLOCK = "tick_clock"
    READ_HOUSEHOLD = "read_household"
    READ_ALERTS = "read_alerts"
    ACT_ON_ALERT = "act_on_alert"  # assign, acknowledge, request verification, resolve, reopen
    RECORD_VERIFICATION = "record_verification"  # the informant's visit for a verification task
    READ_ESCALATIONS = "read_escalations"
    READ_STATISTICS = "read_statistics"
    READ_PARAMETERS = "read_parameters"
    SET_PARAMETERS = "set_parameters"
    MANAGE_USERS = "manage_users"
    MANAGE_JURISDICTIONS = "manage_jurisdictions"
    READ_AUDIT = "read_audit"


A = Action
PERMISSIONS: dict[str, frozenset[Action]] = {
    "informant": frozenset({A.SUBMIT_FIELD_OBSERVATION, A.READ_HOUSEHOLD, A.RECORD_VERIFICATION, A.READ_PARAMETERS}),
    "caseworker": frozenset({A.SUBMIT_FIELD_OBSERVATION, A.SUBMIT_PROGRAMME_RECORD, A.READ_HOUSEHOLD,
                             A.READ_ALERTS, A.ACT_ON_ALERT, A.READ_PARAMETERS}),
    "supervisor": frozenset({A.READ_HOUSEHOLD, A.READ_ALERTS, A.ACT_ON_ALERT, A.READ_ESCALATIONS,
                             A.READ_STATISTICS, A.READ_PARAMETERS}),
    "auditor": frozenset({A.READ_HOUSEHOLD, A.READ_ALERTS, A.READ_ESCALATIONS, A.READ_STATISTICS,
                          A.READ_PARAMETERS, A.READ_AUDIT}),
    "admin": frozenset({A.MANAGE_USERS, A.MANAGE_JURISDICTIONS, A.SET_PARAMETERS, A.READ_PARAMETERS,
                        A.TICK_CLOCK}),
    "integration": frozenset({A.SUBMIT_PROGRAMME_RECORD, A.TICK_CLOCK}),
}

# Roles whose jurisdiction does not limit what they read (auditors read everything).
EVERYWHERE = frozenset({"auditor", "admin", "integration"})


@dataclass(frozen=True)
class Principal:
    """The authenticated user a request acts as."""

    name: str
    role: str
    jurisdiction: str


def allowed(role: str, action: Action) -> bool:
    return action in PERMISSIONS.get(role, frozenset())


def is_grid(code: str) -> bool:
    return "-" in code


def covers(principal: Principal, region: str | None, grid: str | None) -> bool:
    """Whether a household (its region and grid) lies within the principal's jurisdiction."""
    if principal.role in EVERYWHERE:
        return True
    code = principal.jurisdiction
    if is_grid(code):
        return grid == code
    return region is not None and region.startswith(region_prefix(code))
