"""Schemathesis against the live OpenAPI document of a real served pipeline, authenticated.

The app runs under uvicorn on a free port, on the real pipeline (SQLite stores, the session's broker,
the rule engine's child process), with one user per role. A small district is loaded first, so that
the household and alert ids a fuzzer could never guess are offered to it among its own values; each
operation is called as a role whose job it is (reads and alert work as the district's caseworker, the
visit as the grid's informant, parameters as the admin, the audit log as the auditor, statistics as the
supervisor), and logout with a fresh session each time, so that it never retires a token in use.

Every phase (examples, coverage, fuzzing, stateful) and every check runs, but the one explained in
`NOT_APPLICABLE`; `SEMANTIC_422` lists the operations where a request that fits the schema may still be
refused, and why. With `CI=true` generation is deterministic, as the Hypothesis profile of
tests/conftest.py is; nothing here measures time.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest
import schemathesis
from hypothesis import settings
from schemathesis.engine import events
from schemathesis.engine.statistic import Statistic

from api.http.app import create_app
from infra.bootstrap import PIPELINE, bootstrap
from infra.http_server import BackgroundServer
from infra.runtime import Runtime
from infra.settings import Settings
from api.cli.demo.synthetic import iter_district
from tests.conftest import poll_until
from tests.people import People, seed_people

MIN_CASES = 1_000
MAX_EXAMPLES = 40  # per operation and phase; the coverage phase adds its own boundary cases
# Who calls each operation (method, path); everything else is the caseworker's (district 500103).
ROLE = {
    ("POST", "/api/v1/alerts/{alert_id}/verification"): "informant",
    ("GET", "/api/v1/tasks"): "informant",
    ("POST", "/api/v1/parameters"): "admin",
    ("GET", "/api/v1/audit/access"): "auditor",
    ("GET", "/api/v1/audit/integrity"): "auditor",
    ("GET", "/api/v1/statistics/gaps"): "supervisor",
    ("GET", "/api/v1/statistics/informants"): "supervisor",
    ("GET", "/api/v1/escalations"): "supervisor",
    ("GET", "/api/v1/audit/households/{household_id}/events"): "auditor",
    ("GET", "/api/v1/audit/households/{household_id}"): "auditor",
    ("GET", "/api/v1/audit/alerts/{alert_id}"): "auditor",
    **{(method, path): "admin" for method, path in (
        ("GET", "/api/v1/users"), ("POST", "/api/v1/users"), ("POST", "/api/v1/users/{name}/tokens"),
        ("PUT", "/api/v1/users/{name}/password"), ("POST", "/api/v1/users/{name}/revoke"),
        ("GET", "/api/v1/jurisdictions"), ("POST", "/api/v1/jurisdictions"))},
    ("GET", "/api/v1/audit/response-times"): "auditor",
    ("GET", "/api/v1/audit/equity"): "supervisor",
    ("GET", "/api/v1/leads"): "supervisor",
    ("POST", "/api/v1/leads/{lead_id}/dispatch"): "supervisor",
    ("POST", "/api/v1/leads/{lead_id}/dismiss"): "supervisor",
    **{(method, path): "integration" for method, path in (
        ("POST", "/api/v1/imports"), ("GET", "/api/v1/imports"), ("GET", "/api/v1/imports/{job_id}"),
        ("GET", "/api/v1/imports/{job_id}/rejected.csv"))},
}
PUBLIC = {("GET", "/health"), ("POST", "/api/v1/login")}
FRESH_SESSION = {("POST", "/api/v1/logout")}

# Checks that cannot apply here, and why; every other check runs (with its defaults unless below).
# `max_response_time` is not among them: it is off unless given a limit, and none is given, since a
# timing assertion fails on a slow runner rather than on a wrong answer (the suite makes none).
NOT_APPLICABLE = {
    # It replays a GET that one user made of an object that user owns as each of that user's `peers`,
    # which it reads from a Web Fuzzing Commons auth document listing several users, and it then picks
    # the user of every operation itself (escalating through the document), which replaces the choice of
    # role made here. Nothing here is owned by a user: households and alerts belong to jurisdictions,
    # and "a caseworker elsewhere gets 404" is the access table, tested in test_authorization_http.py.
    "object_level_authorization": "needs a WFC document of peer users who own objects",
}
# Requests that fit the schema yet are refused (422) for what no schema can know, operation by operation.
# For these alone `positive_data_acceptance` takes a 422 as an answer; for every other operation a 422
# to a schema-valid request is a failure (the schema was too loose, or the route too strict).
SEMANTIC_422 = {
    "POST /api/v1/observations": "dates compared with `observed_at`, GB 11643 check digits, the birth date "
                                 "inside an ID number, references to households and residents, programme levels",
    "POST /api/v1/parameters": "the value's type and range depend on the parameter's name (RULES.md § Parameters)",
    "POST /api/v1/alerts/{alert_id}/assign": "`to` must name a caseworker of the alert's jurisdiction",
    "POST /api/v1/alerts/{alert_id}/verification": "`visited_on` must lie between the request and today",
    "POST /api/v1/observations/{observation_id}/correction": "validated as POST /api/v1/observations is, and it "
                                                             "keeps the kind and household of the one it corrects",
    "POST /api/v1/users": "the jurisdiction must be a node of the tree that fits the role; the password is not the name",
    "PUT /api/v1/users/{name}/password": "the password must not be the user's name",
    "POST /api/v1/jurisdictions": "a code's level decides its parent, which must exist (only provinces have none)",
    "POST /api/v1/leads/{lead_id}/dispatch": "the grid must be a grid of the jurisdiction tree within the supervisor's",
    "POST /api/v1/imports": "the file must be a CSV, XLSX or JSON-lines table whose headers the mapping names",
    "GET /api/v1/audit/households/{household_id}": "a calendar date: 2025-02-30 has the shape but is no day",
    "GET /api/v1/audit/households/{household_id}/events": "a calendar date: 2025-02-30 has the shape but is no day",
}


def _role(method: str, path: str) -> str | None:
    if (method, path) in PUBLIC:
        return None
    return ROLE.get((method, path), "caseworker")


@pytest.fixture(scope="module")
def live(broker: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Runtime, People, dict]]:
    """A served pipeline with a small district loaded: URL, runtime, people, and the ids it holds."""
    data: Path = tmp_path_factory.mktemp("fuzz")
    settings_ = Settings(data_dir=data, kafka_bootstrap=broker.bootstrap, partitions=2)
    settings_.topic_prefix = f"{data.name}-"
    runtime = bootstrap(settings_, PIPELINE, group_consumers=False).start()
    people = seed_people(runtime.identity)
    server = BackgroundServer(create_app(runtime.services, runtime)).start()
    envelopes = list(iter_district(households=40, county="500103"))  # the test caseworker's county (tests/people)
    with httpx.Client(base_url=server.url, timeout=60, headers=people.headers("caseworker")) as client:
        answer = client.post("/api/v1/observations", json={"observations": envelopes})
        assert answer.status_code == 202, answer.text[:2000]
        alerts = poll_until(lambda: client.get("/api/v1/alerts").json()["alerts"], timeout=60,
                            message="alerts raised for the district")
    known = {"households": sorted({e["household"] for e in envelopes if e.get("household")})[:20],
             "alerts": [a["alert_id"] for a in alerts][:20]}
    yield server.url, runtime, people, known
    server.stop()
    runtime.stop()


def fuzz_config(known: dict[str, list[str]], deterministic: bool) -> schemathesis.Config:
    checks = {name: {"enabled": False} for name in NOT_APPLICABLE}
    positive = {"expected-statuses": ["2xx", "3xx", "401", "403", "404", "409", "422", "429"]}
    return schemathesis.Config.from_dict({
        "checks": checks,
        "generation": {"deterministic": deterministic, "max-examples": MAX_EXAMPLES, "database": "none"},
        "request-timeout": 60,
        # Known ids and names, drawn half of the time instead of generated values.
        "dictionaries": {"households": {"values": known["households"]}, "alerts": {"values": known["alerts"]},
                         "caseworkers": {"values": ["test-caseworker", "test-supervisor"]}},
        "parameters": {"household_id": {"dictionary": "households", "probability": 0.5},
                       "alert_id": {"dictionary": "alerts", "probability": 0.5},
                       "body.household": {"dictionary": "households", "probability": 0.5},
                       "body.to": {"dictionary": "caseworkers", "probability": 0.5}},
        "operations": [{"include-name": label, "checks": {"positive_data_acceptance": positive}}
                       for label in SEMANTIC_422],
    })


def test_schemathesis_finds_no_server_error_and_no_invalid_input_accepted(
        live: tuple[str, Runtime, People, dict]) -> None:
    url, runtime, people, known = live
    deterministic = bool(settings.default.derandomize)  # the `ci` profile (CI=true) derandomizes
    schema = schemathesis.openapi.from_url(f"{url}/openapi.json", config=fuzz_config(known, deterministic))
    for result in schema.get_all_operations():
        operation = result.ok()
        checks = schema.config.checks_config_for(operation=operation, phase="fuzzing")
        assert ("422" in checks.positive_data_acceptance.expected_statuses) == (operation.label in SEMANTIC_422)
        assert not any(getattr(checks, name).enabled for name in NOT_APPLICABLE)

    @schema.auth(refresh_interval=None)
    class PerRole:
        """The bearer token of the role whose job the operation is (a fresh session for logout)."""

        def get(self, case: Any, context: Any) -> str | None:
            method, path = context.operation.method.upper(), context.operation.path
            if (method, path) in FRESH_SESSION:
                return runtime.identity.login("test-caseworker", "caseworker-password", "fuzz")
            role = _role(method, path)
            return None if role is None else people.tokens[role]

        def set(self, case: Any, data: str | None, context: Any) -> None:
            if data is not None:
                case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}

    statistic = Statistic()
    errors: list[str] = []
    answers: dict[str, Counter[int]] = defaultdict(Counter)  # operation -> status -> how many
    for event in schemathesis.engine.from_schema(schema).execute():
        if isinstance(event, (events.ScenarioFinished, events.FuzzScenarioFinished)):
            statistic.on_scenario_finished(event.recorder)
            for case_id, node in event.recorder.cases.items():
                interaction = event.recorder.interactions.get(case_id)
                if interaction is not None and interaction.response is not None:
                    answers[node.value.operation.label][interaction.response.status_code] += 1
        elif isinstance(event, events.NonFatalError):
            errors.append(f"{event.label}: {event.info.format()}")
        elif isinstance(event, events.FatalError):
            errors.append(f"schemathesis failed: {event.exception!r}")
    found = [f"{label}\n{group.code_sample}\n" + "\n".join(f"  {f.code} {f.title}: {f.message}" for f in group.failures)
             for label, groups in statistic.failures.items() for group in groups.values()]
    print(f"schemathesis: {statistic.total_cases} cases, {len(found)} failures, {len(errors)} errors")
    for label, statuses in sorted(answers.items()):
        print(f"  {label}: {dict(sorted(statuses.items()))}")
    assert not errors, "\n".join(errors)
    assert not found, "\n\n".join(found)
    assert statistic.total_cases >= MIN_CASES
    operations = {f"{method.upper()} {path}" for path, item in schema.raw_schema["paths"].items() for method in item}
    assert operations <= statistic.tested_operations
    # Each operation was let through authentication and authorization at least once: the roles are right.
    shut = {label for label, statuses in answers.items() if not set(statuses) - {401, 403, 405}}
    assert not shut, f"only ever refused for who asked: {shut}"
