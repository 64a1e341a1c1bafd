"""Issue 14, findings 6, 7 and 10 (at rest), repeated as the attacks they were: each test failed on the
main branch of the day the issue was filed.

6. rotating `X-Forwarded-For` reset the per-address login limit (uvicorn believed it from loopback);
7. a password reset left the sessions (API and page cookie) opened before it working;
10. without a key (the default, also for the demo) the data directory held names, ID numbers,
    addresses, illnesses and incomes in the clear.
"""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest

from api.http.app import create_app
from infra.bootstrap import bootstrap
from api.cli.main import today
from infra.http_server import BackgroundServer
from infra.keys import MARKER, key_dir
from infra.settings import Settings
from api.cli.demo.synthetic import generate_district
from tests.faults.served import Served
from tests.people import seed_people

ROOT = Path(__file__).resolve().parents[2]
HOUSEHOLDS, SEED = 30, 2026


def _fail_logins(url: str, forwarded_for: list[str | None]) -> list[int]:
    """One failed login per entry (a new name each time, so only the per-address limit can lock)."""
    statuses = []
    with httpx.Client(base_url=url, timeout=30) as client:
        for n, address in enumerate(forwarded_for):
            headers = {"X-Forwarded-For": address} if address else {}
            statuses.append(client.post("/api/v1/login", json={"name": f"guess-{n}", "password": "not-it-123"},
                                        headers=headers).status_code)
    return statuses


# --- 6: the per-address login limit and X-Forwarded-For --------------------------------------------

def test_rotating_x_forwarded_for_does_not_reset_the_per_address_limit(tmp_path: Path) -> None:
    served = Served(tmp_path, env={"QIANSHAO_TRUSTED_PROXIES": ""}, only="api").start()
    try:
        statuses = _fail_logins(served.url, [f"198.51.100.{n}" for n in range(7)])
    finally:
        served.stop()
    assert statuses[:5] == [401] * 5 and statuses[5:] == [429, 429], statuses


def test_behind_a_listed_proxy_the_forwarded_client_is_counted(tmp_path: Path) -> None:
    served = Served(tmp_path, env={"QIANSHAO_TRUSTED_PROXIES": "127.0.0.1"}, only="api").start()
    try:
        many_clients = _fail_logins(served.url, [f"198.51.100.{n}" for n in range(7)])
        one_client = _fail_logins(served.url, ["203.0.113.9"] * 6 + ["203.0.113.10"])
        spoofed_chain = _fail_logins(served.url, ["203.0.113.9, 198.51.100.99"])  # the proxy appends the peer
    finally:
        served.stop()
    assert many_clients == [401] * 7  # seven clients behind the proxy, none of them locked by the others
    assert one_client == [401] * 5 + [429, 401]
    assert spoofed_chain == [401]  # the address the proxy saw is counted, not what the client wrote first


# --- 7: a password reset ends the sessions opened before it ---------------------------------------

@pytest.fixture()
def api_only(tmp_path: Path) -> Iterator[tuple[str, Any]]:
    runtime = bootstrap(Settings(data_dir=tmp_path, cipher_key=None), ()).start()
    people = seed_people(runtime.identity)
    server = BackgroundServer(create_app(runtime.services, runtime)).start()
    try:
        yield server.url, people
    finally:
        server.stop()
        runtime.stop()


@contextmanager
def _page_session(url: str, name: str, password: str) -> Iterator[httpx.Client]:
    """A client holding the pages' session cookie, signed in through the login form."""
    with httpx.Client(base_url=url, timeout=30) as client:
        csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)
        assert csrf is not None
        response = client.post("/login", data={"csrf": csrf.group(1), "name": name, "password": password, "next": ""})
        assert response.status_code == 303, response.text
        yield client


def test_sessions_and_tokens_from_before_a_password_reset_are_refused_after_it(api_only: tuple[str, Any]) -> None:
    url, people = api_only
    login = httpx.post(f"{url}/api/v1/login", json={"name": "test-caseworker", "password": "caseworker-password"})
    session = {"Authorization": f"Bearer {login.json()['token']}"}
    with _page_session(url, "test-caseworker", "caseworker-password") as page:
        assert httpx.get(f"{url}/api/v1/alerts", headers=session).status_code == 200
        assert httpx.get(f"{url}/api/v1/alerts", headers=people.headers("caseworker")).status_code == 200
        assert page.get("/work").status_code == 200
        reset = httpx.put(f"{url}/api/v1/users/test-caseworker/password", json={"password": "a-new-secret-42"},
                          headers=people.headers("admin"))
        assert reset.status_code == 204, reset.text
        assert httpx.get(f"{url}/api/v1/alerts", headers=session).status_code == 401
        assert httpx.get(f"{url}/api/v1/alerts", headers=people.headers("caseworker")).status_code == 401
        after = page.get("/work")
        assert after.status_code == 303 and after.headers["location"].startswith("/login")
    old = httpx.post(f"{url}/api/v1/login", json={"name": "test-caseworker", "password": "caseworker-password"})
    new = httpx.post(f"{url}/api/v1/login", json={"name": "test-caseworker", "password": "a-new-secret-42"})
    assert old.status_code == 401 and new.status_code == 200
    fresh = {"Authorization": f"Bearer {new.json()['token']}"}
    assert httpx.get(f"{url}/api/v1/alerts", headers=fresh).status_code == 200
    with _page_session(url, "test-caseworker", "a-new-secret-42") as again:
        assert again.get("/work").status_code == 200


