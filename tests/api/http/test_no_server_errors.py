"""No request gets a 500: out-of-range queries get 422, deep or huge bodies 400/413, unknown paths
and wrong methods problem+json; the last-resort handler answers problem+json without a traceback."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterator

import httpx
import pytest
from fastapi import FastAPI

from api.http.app import create_app
from api.http.body_limits import MAX_BODY_BYTES, MAX_JSON_DEPTH
from infra.bootstrap import PIPELINE, bootstrap
from infra.http_server import BackgroundServer
from infra.settings import Settings
from tests.people import People, seed_people

PROBLEM = "application/problem+json"
PARAMETERS = "/api/v1/parameters"


@pytest.fixture(scope="module")
def server(broker: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, People]]:
    data: Path = tmp_path_factory.mktemp("no-500")
    settings = Settings(data_dir=data, kafka_bootstrap=broker.bootstrap, partitions=2)
    settings.topic_prefix = f"{data.name}-"
    runtime = bootstrap(settings, PIPELINE, group_consumers=False).start()
    people = seed_people(runtime.identity)
    app: FastAPI = create_app(runtime.services, runtime)

    @app.get("/api/v1/test/unexpected")  # an API address: a page's is the Chinese 500 page (tests/api/pages)
    def unexpected() -> None:
        raise RuntimeError("secret internal detail")

    served = BackgroundServer(app).start()
    yield served.url, people
    served.stop()
    runtime.stop()


@pytest.fixture(scope="module")
def client(server: tuple[str, People]) -> Iterator[httpx.Client]:
    """A caseworker's client: every route here is theirs but setting parameters (see `post_json`)."""
    url, people = server
    with httpx.Client(base_url=url, timeout=60, headers=people.headers("caseworker")) as http:
        yield http


@pytest.fixture(scope="module")
def admin(server: tuple[str, People]) -> dict[str, str]:
    return server[1].headers("admin")


def post_json(client: httpx.Client, path: str, body: bytes, admin: dict[str, str]) -> httpx.Response:
    """POST raw bytes as JSON, as the role the route is for (parameters: the administrator)."""
    headers = {"content-type": "application/json", **(admin if path == PARAMETERS else {})}
    return client.post(path, content=body, headers=headers)


def assert_problem(response: httpx.Response, status: int, field: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status and " / " in body["title"]
    if field is not None:
        assert field in [e["field"] for e in body["errors"]], body
    return body


def nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"offset": 10**30}, "offset"),
        ({"offset": 2**63}, "offset"),
        ({"offset": -1}, "offset"),
        ({"offset": "1e3"}, "offset"),
        ({"limit": -1}, "limit"),
        ({"limit": 0}, "limit"),
        ({"limit": 10**30}, "limit"),
        ({"limit": "many"}, "limit"),
        ({"escalated": "perhaps"}, "escalated"),
        ({"region": "x" * 100}, "region"),
    ],
)
def test_out_of_range_queries_get_422(client: httpx.Client, params: dict[str, Any], field: str) -> None:
    body = assert_problem(client.get("/api/v1/alerts", params=params), 422, field)
    assert all(e["message"] and e["message_zh"] for e in body["errors"])


def test_the_largest_offset_allowed_is_answered(client: httpx.Client) -> None:
    response = client.get("/api/v1/alerts", params={"offset": 1_000_000_000})
    assert response.status_code == 200 and response.json()["alerts"] == []


def test_a_bound_is_explained_in_both_languages(client: httpx.Client) -> None:
    body = assert_problem(client.get("/api/v1/alerts", params={"offset": 10**30}), 422, "offset")
    assert body["errors"][0]["message_zh"] == "不能大于 1000000000"


@pytest.mark.parametrize("path", ["/api/v1/observations", PARAMETERS, "/api/v1/alerts/x/acknowledge"])
def test_json_nested_10000_deep_is_a_400(client: httpx.Client, admin: dict[str, str], path: str) -> None:
    response = post_json(client, path, nested(10_000), admin)
    body = assert_problem(response, 400, "body")
    assert "64" in body["detail"] and "64" in body["errors"][0]["message_zh"]


def test_nesting_is_counted_outside_strings_only(client: httpx.Client) -> None:
    deep_text = '{"observation_id": "' + "[{" * 5000 + '\\"]"}'
    response = client.post("/api/v1/observations", content=deep_text.encode(),
                           headers={"content-type": "application/json"})
    assert response.status_code == 422  # judged by intake, not refused as too deep


def test_nesting_up_to_the_limit_reaches_the_route(client: httpx.Client, admin: dict[str, str]) -> None:
    value = "[" * (MAX_JSON_DEPTH - 1) + "]" * (MAX_JSON_DEPTH - 1)  # inside the body's object: 64 levels
    body = ('{"name": "edge.multiplier", "region": "500103", "from": "2025-01-01", "value": ' + value + "}").encode()
    assert_problem(post_json(client, PARAMETERS, body, admin), 422, "value")
    deeper = body.replace(b'"value": [', b'"value": [[').replace(b"]}", b"]]}")
    assert_problem(post_json(client, PARAMETERS, deeper, admin), 400, "body")


def test_a_body_over_the_limit_is_a_413(client: httpx.Client) -> None:
    response = client.post("/api/v1/observations", content=b" " * (MAX_BODY_BYTES + 1),
                           headers={"content-type": "application/json"})
    body = assert_problem(response, 413, "body")
    assert str(MAX_BODY_BYTES) in body["detail"]


