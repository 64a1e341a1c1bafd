"""Issue 14 §§ 3, 4 and 10 (the Kafka half) as attacks over real HTTP and the real broker.

§ 3: for each masked role, everything its responses show about a member (masked number, the household's
region, birth date or year, sex, ages and 18th birthdays in facts, on every as-of day an auditor can
choose) must leave at least 1,000 ID numbers possible. § 4: an informant's correction form shows no
stored ID number, the read is recorded, and a correction that leaves it out keeps it. § 10: nothing
personal crosses `qianshao.events`.
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest
from stdnum.cn import ric

from domain.dates import age_on, birthday
from infra.kafka.clients import make_consumer
from infra.runtime import Runtime
from infra.settings import TOPIC_EVENTS
from tests.api.pages.data import INFORMANT, envelope, tick
from tests.api.pages.test_page_http import logged_in
from tests.people import GRID, People
from tests.serving import served_pipeline

REGION = "500103001001"
BOUND = 1000
HOUSEHOLD = "CQ-S1"
ADDRESS = "渝中区某街道某社区7栋"
# (resident, name, sex, birth date, sequence): an old man, a woman, a girl on the orphan allowance turning 18
MEMBERS = [("CQ-S1-R1", "周德明", "M", "1944-03-14", "137", "head"), ("CQ-S1-R2", "李秀英", "F", "1969-11-05", "024",
                                                                       "spouse"),
           ("CQ-S1-R3", "周小雨", "F", "2007-08-20", "068", "grandchild")]


def id_number(born: str, sequence: str) -> str:
    body = f"500103{born.replace('-', '')}{sequence}"
    return body + ric.calc_check_digit(body + "0")


NUMBERS = {rid: id_number(born, seq) for rid, _, _, born, seq, _ in MEMBERS}
BIRTHS = {rid: born for rid, _, _, born, _, _ in MEMBERS}


def seed(runtime: Runtime) -> None:
    """The household through the real intake: registered by the test informant, poor, the girl enrolled as a
    minor; the clock ticked so the rules judge it (MISSED.DIBAO, the old-age allowance, the age-out)."""
    members = [{"resident": rid, "name": name, "sex": sex, "birth_date": born, "id_number": NUMBERS[rid],
                "relation": relation} for rid, name, sex, born, _, relation in MEMBERS]
    observations = [
        envelope(f"{HOUSEHOLD}-1", HOUSEHOLD, "household.registered",
                 {"region": REGION, "grid": GRID, "address": ADDRESS, "hukou": "urban", "members": members}),
        envelope(f"{HOUSEHOLD}-2", HOUSEHOLD, "household.income_reported",
                 {"monthly_income": 611, "period": "2025-07", "income_type": "stable", "source": "declared"},
                 at="2025-08-03T10:05:00+08:00"),
        envelope(f"{HOUSEHOLD}-3", HOUSEHOLD, "resident.illness_reported",
                 {"condition": "尿毒症", "serious": True, "hospitalized": False, "date": "2025-07-20"},
                 at="2025-08-03T10:06:00+08:00", resident="CQ-S1-R2"),
        dict(envelope(f"{HOUSEHOLD}-4", HOUSEHOLD, "coverage.enrolled",
                      {"programme": "orphan_allowance", "start": "2015-01-01", "monthly_amount": 1200},
                      at="2025-08-03T10:07:00+08:00", resident="CQ-S1-R3"), informant="test-caseworker"),
        tick("2025-08-04"),
    ]
    outcomes = runtime.intake.accept_batch(observations)
    assert {o.status for o in outcomes} == {"accepted"}, [o.to_json() for o in outcomes]
    runtime.drain()


@pytest.fixture()
def served(broker: Any, tmp_path: Path) -> Iterator[tuple[str, Runtime, People]]:
    with served_pipeline(broker, tmp_path) as served:
        seed(served[1])
        yield served


# --- § 3: rebuilding an ID number from what a role sees ------------------------------------------------


class Seen:
    """What one role's responses say about each member."""

    def __init__(self) -> None:
        self.masks: dict[str, set[str]] = {}
        self.dates: dict[str, set[str]] = {}
        self.years: dict[str, set[int]] = {}
        self.sexes: dict[str, set[str]] = {}
        self.ages: dict[str, set[tuple[int, str]]] = {}  # (age, judged on)
        self.adult_on: dict[str, set[str]] = {}
        self.to_adulthood: dict[str, set[tuple[int, str]]] = {}

    def walk(self, node: Any, on: str | None = None) -> None:
        if isinstance(node, list):
            for item in node:
                self.walk(item, on)
        if not isinstance(node, dict):
            return
        on = node.get("judged_on") or node.get("as_of") or on
        rid = node.get("resident")
        if rid in NUMBERS:
            self._person(rid, node)
            why = node.get("explanation")
            if isinstance(why, dict) and isinstance(why.get("facts"), dict):
                self._facts(rid, why["facts"], why.get("judged_on") or on)
            if isinstance(node.get("facts"), dict):
                self._facts(rid, node["facts"], on)
        for value in node.values():
            self.walk(value, on)

    def _person(self, rid: str, node: dict[str, Any]) -> None:
        for key, store in (("id_number", self.masks), ("birth_date", self.dates), ("birth_year", self.years),
                           ("sex", self.sexes)):
            if node.get(key) is not None:
                store.setdefault(rid, set()).add(node[key])

    def _facts(self, rid: str, facts: dict[str, Any], on: str | None) -> None:
        if "age" in facts and on:
            self.ages.setdefault(rid, set()).add((facts["age"], on))
        if "adult_on" in facts:
            self.adult_on.setdefault(rid, set()).add(facts["adult_on"])
        if "days_to_adulthood" in facts and on:
            self.to_adulthood.setdefault(rid, set()).add((facts["days_to_adulthood"], on))

    def possible_days(self, rid: str) -> list[date]:
        """Birth dates consistent with everything seen (any day from 1900 to 2026 when nothing is)."""
        day, days = date(1900, 1, 1), []
        while day <= date(2026, 12, 31):
            if self._fits(rid, day):
                days.append(day)
            day += timedelta(days=1)
        return days

    def _fits(self, rid: str, day: date) -> bool:
        return (all(day.isoformat() == d for d in self.dates.get(rid, ()))
                and all(day.year == y for y in self.years.get(rid, ()))
                and all(age_on(day, date.fromisoformat(on)) == age for age, on in self.ages.get(rid, ()))
                and all(birthday(day, 18).isoformat() == a for a in self.adult_on.get(rid, ()))
                and all((birthday(day, 18) - date.fromisoformat(on)).days == n
                        for n, on in self.to_adulthood.get(rid, ())))

    def candidates(self, rid: str, region: str, stop: int = BOUND) -> int:
        """How many 18-digit numbers agree with it all (counting stops at `stop`)."""
        masks, sexes, found = self.masks.get(rid, set()), self.sexes.get(rid, set()), 0
        for day in self.possible_days(rid):
            for sequence in range(1000):
                if sexes and ("M" if sequence % 2 else "F") not in sexes:
                    continue
                body = f"{region[:6]}{day:%Y%m%d}{sequence:03d}"
                number = body + ric.calc_check_digit(body + "0")
                if all(_agrees(number, mask) for mask in masks):
                    found += 1
                    if found >= stop:
                        return found
        return found


