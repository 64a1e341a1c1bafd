"""Department imports over real HTTP on the real pipeline: the integration role uploads a public-security death
file; the death of a resident still on dibao raises LAPSED.DECEASED_STILL_COVERED; the same file again changes
nothing; other roles are refused; a wrong file is told at once in problem+json."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
from stdnum.cn import ric

from api.cli.demo.departments import write_file
from infra.imports import shipped_mapping
from infra.runtime import Runtime
from tests.api.http.test_alert_workflow_http import envelope, tick
from tests.conftest import poll_until
from tests.people import GRID, People

TODAY = datetime.now(timezone.utc).date()


def id_number(born: str, sequence: int) -> str:
    body = f"500103{born.replace('-', '')}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")


HEAD = id_number("1950-03-02", 11)
SPOUSE = id_number("1952-06-09", 22)


def covered_household(household: str) -> list[dict[str, Any]]:
    """An elderly couple in GRID, both with ID numbers, the household on dibao."""
    return [
        envelope(f"{household}-1", household, "household.registered", {
            "region": "500103001001", "grid": GRID, "address": "渝中区某社区5栋", "hukou": "urban",
            "members": [{"resident": f"{household}-R1", "name": "周某", "sex": "M", "birth_date": "1950-03-02",
                         "relation": "head", "id_number": HEAD},
                        {"resident": f"{household}-R2", "name": "吴某", "sex": "F", "birth_date": "1952-06-09",
                         "relation": "spouse", "id_number": SPOUSE}]}),
        envelope(f"{household}-2", household, "coverage.enrolled",
                 {"programme": "dibao", "start": "2025-08-01", "monthly_amount": 700}, at="2025-08-03T10:05:00+08:00"),
    ]


def death_file(tmp: Path, *numbers: str, died: date) -> Path:
    mapping = shipped_mapping("public_security")
    rows = [{"id_number": n, "name": "周某", "region": "500103001001", "address": "渝中区某社区5栋",
             "date": died.isoformat(), "record": f"PS{k:04d}"} for k, n in enumerate(numbers)]
    return write_file(mapping, rows, tmp / "deaths", "csv")


def upload(client: httpx.Client, people: People, role: str, path: Path, mapping: str = "public_security") -> httpx.Response:
    return client.post("/api/v1/imports", headers=people.headers(role), data={"mapping": mapping},
                       files={"file": (path.name, path.read_bytes(), "text/csv")})


def finished(client: httpx.Client, people: People, job_id: str) -> dict[str, Any]:
    def done() -> dict[str, Any] | None:
        job = client.get(f"/api/v1/imports/{job_id}", headers=people.headers("integration")).json()
        return job if job["state"] != "running" else None

    return poll_until(done, timeout=60, message="the import to finish")


def open_rules(client: httpx.Client, household: str) -> list[str]:
    alerts = client.get("/api/v1/alerts", params={"household": household, "status": "open"}).json()["alerts"]
    return sorted(a["rule"] for a in alerts)


def test_a_death_file_raises_the_lapse_and_a_second_upload_changes_nothing(
        api: tuple[httpx.Client, Runtime], people: People, tmp_path: Path) -> None:
    client, runtime = api
    sent = client.post("/api/v1/observations", json={"observations": covered_household("IM-1")})
    assert sent.status_code == 202 and sent.json()["accepted"] == 2, sent.text
    path = death_file(tmp_path, HEAD, died=TODAY - timedelta(days=45))

    started = upload(client, people, "integration", path)
    assert started.status_code == 202, started.text
    job = finished(client, people, started.json()["job_id"])
    assert job["state"] == "done", job
    assert {k: job["report"][k] for k in ("rows_read", "matched", "accepted", "duplicates", "rejected", "leads")} == {
        "rows_read": 1, "matched": 1, "accepted": 1, "duplicates": 0, "rejected": 0, "leads": 0}

    runtime.intake.accept(tick(TODAY.isoformat()))
    runtime.drain()
    assert "LAPSED.DECEASED_STILL_COVERED" in open_rules(client, "IM-1")
    timeline = client.get("/api/v1/households/IM-1").json()["timeline"]
    death = [e for e in timeline if e["kind"] == "resident.died"]
    assert len(death) == 1 and death[0]["informant"] == "test-integration", death

    again = finished(client, people, upload(client, people, "integration", path).json()["job_id"])
    assert (again["report"]["accepted"], again["report"]["duplicates"]) == (0, 1)
    runtime.drain()
    timeline = client.get("/api/v1/households/IM-1").json()["timeline"]
    assert len([e for e in timeline if e["kind"] == "resident.died"]) == 1


def test_only_importers_may_upload(api: tuple[httpx.Client, Runtime], people: People, tmp_path: Path) -> None:
    client, _ = api
    path = death_file(tmp_path, HEAD, died=TODAY - timedelta(days=3))
    for role in ("informant", "caseworker", "supervisor", "auditor"):
        refused = upload(client, people, role, path)
        assert refused.status_code == 403, (role, refused.text)
        assert refused.headers["content-type"].startswith("application/problem+json")
    assert client.get("/api/v1/imports", headers=people.headers("caseworker")).status_code == 403
    assert upload(client, people, "admin", path).status_code == 202


def test_a_wrong_file_is_told_at_once(api: tuple[httpx.Client, Runtime], people: People, tmp_path: Path) -> None:
    client, _ = api
    renamed = tmp_path / "renamed.csv"
    renamed.write_text("姓名,证件号\n周某,1\n", encoding="utf-8")
    answer = upload(client, people, "integration", renamed)
    assert answer.status_code == 422 and answer.headers["content-type"].startswith("application/problem+json")
    (error,) = answer.json()["errors"]
    assert error["field"] == "file" and error["message_zh"], error
    unknown = upload(client, people, "integration", renamed, mapping="no_such_department")
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "mapping"
    assert upload(client, people, "integration", renamed, mapping="../../etc/passwd").status_code == 422


def test_a_dropout_nobody_registered_goes_from_the_file_to_the_informant_and_is_found(
        api: tuple[httpx.Client, Runtime], people: People, tmp_path: Path) -> None:
    client, runtime = api
    child = id_number("2012-04-05", 33)
    mapping = shipped_mapping("education")
    path = write_file(mapping, [{"id_number": child, "name": "刘小芳", "region": "500103001001",
                                 "address": "渝中区某社区8栋", "status": "dropped_out", "full_time": False,
                                 "record": "EDU-1"}], tmp_path / "dropouts", "csv")
    job = finished(client, people, upload(client, people, "integration", path, "education").json()["job_id"])
    assert (job["report"]["matched"], job["report"]["leads"], job["report"]["rejected"]) == (0, 1, 0), job
    runtime.drain()

    supervisor, informant = people.headers("supervisor"), people.headers("informant")
    (lead,) = client.get("/api/v1/leads", headers=supervisor).json()["leads"]
    assert lead["state"] == "raised" and child not in str(lead)
    sent = client.post(f"/api/v1/leads/{lead['lead_id']}/dispatch", json={"grid": GRID}, headers=supervisor)
    assert sent.status_code == 200, sent.text
    runtime.drain()
    (task,) = client.get("/api/v1/tasks", headers=informant).json()["lead_tasks"]
    assert (task["lead_id"], task["name"], task["address"]) == (lead["lead_id"], "刘小芳", "渝中区某社区8栋")

    registered = client.post("/api/v1/observations", headers=informant, json={"observations": [{
        "observation_id": "found-1", "observed_at": datetime.now(timezone.utc).isoformat(),
        "kind": "household.registered", "household": "IM-L1", "data": {
            "region": "500103001001", "grid": GRID, "address": "渝中区某社区8栋", "hukou": "urban",
            "members": [{"resident": "IM-L1-R1", "name": "刘小芳", "sex": "F", "birth_date": "2012-04-05",
                         "relation": "head", "id_number": child}]}}]})
    assert registered.status_code == 202 and registered.json()["accepted"] == 1, registered.text
    runtime.drain()
    (found,) = client.get("/api/v1/leads", params={"state": "found"}, headers=supervisor).json()["leads"]
    assert (found["lead_id"], found["household"]) == (lead["lead_id"], "IM-L1")
    again = finished(client, people, upload(client, people, "integration", path, "education").json()["job_id"])
    assert (again["report"]["matched"], again["report"]["accepted"], again["report"]["leads"]) == (1, 1, 0)