def test_a_streamed_body_over_the_limit_is_a_413(client: httpx.Client) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(MAX_BODY_BYTES // (1 << 20) + 1):
            yield b" " * (1 << 20)

    response = client.post("/api/v1/observations", content=chunks(), headers={"content-type": "application/json"})
    assert "content-length" not in response.request.headers
    assert_problem(response, 413, "body")


def test_a_body_at_the_limit_reaches_the_route(client: httpx.Client) -> None:
    response = client.post("/api/v1/observations", content=b" " * MAX_BODY_BYTES,
                           headers={"content-type": "application/json"})
    assert_problem(response, 400)  # not JSON: the route itself says so


PARAMETER = '{"name": "edge.multiplier", "region": "500103", "from": "2025-01-01", "value": 2, '


@pytest.mark.parametrize("text", ["\\ud800", "\\udfff", "a\\ud83d", "\\ude00\\ud83d", "\\ud83d\\\\ude00"])
def test_an_unpaired_surrogate_escape_is_a_400(client: httpx.Client, admin: dict[str, str], text: str) -> None:
    body = (PARAMETER + f'"reason": "{text}"}}').encode()
    response = post_json(client, PARAMETERS, body, admin)
    assert_problem(response, 400, "body")
    assert "surrogate" in response.json()["detail"]


def test_a_paired_surrogate_escape_is_text_like_any_other(client: httpx.Client, admin: dict[str, str]) -> None:
    body = (PARAMETER + '"reason": "\\ud83d\\ude00 and \\\\ud800 as text"}').encode()
    response = post_json(client, PARAMETERS, body, admin)
    assert response.status_code == 201, response.text


@pytest.mark.parametrize("body", [b"{nope", b"\xff\xfe", b'{"outcome": "a"'])
def test_a_body_that_is_not_json_is_a_400_on_every_route(client: httpx.Client, admin: dict[str, str],
                                                         body: bytes) -> None:
    for path in ("/api/v1/observations", PARAMETERS, "/api/v1/alerts/x/acknowledge"):
        response = post_json(client, path, body, admin)
        assert_problem(response, 400, "body" if path != "/api/v1/observations" else None)


def test_an_unknown_api_path_is_a_404_problem(client: httpx.Client) -> None:
    assert_problem(client.get("/api/v1/no/such/path"), 404)  # an unknown page address is a page (tests/api/pages)


def test_a_wrong_method_is_a_405_problem_keeping_allow(client: httpx.Client) -> None:
    response = client.delete("/api/v1/alerts")
    assert_problem(response, 405)
    assert "GET" in response.headers["allow"]
    assert "POST" in client.put("/api/v1/observations").headers["allow"]


def test_an_unexpected_error_is_a_500_problem_without_its_traceback(client: httpx.Client,
                                                                     caplog: pytest.LogCaptureFixture,
                                                                     wait_for: Callable[..., object]) -> None:
    body = assert_problem(client.get("/api/v1/test/unexpected"), 500)
    text = str(body)
    assert "secret internal detail" not in text and "Traceback" not in text and "RuntimeError" not in text
    assert body["errors"][0]["message_zh"]
    # The traceback goes to the log instead. Starlette re-raises the error once the 500 is sent, and
    # uvicorn logs it as "Exception in ASGI application" just after: wait for it here, so that the
    # expected record is this test's and never shows up in the next test's captured log.
    wait_for(lambda: "Exception in ASGI application" in caplog.text, message="uvicorn's log of the error")
    assert "unexpected error answering GET /api/v1/test/unexpected" in caplog.text
    assert "secret internal detail" in caplog.text


def test_a_process_without_the_rule_worker_answers_every_view(tmp_path: Path) -> None:
    """`serve --only …` without `rules`: the household view, parameters and alert actions need no worker."""
    runtime = bootstrap(Settings(data_dir=tmp_path), {"projections"}).start()
    people = seed_people(runtime.identity)
    server = BackgroundServer(create_app(runtime.services, runtime)).start()
    member = {"resident": "CQ-W1-1", "name": "陈某", "sex": "F", "birth_date": "1969-11-05", "relation": "head"}
    register = {"observation_id": "w-1", "informant": "grid-7", "observed_at": "2025-08-03T10:00:00+08:00",
                "kind": "household.registered", "household": "CQ-W1",
                "data": {"region": "500103001001", "grid": "500103001001-03", "address": "渝中区某街道某社区3栋",
                         "hukou": "urban", "members": [member]}}
    try:
        with httpx.Client(base_url=server.url, timeout=30, headers=people.headers("caseworker")) as http:
            assert http.post("/api/v1/observations", json=register).status_code == 202
            runtime.drain()
            household = http.get("/api/v1/households/CQ-W1")
            assert household.status_code == 200, household.text
            assert household.json()["assessment"]["judged_on"] == "2025-08-03"
            assert http.get("/api/v1/parameters", params={"region": "500103"}).status_code == 200
            missing = "00000000-0000-0000-0000-000000000000"
            assert_problem(http.post(f"/api/v1/alerts/{missing}/acknowledge", json={}), 404, "alert")
    finally:
        server.stop()
        runtime.stop()

