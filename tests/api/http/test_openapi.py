"""The OpenAPI document: valid OpenAPI 3.1, the observations typed from the validator's own vocabulary
(a schema per kind, discriminated on `kind`), problem+json errors, and the bearer scheme.

The schemas are checked against the validator's behaviour, not against the tables they are generated
from: the fields the validator says are missing when a kind's `data` is empty are the schema's
required fields, and every observation the validator accepts fits the schema.
"""

from __future__ import annotations

import asyncio
import copy
import re
import sys
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from pydantic import ValidationError

from api.http.routes.alert_actions import RecordVerification
from api.http.app import create_app
from api.http.observation_schemas import BATCH, REGISTRATION, model_name
from domain.households import intake_limits as limits
from domain import vocabulary as v
from domain.households.observations.envelope import parse_observation
from domain.households.observations.problems import InvalidObservation
from domain.households.observations.shapes import BLANK_PATTERN, WHITESPACE
from infra.runtime import Runtime
from api.cli.demo.synthetic import iter_district
from tests.domain.households.test_observation import NOW, VALID, FakeRegistry, envelope
from tests.people import People

PROBLEM = "application/problem+json"
NOT_AUTHENTICATED = {("get", "/health"), ("post", "/api/v1/login")}


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return create_app(None).openapi()


def schemas(document: dict[str, Any]) -> dict[str, Any]:
    return document["components"]["schemas"]


def validator(document: dict[str, Any], name: str) -> Draft202012Validator:
    """A JSON Schema validator for one component (its `$ref`s resolve inside the document)."""
    root = {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
    return Draft202012Validator(root, format_checker=Draft202012Validator.FORMAT_CHECKER)


def missing(body: dict[str, Any]) -> set[str]:
    """The fields the validator names as required but absent."""
    with pytest.raises(InvalidObservation) as caught:
        parse_observation(body, FakeRegistry(), now=NOW)
    return {e.field for e in caught.value.errors if e.message.startswith("is required")}


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method, path, op) for path, item in document["paths"].items() for method, op in item.items()]


def test_the_document_is_valid_openapi(document: dict[str, Any]) -> None:
    validate(document)
    assert document["openapi"].startswith("3.1")


def test_the_bearer_scheme_is_declared_and_every_endpoint_but_health_and_login_requires_it(
        document: dict[str, Any]) -> None:
    scheme = document["components"]["securitySchemes"]["HTTPBearer"]
    assert scheme["type"] == "http" and scheme["scheme"] == "bearer"
    for method, path, op in operations(document):
        if (method, path) in NOT_AUTHENTICATED:
            assert "security" not in op, path
        else:
            assert op["security"] == [{"HTTPBearer": []}], (method, path)
            assert {"401", "403"} <= set(op["responses"]) or path == "/api/v1/logout", (method, path)


def test_every_error_an_endpoint_documents_is_problem_json(document: dict[str, Any]) -> None:
    for method, path, op in operations(document):
        for status, response in op["responses"].items():
            if status.startswith("4"):
                assert response["content"][PROBLEM]["schema"] == {"$ref": "#/components/schemas/Problem"}, \
                    (method, path, status)
    assert schemas(document)["Problem"]["required"] == ["type", "title", "status", "detail"]


def test_the_observations_body_is_one_observation_or_a_batch(document: dict[str, Any]) -> None:
    op = document["paths"]["/api/v1/observations"]["post"]
    body = op["requestBody"]["content"]["application/json"]
    assert body["schema"] == {"$ref": "#/components/schemas/ObservationRequest"}
    one, batch = schemas(document)["ObservationRequest"]["anyOf"]
    assert one == {"$ref": "#/components/schemas/Observation"}
    assert batch == {"$ref": "#/components/schemas/ObservationBatch"}
    items = schemas(document)["ObservationBatch"]["properties"]["observations"]
    assert (items["minItems"], items["maxItems"]) == (1, limits.MAX_BATCH)
    assert {"200", "202", "207", "400", "401", "403", "404", "409", "413", "422"} <= set(op["responses"])
    for name, example in body["examples"].items():
        assert not list(validator(document, "ObservationRequest").iter_errors(example["value"])), name