def _tail_shown(number: str, text: str) -> str | None:
    """The number's last four as a mask would show them (after its `*`s), else None.

    A bare four-digit search would also hit timestamps and uuids by chance, so only a masked tail counts."""
    found = re.search(rf"\*+{re.escape(number[-4:])}(?![0-9A-Za-z])", text)
    return found.group(0) if found else None


def _agrees(number: str, mask: str) -> bool:
    return len(mask) == len(number) and all(m in ("*", n) for m, n in zip(mask, number))


def _get(client: httpx.Client, path: str) -> Any:
    response = client.get(path)
    assert response.status_code == 200, (path, response.text[:300])
    return response.json()


def _alerts(runtime: Runtime) -> list[str]:
    return [r["alert_id"] for r in runtime.views.query("SELECT alert_id FROM alerts WHERE household = ?",
                                                       (HOUSEHOLD,))]


def _seen_by(url: str, runtime: Runtime, people: People, role: str) -> tuple[Seen, str]:
    """Every JSON response of the role about the household, walked; and all the text it was shown."""
    seen, texts = Seen(), []
    with httpx.Client(base_url=url, timeout=60, headers=people.headers(role)) as client:
        answers = [_get(client, f"/api/v1/households/{HOUSEHOLD}")]
        if role in ("supervisor", "auditor"):
            answers.append(_get(client, f"/api/v1/alerts?household={HOUSEHOLD}&status=open"))
            answers += [_get(client, f"/api/v1/alerts/{a}") for a in _alerts(runtime)]
        if role == "auditor":
            answers.append(_get(client, f"/api/v1/audit/households/{HOUSEHOLD}/events?limit=1000"))
            answers += [_get(client, f"/api/v1/audit/alerts/{a}") for a in _alerts(runtime)]
            # the as-of slider: every day around the birthdays that facts could move on
            days = [date(2025, 8, 4) - timedelta(days=n) for n in range(0, 400, 3)]
            answers += [_get(client, f"/api/v1/audit/households/{HOUSEHOLD}?as_of={d}") for d in days]
        if role == "informant":
            answers.append(_get(client, "/api/v1/tasks"))
    for answer in answers:
        seen.walk(answer)
        texts.append(json.dumps(answer, ensure_ascii=False))
    return seen, "\n".join(texts)


