"""One user per role, on a small jurisdiction tree, for tests that go through authentication."""

from __future__ import annotations

from dataclasses import dataclass

from argon2 import PasswordHasher

from domain.identity.application import IdentityApp

FAST = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)  # real argon2id, cheaper for tests
GRID = "500103001001-03"
TREE = [("50", "重庆市", None), ("5001", "市辖区", "50"), ("500103", "渝中区", "5001"),
        ("500103001", "七星岗街道", "500103"), ("500103001001", "某社区", "500103001"),
        (GRID, "第3网格", "500103001001"), ("500103001001-04", "第4网格", "500103001001"),
        ("500103002", "解放碑街道", "500103")]
JURISDICTIONS = {"informant": GRID, "caseworker": "500103", "supervisor": "500103001", "auditor": "0",
                 "admin": "0", "integration": "0"}


@dataclass(frozen=True)
class People:
    """Bearer headers per role (`people.headers("caseworker")`)."""

    tokens: dict[str, str]

    def headers(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}


def seed_people(identity: IdentityApp) -> People:
    identity.hasher = FAST
    for code, name, parent in TREE:
        if identity.find_jurisdiction(code) is None:
            identity.add_jurisdiction(code, name, parent)
    tokens = {role: identity.add_user(f"test-{role}", role, code, password=f"{role}-password")
              for role, code in JURISDICTIONS.items()}
    return People(tokens)
