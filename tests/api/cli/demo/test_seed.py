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
from api.cli.demo.seed import seed_demo
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
    assert (nodes["50"].name, nodes["5001"].level, nodes["500103"].name) == ("重庆市", "city", "渝中区")
    assert nodes["500103001"].name == "解放碑街道" and nodes["500103006"].name == "青木镇"
    registered = [e["data"] for e in envelopes if e["kind"] == "household.registered"]
    for data in registered:
        grid = nodes[data["grid"]]
        assert grid.level == "grid" and grid.parent == data["region"]
        assert nodes[data["region"]].level == "community" and nodes[data["region"]].parent == data["region"][:9]
    assert nodes["500103001001"].name == "解放碑街道第1社区"
    assert {n.code for n in nodes.values() if n.level == "grid"} == {d["grid"] for d in registered}


def test_one_user_per_role_each_able_to_log_in_with_the_password_shown(
        tmp_path: Path, envelopes: list[dict[str, Any]]) -> None:
    service = identity(tmp_path)
    users = seed_demo(service, envelopes)
    assert [u.role for u in users] == list(ROLES)
    by_role = {u.role: u for u in users}
    grid = by_role["informant"].jurisdiction
    assert by_role["caseworker"].jurisdiction == "500103" and by_role["supervisor"].jurisdiction == grid[:9]
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
    assert len(service.users()) == len(ROLES) and service.jurisdiction("500103").name == "渝中区"
    assert "http://127.0.0.1:8000/login" in banner  # where to use them