def test_the_old_masks_and_birth_dates_were_a_whole_id_number() -> None:
    """The attack as it worked: `5001**********1234` with the region and the birth date leaves one number."""
    seen = Seen()
    rid = "CQ-S1-R2"
    number = NUMBERS[rid]
    seen.walk({"resident": rid, "id_number": f"{number[:4]}{'*' * 10}{number[-4:]}", "birth_date": BIRTHS[rid],
               "sex": "F"})
    assert seen.candidates(rid, REGION) == 1


@pytest.mark.parametrize("role", ["supervisor", "auditor", "informant"])
def test_no_masked_role_can_narrow_a_member_to_fewer_than_a_thousand_numbers(
        served: tuple[str, Runtime, People], role: str) -> None:
    url, runtime, people = served
    rules = {r["rule"] for r in runtime.views.query("SELECT rule FROM alerts WHERE household = ?", (HOUSEHOLD,))}
    assert {"LAPSED.AGE_OUT", "MISSED.DIBAO"} <= rules  # facts with ages and an 18th birthday were judged
    seen, text = _seen_by(url, runtime, people, role)
    for rid, number in NUMBERS.items():
        assert number not in text and number[6:] not in text and _tail_shown(number, text) is None
        assert BIRTHS[rid] not in text, (role, rid)
        assert seen.years.get(rid) == {int(BIRTHS[rid][:4])}  # what the role needs is still there
        assert seen.candidates(rid, REGION) >= BOUND, (role, rid)


def test_masked_pages_show_birth_years_and_no_number(served: tuple[str, Runtime, People]) -> None:
    url, runtime, _ = served
    alert = _alerts(runtime)[0]
    for role, paths in (("supervisor", [f"/households/{HOUSEHOLD}", f"/work/alerts/{alert}"]),
                        ("auditor", [f"/households/{HOUSEHOLD}", f"/audit/households/{HOUSEHOLD}",
                                     f"/audit/alerts/{alert}"]),
                        ("informant", ["/field/report", "/field/tasks"])):
        with logged_in(url, role) as client:
            for path in paths:
                page = client.get(path)
                assert page.status_code == 200, (role, path)
                for rid, number in NUMBERS.items():
                    assert _tail_shown(number, page.text) is None and BIRTHS[rid] not in page.text, (role, path, rid)
                    assert BIRTHS[rid].replace("-", "") not in page.text
    with logged_in(url, "informant") as client:
        assert "周德明" in client.get("/field/report").text  # informants find people by name


# --- § 4: the informant's correction form ---------------------------------------------------------------


def test_the_correction_form_shows_no_stored_id_number_and_is_a_recorded_read(
        served: tuple[str, Runtime, People]) -> None:
    url, runtime, people = served
    with logged_in(url, "informant") as client:
        form = client.get(f"/field/mine/{HOUSEHOLD}-1/correct")
    assert form.status_code == 200 and 'value="周德明"' in form.text
    for rid, number in NUMBERS.items():
        assert number not in form.text and _tail_shown(number, form.text) is None and number[:6] + "*" not in form.text
        assert BIRTHS[rid] not in form.text
    assert form.text.count("留空则保持不变") == 2 * len(MEMBERS)
    runtime.drain()
    with httpx.Client(base_url=url, timeout=30, headers=people.headers("auditor")) as auditor:
        reads = _get(auditor, f"/api/v1/audit/access?household={HOUSEHOLD}&user={INFORMANT}")["access"]
    assert [(r["route"], r["shown"]) for r in reads] == [("GET /field/mine/{id}/correct", "masked")]


