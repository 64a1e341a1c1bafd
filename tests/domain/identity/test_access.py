"""Who may do what, tested as the table it is: every role against every action, and jurisdictions."""

from __future__ import annotations

import pytest

from domain.identity.access import (NOWHERE, PERMISSIONS, ROLES, Action, Principal, action_for_kind, admits, allowed, covers,
                           scope_of)

A = Action
# The table of DESIGN.md § Users and issue 7, written out by hand: (role, action) -> allowed.
EXPECTED: dict[str, set[Action]] = {
    "informant": {A.SUBMIT_FIELD_OBSERVATION, A.READ_HOUSEHOLD, A.RECORD_VERIFICATION, A.READ_PARAMETERS},
    "caseworker": {A.SUBMIT_FIELD_OBSERVATION, A.SUBMIT_PROGRAMME_RECORD, A.READ_HOUSEHOLD, A.READ_ALERTS,
                   A.ACT_ON_ALERT, A.READ_PARAMETERS},
    "supervisor": {A.READ_HOUSEHOLD, A.READ_ALERTS, A.ACT_ON_ALERT, A.READ_ESCALATIONS, A.READ_STATISTICS,
                   A.READ_PARAMETERS, A.READ_LEADS, A.ACT_ON_LEAD},
    "auditor": {A.READ_HOUSEHOLD, A.READ_ALERTS, A.READ_ESCALATIONS, A.READ_STATISTICS, A.READ_PARAMETERS,
                A.READ_AUDIT},
    "admin": {A.MANAGE_USERS, A.MANAGE_JURISDICTIONS, A.SET_PARAMETERS, A.READ_PARAMETERS, A.TICK_CLOCK,
              A.READ_OPERATIONS, A.READ_LEADS, A.IMPORT_DEPARTMENT_DATA},
    "integration": {A.SUBMIT_PROGRAMME_RECORD, A.TICK_CLOCK, A.READ_OPERATIONS, A.IMPORT_DEPARTMENT_DATA},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(Action))
def test_the_whole_table(role: str, action: Action) -> None:
    assert allowed(role, action) is (action in EXPECTED[role])


def test_only_the_six_roles_have_permissions_and_auditors_change_nothing() -> None:
    assert set(PERMISSIONS) == set(ROLES)
    changing = {A.SUBMIT_FIELD_OBSERVATION, A.SUBMIT_PROGRAMME_RECORD, A.TICK_CLOCK, A.ACT_ON_ALERT,
                A.RECORD_VERIFICATION, A.SET_PARAMETERS, A.MANAGE_USERS, A.MANAGE_JURISDICTIONS, A.ACT_ON_LEAD,
                A.IMPORT_DEPARTMENT_DATA}
    assert not PERMISSIONS["auditor"] & changing
    assert not allowed("nobody", A.READ_HOUSEHOLD)


GRID = "500103001001-03"
COMMUNITY = "500103001001"


@pytest.mark.parametrize(("jurisdiction", "region", "grid", "inside"), [
    ("500103", COMMUNITY, GRID, True),          # a district covers its communities
    ("500103001", COMMUNITY, GRID, True),       # a street too
    ("500103002", COMMUNITY, GRID, False),      # not the neighbouring street
    ("500000", COMMUNITY, GRID, True),          # a 6-digit code ending 0000 is its province (all of Chongqing)
    ("510500", COMMUNITY, GRID, False),
    ("500103100", "500103100001", "500103100001-01", True),   # town 100 covers its villages
    ("500103100", "500103101001", "500103101001-01", False),  # but not town 101 (issue 14)
    ("500103001100", "500103001100", "500103001100-01", True),  # village 100 of town 001
    ("500103001100", "500103001101", "500103001101-01", False),
    ("500103100000", "500103100001", "500103100001-01", False),  # no code (recorded before): covers nothing
    (GRID, COMMUNITY, GRID, True),              # an informant's grid
    (GRID, COMMUNITY, "500103001001-04", False),
    ("500103", None, None, False),              # nothing known: not covered
])
def test_covers(jurisdiction: str, region: str | None, grid: str | None, inside: bool) -> None:
    assert covers(Principal("u", "caseworker", jurisdiction), region, grid) is inside


@pytest.mark.parametrize(("jurisdiction", "scope"), [
    ("500103100", "500103100"), ("500000", "50"), ("510500", "5105"), (GRID, COMMUNITY),
    ("500103100000", NOWHERE), ("500103100000-01", NOWHERE),
])
def test_the_scope_of_reads_is_the_jurisdiction_read_by_level(jurisdiction: str, scope: str) -> None:
    assert scope_of(Principal("u", "supervisor", jurisdiction)) == scope
    assert scope_of(Principal("u", "auditor", "0")) is None


@pytest.mark.parametrize("role", ["auditor", "admin", "integration"])
def test_roles_without_an_area_limit(role: str) -> None:
    assert covers(Principal("u", role, "0"), COMMUNITY, GRID)


@pytest.mark.parametrize(("kind", "action"), [
    ("household.income_reported", A.SUBMIT_FIELD_OBSERVATION), ("visit.recorded", A.SUBMIT_FIELD_OBSERVATION),
    ("coverage.enrolled", A.SUBMIT_PROGRAMME_RECORD), ("application.submitted", A.SUBMIT_PROGRAMME_RECORD),
    ("clock.tick", A.TICK_CLOCK),
])
def test_kinds_map_to_actions(kind: str, action: Action) -> None:
    assert action_for_kind(kind) is action


INFORMANT = Principal("grid-3", "informant", GRID)
CASEWORKER = Principal("cw-1", "caseworker", "500103")
INTEGRATION = Principal("mz-system", "integration", "0")


@pytest.mark.parametrize(("who", "kind", "grid", "registering", "status"), [
    (INFORMANT, "household.income_reported", GRID, False, None),
    (INFORMANT, "household.registered", GRID, True, None),
    (INFORMANT, "household.registered", "500103001001-04", True, 403),   # register only in one's own grid
    (INFORMANT, "household.income_reported", "500103001001-04", False, 404),  # elsewhere: as if absent
    (INFORMANT, "coverage.enrolled", GRID, False, 403),                  # programme records are not theirs
    (INFORMANT, "clock.tick", None, False, 403),
    (CASEWORKER, "coverage.enrolled", GRID, False, None),
    (CASEWORKER, "household.registered", GRID, True, None),
    (INTEGRATION, "coverage.enrolled", GRID, False, None),
    (INTEGRATION, "household.income_reported", GRID, False, 403),          # field reports come from the field
    (INTEGRATION, "clock.tick", None, False, None),
])
def test_admits(who: Principal, kind: str, grid: str | None, registering: bool, status: int | None) -> None:
    denial = admits(who, kind, COMMUNITY if grid else None, grid, registering)
    assert (denial.status if denial else None) == status
    if denial is not None:
        assert denial.message and denial.message_zh
