"""Who may do what: roles, actions and jurisdictions, in one table (DESIGN.md § Users).

Every request is made by a `Principal` (an authenticated user). `allowed(role, action)`
answers from `PERMISSIONS`; `covers(principal, region, grid)` says whether a
household lies within the user's jurisdiction. A jurisdiction is a region code read
by level as parameters are (`domain.region_codes`: `500103100` is town 100 alone, only
a 6-digit code abbreviates) or a grid code (`<community code>-<nn>`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from domain.region_codes import InvalidRegionCode, covers_region, region_scope

NOWHERE = "-"  # the scope of a jurisdiction that is no code (recorded before codes were read by level): no region
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
    READ_OPERATIONS = "read_operations"  # /health in full: lag, errors, restarts, addresses, pids
    IMPORT_DEPARTMENT_DATA = "import_department_data"  # `qianshao import`: other departments' files
    READ_LEADS = "read_leads"  # people a department names and no household holds (线索)
    ACT_ON_LEAD = "act_on_lead"  # dispatch a lead to a grid's informant, dismiss it


A = Action
PERMISSIONS: dict[str, frozenset[Action]] = {
    "informant": frozenset({A.SUBMIT_FIELD_OBSERVATION, A.READ_HOUSEHOLD, A.RECORD_VERIFICATION, A.READ_PARAMETERS}),
    "caseworker": frozenset({A.SUBMIT_FIELD_OBSERVATION, A.SUBMIT_PROGRAMME_RECORD, A.READ_HOUSEHOLD,
                             A.READ_ALERTS, A.ACT_ON_ALERT, A.READ_PARAMETERS}),
    "supervisor": frozenset({A.READ_HOUSEHOLD, A.READ_ALERTS, A.ACT_ON_ALERT, A.READ_ESCALATIONS,
                             A.READ_STATISTICS, A.READ_PARAMETERS, A.READ_LEADS, A.ACT_ON_LEAD}),
    "auditor": frozenset({A.READ_HOUSEHOLD, A.READ_ALERTS, A.READ_ESCALATIONS, A.READ_STATISTICS,
                          A.READ_PARAMETERS, A.READ_AUDIT}),
    "admin": frozenset({A.MANAGE_USERS, A.MANAGE_JURISDICTIONS, A.SET_PARAMETERS, A.READ_PARAMETERS,
                        A.TICK_CLOCK, A.READ_OPERATIONS, A.IMPORT_DEPARTMENT_DATA, A.READ_LEADS}),
    "integration": frozenset({A.SUBMIT_PROGRAMME_RECORD, A.TICK_CLOCK, A.READ_OPERATIONS, A.IMPORT_DEPARTMENT_DATA}),
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
    try:
        return covers_region(code, region)
    except InvalidRegionCode:
        return False


def scope_of(principal: Principal) -> str | None:
    """The region prefix a principal's reads are limited to (None: everywhere; a grid: its community)."""
    if principal.role in EVERYWHERE:
        return None
    try:
        return region_scope(principal.jurisdiction.split("-")[0])
    except InvalidRegionCode:
        return NOWHERE


PROGRAMME_PREFIXES = ("coverage.", "application.")


def action_for_kind(kind: str) -> Action:
    """What submitting an observation of this kind is: a field report, a programme record, a tick."""
    if kind == "clock.tick":
        return Action.TICK_CLOCK
    if kind.startswith(PROGRAMME_PREFIXES):
        return Action.SUBMIT_PROGRAMME_RECORD
    return Action.SUBMIT_FIELD_OBSERVATION


@dataclass(frozen=True)
class Denial:
    """Why a principal may not submit one observation: 403 (not their job) or 404 (not their area)."""

    status: int
    field: str
    message: str
    message_zh: str


def admits(principal: Principal, kind: str, region: str | None, grid: str | None, registering: bool,
           source: str | None = None) -> Denial | None:
    """Whether the principal may submit an observation of `kind` about a household at (region, grid).

    Registering a household outside one's area is refused (403: the household does not exist
    yet, so nothing is revealed); any other observation about a household outside it answers
    404, as a read would. An observation from a department's data (`source`) is an import: any kind
    but a registration or a tick, by those who may import.
    """
    action = action_for_kind(kind) if source is None or registering or kind == "clock.tick" \
        else Action.IMPORT_DEPARTMENT_DATA
    if not allowed(principal.role, action):
        return Denial(403, "kind", f"role {principal.role} may not submit {kind} observations",
                      f"当前角色（{principal.role}）无权提交 {kind} 类观察记录")
    if action is Action.TICK_CLOCK or covers(principal, region, grid):
        return None
    if registering:
        return Denial(403, "data.grid", "a household can only be registered within your own jurisdiction",
                      "只能在本人负责的辖区（网格）内登记家庭")
    return Denial(404, "household", "no such household in your jurisdiction", "您的辖区内没有该家庭")
