"""The demo's seed: the tree of the synthetic district its households use, and one user per role."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher

from domain.identity.access import ROLES, Principal
from api.cli.demo.seed import district_tree, registered_places, seed_demo
from infra.event_store import open_identity
from domain.identity.application import IdentityApp
from infra.settings import Settings
from api.cli.demo.synthetic import generate_district

FAST = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)


@pytest.fixture(scope="module")
def envelopes() -> list[dict[str, Any]]:
    return generate_district(seed=7, households=300, as_of=date(2025, 11, 30))


def identity(data: Path) -> IdentityApp:
    return open_identity(Settings.from_env(data_dir=data), hasher=FAST)


def test_every_region_and_grid_households_use_is_in_the_tree_under_its_parents(
        tmp_path: Path, envelopes: list[dict[str, Any]]) -> None:
    service = identity(tmp_path)
    seed_demo(service, envelopes)
    nodes = {node.code: node for node in service.jurisdictions()}
    assert (nodes["50"].name, nodes["5001"].level, nodes["500116"].name) == ("重庆市", "city", "江津区")
    assert nodes["500116001"].name == "几江街道" and nodes["500116101"].name == "白沙镇"
    registered = [e["data"] for e in envelopes if e["kind"] == "household.registered"]
    for data in registered:
        grid = nodes[data["grid"]]
        assert grid.level == "grid" and grid.parent == data["region"]
        assert nodes[data["region"]].level == "community" and nodes[data["region"]].parent == data["region"][:9]
    assert nodes["500116001001"].name == "几江街道第1社区"
    assert nodes["500116101201"].name == "白沙镇高峰村" and nodes["500116101201"].parent == "500116101"
    assert {n.code for n in nodes.values() if n.level == "grid"} == {d["grid"] for d in registered}


def test_one_user_per_role_each_able_to_log_in_with_the_password_shown(
        tmp_path: Path, envelopes: list[dict[str, Any]]) -> None:
    service = identity(tmp_path)
    users = seed_demo(service, envelopes)
    assert [u.role for u in users] == list(ROLES)
    by_role = {u.role: u for u in users}
    grid = by_role["informant"].jurisdiction
    assert by_role["caseworker"].jurisdiction == "500116" and by_role["supervisor"].jurisdiction == grid[:9]
    assert {by_role[r].jurisdiction for r in ("auditor", "admin", "integration")} == {"0"}
    households_in_grid = sum(1 for e in envelopes if e["kind"] == "household.registered" and e["data"]["grid"] == grid)
    assert households_in_grid > 0
    for user in users:
        session = service.login(user.name, user.password, "127.0.0.1")
        assert service.authenticate(session) == Principal(user.name, user.role, user.jurisdiction)
        assert user.jurisdiction_name


def test_seeding_again_adds_nothing_and_the_passwords_still_work(tmp_path: Path,
                                                                 envelopes: list[dict[str, Any]]) -> None:
    first = seed_demo(identity(tmp_path), envelopes)
    service = identity(tmp_path)
    nodes = service.jurisdictions()
    service.set_password("demo-admin", "changed by someone")
    again = seed_demo(service, envelopes)
    assert again == first and service.jurisdictions() == nodes and len(service.users()) == len(ROLES)
    assert service.login("demo-admin", again[ROLES.index("admin")].password, "127.0.0.1")


def test_the_demo_command_seeds_the_tree_and_prints_the_users(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[4]
    result = subprocess.run([sys.executable, "-m", "api.cli", "demo", "--households", "30", "--exit",
                             "--data", str(tmp_path)], cwd=root, text=True, capture_output=True, timeout=300,
                            stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr
    banner = result.stdout[result.stdout.index("Demo users 演示用户"):]
    service = identity(tmp_path)
    for user in service.users():
        assert user.name in banner and user.jurisdiction in banner and f"{user.role}-demo" in banner
        assert service.login(user.name, f"{user.role}-demo", "127.0.0.1")
    assert len(service.users()) == len(ROLES) and service.jurisdiction("500116").name == "江津区"
    assert "http://127.0.0.1:8000/login" in banner  # where to use them


def test_every_name_agrees_with_its_place_and_the_same_seed_gives_the_same_district(
        tmp_path: Path, envelopes: list[dict[str, Any]]) -> None:
    """One table names every place (`api.cli.demo.places`): each community or village is named after the
    street or town it lies in, each grid after its community, the users' places are the county's, and the
    demo county's streets are 街道 (codes 0xx), its towns 镇 (1xx) with 村 (2xx) under them."""
    users = {u.role: u for u in seed_demo(identity(tmp_path), envelopes)}
    nodes = {node.code: node for node in identity(tmp_path).jurisdictions()}
    for node in nodes.values():
        if node.level in ("community", "grid"):
            assert node.name.startswith(nodes[str(node.parent)].name), (node.code, node.name)
        if node.level == "street":
            assert node.name.endswith("街道" if node.code[6] == "0" else "镇"), (node.code, node.name)
        if node.level == "community":
            assert node.name.endswith("村" if node.code[9] == "2" else "社区"), (node.code, node.name)
    informant, caseworker = users["informant"], users["caseworker"]
    assert caseworker.jurisdiction_name == "江津区" and informant.jurisdiction.startswith(caseworker.jurisdiction)
    again = generate_district(seed=7, households=300, as_of=date(2025, 11, 30))
    assert district_tree(registered_places(again)) == district_tree(registered_places(envelopes))