# --- 10: encryption at rest by default ----------------------------------------------------------------

def _secrets() -> dict[str, set[str]]:
    """What the demo district holds that must never be readable in its files."""
    found: dict[str, set[str]] = {"name": set(), "id_number": set(), "address": set(), "income": set(),
                                  "illness": set()}
    for envelope in generate_district(seed=SEED, households=HOUSEHOLDS, as_of=today()):
        data = envelope["data"]
        if envelope["kind"] == "household.registered":
            found["address"].add(data["address"])
            for member in data["members"]:
                found["name"].add(member["name"])
                if member.get("id_number"):
                    found["id_number"].add(member["id_number"])
        elif envelope["kind"] == "household.income_reported":
            found["income"].add(json.dumps(data["monthly_income"]))
        elif envelope["kind"] == "resident.illness_reported":
            found["illness"].add(data["condition"])
    return found


def _in_clear(data_dir: Path, secrets: dict[str, set[str]]) -> dict[str, dict[str, list[str]]]:
    """Per file (every file, with -wal and -shm), which secrets it holds as UTF-8 or JSON escapes."""
    hits: dict[str, dict[str, list[str]]] = {}
    for path in [p for p in data_dir.rglob("*") if p.is_file()]:
        raw = path.read_bytes()
        for kind, values in secrets.items():
            held = sorted(v for v in values if v.encode() in raw or json.dumps(v)[1:-1].encode() in raw)
            if held:
                hits.setdefault(path.name, {})[kind] = held
    return hits


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "api.cli", *args], cwd=ROOT, text=True, capture_output=True,
                          timeout=300, stdin=subprocess.DEVNULL, env={**os.environ, **(env or {})})


@pytest.fixture(scope="module")
def demo_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`demo --exit` on a new data directory, with no key given (the default a deployment starts with)."""
    data = tmp_path_factory.mktemp("demo") / "var"
    env = {"QIANSHAO_CIPHER_KEY": ""}
    result = _cli("demo", "--households", str(HOUSEHOLDS), "--seed", str(SEED), "--exit", "--data", str(data), env=env)
    assert result.returncode == 0, result.stderr
    return data


def test_the_demo_writes_no_personal_data_in_the_clear(demo_data: Path) -> None:
    secrets = _secrets()
    assert all(secrets[kind] for kind in ("name", "id_number", "address", "income", "illness"))
    assert _in_clear(demo_data, secrets) == {}


def test_the_key_is_kept_outside_the_data_directory_readable_by_its_owner_only(demo_data: Path) -> None:
    marker = json.loads((demo_data / MARKER).read_text())
    key_file = key_dir() / f"{marker['key_id']}.key"
    assert key_file.exists() and not key_file.resolve().is_relative_to(demo_data.resolve())
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600 and stat.S_IMODE(key_dir().stat().st_mode) == 0o700
    key = key_file.read_text().strip()
    assert all(key not in p.read_text(errors="ignore") for p in demo_data.rglob("*") if p.is_file())
    assert _cli("users", "list", "--data", str(demo_data)).returncode == 0  # found again by the CLI


@pytest.mark.parametrize("env", [{"QIANSHAO_KEY_DIR": "{empty}"}, {"QIANSHAO_CIPHER_KEY": "{other}"}],
                         ids=["without its key", "with another key"])
def test_serving_an_encrypted_store_without_its_key_is_refused_with_a_message(
        demo_data: Path, tmp_path: Path, env: dict[str, str]) -> None:
    from eventsourcing.cryptography import AESCipher

    filled = {k: v.format(empty=str(tmp_path / "no-keys"), other=AESCipher.create_key(32)) for k, v in env.items()}
    result = _cli("serve", "--only", "api", "--data", str(demo_data), "--port", "1", env=filled)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr + result.stdout
    assert ("密钥" in result.stderr and ("not found" in result.stderr or "does not belong" in result.stderr)), \
        result.stderr


def test_rotating_the_key_re_encrypts_every_store_and_view(demo_data: Path, tmp_path: Path) -> None:
    copy = tmp_path / "var"
    subprocess.run(["cp", "-a", str(demo_data), str(copy)], check=True)
    old_key = (key_dir() / f"{json.loads((copy / MARKER).read_text())['key_id']}.key").read_text().strip()
    before = _cli("audit", "verify", "--json", "--data", str(copy))
    rotated = _cli("keys", "rotate", "--data", str(copy))
    assert rotated.returncode == 0, rotated.stderr
    after = _cli("audit", "verify", "--json", "--data", str(copy))
    assert after.returncode == 0 and json.loads(after.stdout)["events"] == json.loads(before.stdout)["events"]
    new_key = (key_dir() / f"{json.loads((copy / MARKER).read_text())['key_id']}.key").read_text().strip()
    assert new_key != old_key
    refused = _cli("users", "list", "--data", str(copy), env={"QIANSHAO_CIPHER_KEY": old_key})
    assert refused.returncode == 2 and "does not belong" in refused.stderr
    listed = _cli("users", "list", "--data", str(copy))
    assert listed.returncode == 0 and "demo-caseworker" in listed.stdout
    assert _in_clear(copy, _secrets()) == {}