def _registration_correction(oid: str, **changes: dict[str, Any]) -> dict[str, Any]:
    """The form as the outbox sends it back: names and relations, ID numbers and birth dates left empty."""
    members = [{"resident": rid, "name": name, "sex": sex, "relation": relation, **changes.get(rid, {})}
               for rid, name, sex, _, _, relation in MEMBERS]
    body = envelope(oid, HOUSEHOLD, "household.registered",
                    {"region": REGION, "grid": GRID, "address": "渝中区某街道某社区8栋", "hukou": "urban",
                     "members": members})
    return {k: v for k, v in body.items() if k != "informant"}


def test_a_correction_leaving_identities_empty_keeps_them_and_a_wrong_one_is_refused(
        served: tuple[str, Runtime, People]) -> None:
    url, runtime, people = served
    with logged_in(url, "informant") as client:
        form = client.get(f"/field/mine/{HOUSEHOLD}-1/correct")
        csrf = re.search(r'name="csrf-token" content="([^"]+)"', form.text).group(1)  # type: ignore[union-attr]
        path, headers = f"/field/observations/{HOUSEHOLD}-1/correction", {"X-CSRF-Token": csrf}
        foreign = client.post(path, headers=headers, json=_registration_correction(
            f"{HOUSEHOLD}-1x", **{"CQ-S1-R1": {"id_number": "11" + "*" * 16}})).json()["result"]
        assert foreign["status"] == "rejected"
        assert [e["field"] for e in foreign["errors"]] == ["data.members[0].id_number"]
        moved = client.post(path, headers=headers, json=_registration_correction(
            f"{HOUSEHOLD}-1y", **{"CQ-S1-R2": {"birth_date": "1970-01-01"}})).json()["result"]
        assert moved["status"] == "rejected" and "1969" not in json.dumps(moved, ensure_ascii=False)
        assert moved["errors"][0]["message_zh"] == "与已登记的身份证号或出生日期不一致，请将两项都重新填写"
        kept = client.post(path, headers=headers, json=_registration_correction(
            f"{HOUSEHOLD}-1b", **{"CQ-S1-R1": {"id_number": "50" + "*" * 16}})).json()["result"]
        assert kept["status"] == "accepted", kept
    runtime.drain()
    with httpx.Client(base_url=url, timeout=30, headers=people.headers("caseworker")) as caseworker:
        view = _get(caseworker, f"/api/v1/households/{HOUSEHOLD}")
    assert view["address"] == "渝中区某街道某社区8栋"  # the correction is in force
    assert {m["resident"]: (m["id_number"], m["birth_date"]) for m in view["members"]} == {
        rid: (NUMBERS[rid], BIRTHS[rid]) for rid in NUMBERS}


# --- § 10: the events topic -------------------------------------------------------------------------------


def test_nothing_personal_crosses_the_events_topic(served: tuple[str, Runtime, People], wait_for: Any) -> None:
    url, runtime, _ = served
    consumer = make_consumer(runtime.kafka, group_id=None, topics=[runtime.settings.topic(TOPIC_EVENTS)],
                             assign_all=True, partitions=2)
    seen: list[Any] = []

    def got_the_alerts() -> bool:
        for records in consumer.poll(timeout_ms=200).values():
            seen.extend(records)
        return any(json.loads(r.value).get("type") == "alert.raised" for r in seen if r.key == HOUSEHOLD.encode())

    try:
        wait_for(got_the_alerts, timeout=30)
    finally:
        consumer.close()
    raw = b"".join(r.value for r in seen).decode()
    assert f'"household":"{HOUSEHOLD}"' in raw.replace(" ", "")
    personal = [ADDRESS, "尿毒症", *NUMBERS.values(), *BIRTHS.values(),
                *(name for _, name, *_ in MEMBERS), *(name[1:] for _, name, *_ in MEMBERS)]
    assert [p for p in personal if p in raw] == []
    # The amounts (income 611, allowance 1200): as a value, or a number in a text; not the same digits inside
    # a timestamp's milliseconds or a hexadecimal id, which change from run to run.
    values = [value for record in seen for value in _values(json.loads(record.value))]
    assert [amount for amount in (611, 1200) if any(_names_amount(value, amount) for value in values)] == []


def _values(value: Any) -> Iterator[Any]:
    """Every leaf of a JSON document."""
    if isinstance(value, dict):
        for item in value.values():
            yield from _values(item)
    elif isinstance(value, list):
        for item in value:
            yield from _values(item)
    else:
        yield value


def _names_amount(value: Any, amount: int) -> bool:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value == amount
    return isinstance(value, str) and re.search(rf"(?<![0-9A-Fa-f.:-]){amount}(?![0-9A-Fa-f])", value) is not None
