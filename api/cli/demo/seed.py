"""What `qianshao demo` seeds besides observations: the jurisdiction tree of its synthetic district,
read from the generated envelopes, and one user per role with a known password.

Why from the envelopes: the tree must hold exactly the regions and grids the households are
registered in (whatever the seed and size), so every household has its grid and informant.
Seeding again on the same data directory adds nothing new and resets the demo passwords.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable

from domain.identity.jurisdiction import EVERYWHERE_CODE, JurisdictionError, level_of, parent_code
from domain.identity.user import UserRevoked
from domain.identity.application import IdentityApp
from domain.policy.policy_service import PolicyService
from api.cli.demo.places import place_names


@dataclass(frozen=True)
class DemoUser:
    """A seeded user as the banner shows it (the password is a demo's, printed on purpose)."""

    name: str
    role: str
    jurisdiction: str
    jurisdiction_name: str
    password: str
    revoked: bool = False


def demo_password(role: str) -> str:
    return f"{role}-demo"


def registered_places(envelopes: Iterable[dict[str, Any]]) -> Counter[tuple[str, str]]:
    """(community region, grid) -> number of envelopes naming it, for grids written `<region>-<nn>`."""
    found: Counter[tuple[str, str]] = Counter()
    for envelope in envelopes:
        data = envelope.get("data")
        if not isinstance(data, dict) or not data.get("region") or not data.get("grid"):
            continue
        region, grid = str(data["region"]), str(data["grid"])
        try:
            if level_of(region) == "community" and parent_code(grid) == region:
                found[(region, grid)] += 1
        except JurisdictionError:
            continue  # not a tree code: left out of the tree
    return found


def district_tree(places: Iterable[tuple[str, str]]) -> dict[str, str]:
    """code -> name of every node from the province down to each (community, grid)."""
    names: dict[str, str] = {}
    counties: set[str] = set()
    tree: dict[str, str] = {}
    for region, grid in places:
        county = region[:6]
        if county not in counties:  # every name from the demo's one table (`api.cli.demo.places`)
            counties.add(county)
            names.update(place_names(county))
        code: str | None = grid
        while code is not None:
            tree[code] = names.get(code) or _grid_name(code, names) or code
            code = parent_code(code)
    return tree


def _grid_name(code: str, names: dict[str, str]) -> str | None:
    if level_of(code) != "grid":
        return None
    community, number = code.split("-")
    return f"{names.get(community, community)}第{int(number)}网格"


def seed_demo(identity: IdentityApp, envelopes: list[dict[str, Any]]) -> list[DemoUser]:
    """Add the district's tree and the demo users (one per role); the users as the banner shows them."""
    places = registered_places(envelopes)
    tree = district_tree(places)
    identity.add_missing_jurisdictions(tree.items())
    grid = min(places, key=lambda place: (-places[place], place[1]))[1] if places else None
    wanted = [("informant", grid), ("caseworker", grid[:6] if grid else None),
              ("supervisor", grid[:9] if grid else None), ("auditor", EVERYWHERE_CODE), ("admin", EVERYWHERE_CODE),
              ("integration", EVERYWHERE_CODE)]
    return [_ensure(identity, role, code, tree) for role, code in wanted if code is not None]


def _ensure(identity: IdentityApp, role: str, code: str, tree: dict[str, str]) -> DemoUser:
    name, password = f"demo-{role}", demo_password(role)
    existing = {user.name: user for user in identity.users()}.get(name)
    revoked = False
    if existing is None:
        identity.add_user(name, role, code, password)
    else:
        code = existing.jurisdiction  # a user keeps the jurisdiction it was created with
        try:
            identity.set_password(name, password)
        except UserRevoked:
            revoked = True
    place = "全部 everywhere" if code == EVERYWHERE_CODE else tree.get(code) or identity.jurisdiction(code).name
    return DemoUser(name, role, code, place, password, revoked)


DISPOSABLE_INCOME = ("rigid.prev_year_pc_disposable_income", 36_000)  # CNY per person, an example for 江津区


def seed_parameters(policy: PolicyService, county: str) -> None:
    """The district's own values that have no national default: the previous year's per-capita disposable
    income, which MISSED.RIGID_EXPENDITURE compares with (the medical-insurance file's large bills meet it)."""
    name, value = DISPOSABLE_INCOME
    if policy.table().lookup(name, county, date(2025, 1, 1)) is None:
        policy.set_value(name, county, "2025-01-01", value, "demo-admin", "演示：上年居民人均可支配收入")