def test_the_union_is_discriminated_on_kind_with_one_schema_per_kind(document: dict[str, Any]) -> None:
    union = schemas(document)["Observation"]
    assert union["discriminator"]["propertyName"] == "kind"
    mapping = union["discriminator"]["mapping"]
    assert list(mapping) == sorted(v.OBSERVATION_KINDS)
    for kind, ref in mapping.items():
        envelope_schema = schemas(document)[ref.rsplit("/", 1)[1]]
        assert envelope_schema["properties"]["kind"]["const"] == kind
        assert envelope_schema["properties"]["data"] == {"$ref": f"#/components/schemas/{model_name(kind)}Data"}


@pytest.mark.parametrize("kind", v.OBSERVATION_KINDS)
def test_each_kinds_required_fields_are_the_ones_the_validator_requires(document: dict[str, Any], kind: str) -> None:
    named = missing({"kind": kind, "data": {}})
    data = schemas(document)[f"{model_name(kind)}Data"]
    assert set(data.get("required", [])) == {f[len("data."):] for f in named if f.startswith("data.")}
    envelope_schema = schemas(document)[f"{model_name(kind)}Observation"]
    # `informant` is required of Kafka messages; over HTTP the route sets it to the authenticated user.
    assert set(envelope_schema["required"]) == {"kind", "data"} | {f for f in named if "." not in f} - {"informant"}


def test_nested_objects_require_what_the_validator_requires(document: dict[str, Any]) -> None:
    registration = {"kind": "household.registered", "data": {"members": [{}]}}
    assert set(schemas(document)["Member"]["required"]) == {
        f.split(".", 2)[2] for f in missing(registration) if f.startswith("data.members[0].")}
    parents = {"kind": "resident.parent_status_reported", "data": {"father": {}, "mother": {}}}
    assert set(schemas(document)["ParentStatus"]["required"]) == {
        f.split(".", 2)[2] for f in missing(parents) if f.startswith("data.father.")}


def test_enumerations_and_bounds_are_the_vocabularys(document: dict[str, Any]) -> None:
    registered = schemas(document)["HouseholdRegisteredData"]["properties"]
    assert tuple(registered["hukou"]["enum"]) == v.HUKOU
    assert registered["members"]["maxItems"] == limits.MAX_MEMBERS
    member = schemas(document)["Member"]["properties"]
    assert tuple(member["sex"]["enum"]) == v.SEX and tuple(member["relation"]["enum"]) == v.RELATIONS
    for kind in v.OBSERVATION_KINDS:
        programme = schemas(document)[f"{model_name(kind)}Data"]["properties"].get("programme")
        assert programme is None or tuple(programme["enum"]) == v.PROGRAMMES
    envelope_schema = schemas(document)["HouseholdVisitedObservation"]["properties"]
    assert envelope_schema["observation_id"]["maxLength"] == limits.MAX_ID
    money = schemas(document)["HouseholdIncomeReportedData"]["properties"]["monthly_income"]
    assert (money["minimum"], money["maximum"]) == (0, limits.MAX_MONEY + 0.005)  # rounds down to the bound


@pytest.mark.parametrize("kind", v.OBSERVATION_KINDS)
def test_a_valid_observation_of_every_kind_fits_its_schema(document: dict[str, Any], kind: str) -> None:
    body = envelope(kind)
    parse_observation(body, FakeRegistry(), now=NOW)  # the validator accepts it
    assert not list(validator(document, "Observation").iter_errors(body))


def test_what_the_validator_also_accepts_fits_the_schema(document: dict[str, Any]) -> None:
    """Null or blank optional fields, unknown keys, text with surrounding whitespace, money half a fen over."""
    body = envelope("household.hardship_reported", resident=None, extra={"any": "thing"})
    body["data"].update(resident="  ", note="\u3000" + "字" * limits.MAX_NOTE + "\n", newer_field=1)
    registration = envelope("household.registered")
    registration["data"].update(local_hukou="")
    registration["data"]["members"][1].update(id_number=None)
    income = envelope("household.income_reported")
    income["data"].update(monthly_income=limits.MAX_MONEY + 0.005)
    for accepted in (body, registration, income):
        parse_observation(accepted, FakeRegistry(), now=NOW)
        assert not list(validator(document, "Observation").iter_errors(accepted))


def test_what_the_schema_refuses_the_validator_refuses(document: dict[str, Any]) -> None:
    over = [
        envelope("resident.joined", observation_id=" obs"),
        envelope("clock.tick", household="H1"),
        {**envelope("household.visited"), "data": {"purpose": "routine", "note": " " + "字" * (limits.MAX_NOTE + 1)}},
        {**envelope("household.visited"), "data": {"purpose": "routine", "residents_seen": ["R1"] * 31}},
        {**envelope("household.income_reported"),
         "data": {**VALID["household.income_reported"][2], "monthly_income": 100_000_000.0051}},
    ]
    for refused in over:
        assert list(validator(document, "Observation").iter_errors(refused)), refused
        with pytest.raises(InvalidObservation):
            parse_observation(refused, FakeRegistry(), now=NOW)


def test_the_synthetic_district_fits_the_schema(document: dict[str, Any]) -> None:
    check = validator(document, "Observation")
    envelopes = list(iter_district(households=60))
    assert len({e["kind"] for e in envelopes}) >= 10
    for body in envelopes:
        assert not list(check.iter_errors(body)), body


def test_the_whitespace_of_the_patterns_is_what_strip_removes() -> None:
    every = [chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF]
    assert "".join(c for c in every if c.isspace()) == WHITESPACE
    blank = re.compile(BLANK_PATTERN)
    assert "".join(c for c in every if blank.fullmatch(c)) == WHITESPACE


def test_the_registration_example_posts_and_the_live_document_is_the_same(
        served: tuple[str, Runtime, People], document: dict[str, Any]) -> None:
    url, _, people = served
    with httpx.Client(base_url=url, timeout=30, headers=people.headers("caseworker")) as client:
        live = client.get("/openapi.json").json()
        assert live == document
        assert client.get("/docs").status_code == 200
        one = client.post("/api/v1/observations", json=REGISTRATION)
        assert one.status_code == 202 and one.json()["status"] == "accepted", one.text
        assert not list(validator(live, "ObservationResult").iter_errors(one.json()))
        batch = client.post("/api/v1/observations", json=BATCH)
        assert batch.status_code == 202 and batch.json()["accepted"] == 2, batch.text
        assert not list(validator(live, "BatchResult").iter_errors(batch.json()))
        refused = client.post("/api/v1/observations", json={**copy.deepcopy(REGISTRATION), "observation_id": "OBS-2",
                                                                "household": "H-2", "observed_at": "soon"})
        assert refused.status_code == 422 and refused.headers["content-type"].startswith(PROBLEM)
        assert not list(validator(live, "ObservationProblem").iter_errors(refused.json()))


def test_the_example_is_in_the_past() -> None:
    at = datetime.fromisoformat(REGISTRATION["observed_at"])
    assert at < datetime.now(timezone.utc) - timedelta(days=1)


def test_a_405_allows_every_method_the_document_lists_for_the_path(document: dict[str, Any]) -> None:
    transport = httpx.ASGITransport(app=create_app(None))

    async def allowed(path: str) -> set[str]:
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            response = await client.request("PATCH", path)
        assert response.status_code == 405 and response.headers["content-type"].startswith(PROBLEM)
        return {m.strip().lower() for m in response.headers["allow"].split(",")} - {"head"}

    for path in ("/api/v1/parameters", "/api/v1/alerts", "/api/v1/observations", "/api/v1/alerts/x/resolve"):
        concrete = path.replace("/x/", "/{alert_id}/")
        assert asyncio.run(allowed(path)) == set(document["paths"][concrete]), path


@pytest.mark.parametrize("day", [1764547200, "1764547200", "2025-08-05T00:00:00", "20250805"])
def test_a_date_in_a_body_is_only_what_the_document_says(day: Any) -> None:
    """`format: date` is YYYY-MM-DD; pydantic alone would read a Unix timestamp as a date."""
    with pytest.raises(ValidationError):
        RecordVerification.model_validate({"outcome": "could_not_reach", "visited_on": day})
    assert RecordVerification.model_validate({"outcome": "x", "visited_on": "2025-08-05"}).visited_on
