"""Every word of the Chinese pages is Chinese: a browser walks every page of every role on a demo-like
district (the synthetic generator's households, its jurisdiction tree, alerts in every step of the
workflow, a back-test, corrections and withdrawals) and fails on any rule id, event kind, parameter key,
enumeration value or English word in what a user reads or hears (the visible text, and the labels of
controls and landmarks). The published catalog may cite a rule id or a parameter key in a `<code>` beside
its Chinese name; nothing else may. The forbidden tokens come from the tables themselves."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, Page
from typer.testing import CliRunner

from api.cli.demo.seed import district_tree, registered_places
from api.cli.demo.synthetic import generate_district
from api.cli.main import app
from api.pages import forms
from domain import vocabulary
from domain.event_kinds import EVENT_NAMES
from domain.labels import FIELD_MEANINGS
from domain.leads.lead import LeadDraft
from infra.imports import sample_path
from domain.policy.parameters import ParameterTable
from rules.catalog import CATALOG
from tests.api.pages.conftest import DESK, log_in, new_page, screenshot
from tests.api.pages.data import poor_household, tick
from tests.conftest import poll_until
from tests.people import GRID, People
from tests.serving import served_pipeline

AS_OF = "2025-11-30"
PHONE = {"width": 390, "height": 844}
# The language switch names the language it switches to; the import page names the file formats it reads.
ALLOWED_WORDS = frozenset({"English", "CSV", "XLSX", "JSON", "YAML"})
ENUMERATIONS = [value for name in dir(vocabulary) if name.isupper()
                for value in (getattr(vocabulary, name) if isinstance(getattr(vocabulary, name), (tuple, frozenset))
                              else ())]
FORBIDDEN = frozenset({rule.id for rule in CATALOG} | set(EVENT_NAMES) | set(vocabulary.OBSERVATION_KINDS)
                      | set(ParameterTable().names()) | {str(v) for v in ENUMERATIONS if len(str(v)) >= 3}
                      | {"RULES.md"})
TOKEN = re.compile(r"[A-Za-z0-9_.\-/{}]+")
WORD = re.compile(r"[A-Za-z]{3,}")
ISO_WEEK = re.compile(r"\d{4}-W\d{2}")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
HEX = re.compile(r"^[0-9a-f]{16,}$")
RECORD_ID = re.compile(r"^(H-\d+-\d+(-\d+)?|CQ-W\d+(-R?\d+[a-z]?)?|tick-[\d-]+)$")
VISIBLE = """(onCatalog) => {
  if (onCatalog) document.querySelectorAll('main code').forEach((c) => c.remove());
  const labels = [...document.querySelectorAll('[aria-label], [title], [placeholder], img[alt]')]
    .map((e) => [e.getAttribute('aria-label'), e.getAttribute('title'), e.getAttribute('placeholder'),
                 e.getAttribute('alt')].filter(Boolean).join(' '));
  const hrefs = [...document.querySelectorAll('a[href]')].map((a) => a.href);
  return {text: document.body.innerText + '\\n' + labels.join('\\n'), hrefs};
}"""


@dataclass
class Walk:
    """What a walk found: per page, the offending tokens."""

    names: frozenset[str]
    offences: dict[str, list[str]] = field(default_factory=dict)
    seen: list[str] = field(default_factory=list)

    def check(self, url: str, text: str) -> None:
        found = [token for token in TOKEN.findall(text) if self.offends(token.strip(".-/"))]
        found += ISO_WEEK.findall(text)
        self.seen.append(url)
        if found:
            self.offences[url] = sorted(set(found))

    def offends(self, token: str) -> bool:
        if not token or token in self.names or UUID.match(token) or HEX.match(token) or RECORD_ID.match(token):
            return False
        if token in FORBIDDEN or any(part in FORBIDDEN for part in re.split(r"[/{}]", token)):
            return True
        return any(word not in ALLOWED_WORDS for word in WORD.findall(token))


@pytest.fixture(scope="module")
def district(broker: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any, People, dict]]:
    """A served pipeline on 150 synthetic households and their tree, plus households of the test grid whose
    alerts stand at every step: open, assigned, acknowledged, sent for a visit, visited, resolved."""
    data_dir = tmp_path_factory.mktemp("words")
    with served_pipeline(broker, data_dir) as (url, runtime, people):
        envelopes = generate_district(households=150, as_of=date.fromisoformat(AS_OF))
        runtime.identity.add_missing_jurisdictions(district_tree(registered_places(envelopes)).items())
        mine = [o for h in ("CQ-W1", "CQ-W2", "CQ-W3", "CQ-W4", "CQ-W5") for o in poor_household(h)]
        for observation in mine:
            observation["observed_at"] = observation["observed_at"].replace("2025-08-03", "2025-11-20")
        outcomes = runtime.intake.accept_batch(envelopes + mine + [tick(AS_OF)])
        assert {o.status for o in outcomes} == {"accepted"}
        runtime.drain(timeout=300)
        facts = _walk_the_workflow(url, runtime, people)
        _backtest(runtime)
        names = frozenset({u.name for u in runtime.identity.users()} | {e["informant"] for e in envelopes}
                          | {"scheduler", sample_path("disabled_federation").name})  # a file's name, as uploaded
        yield url, runtime, people, {**facts, "names": names, "households": _every_kind(envelopes)}


def _every_kind(envelopes: list[dict[str, Any]]) -> list[str]:
    """Households whose timelines together hold every kind of observation the district has, and every value
    of its enumerations (a few households, not all of them)."""
    chosen: dict[str, str] = {}
    for e in envelopes:
        if e.get("household"):
            chosen.setdefault(e["kind"], e["household"])
            for key, value in (e.get("data") or {}).items():
                if f"{e['kind']}.{key}" in FIELD_MEANINGS:
                    chosen.setdefault(f"{e['kind']}.{key}={value}", e["household"])
    return sorted(set(chosen.values()))


def _walk_the_workflow(url: str, runtime: Any, people: People) -> dict[str, Any]:
    """Over HTTP: CQ-W1 stays open, W2 assigned and acknowledged, W3 sent to the grid's informant and
    visited, W4 resolved as enrolled, W5 waiting for its visit (the informant's task); the informant reports,
    corrects and withdraws."""
    with httpx.Client(base_url=url, timeout=30) as client:
        caseworker, informant = people.headers("caseworker"), people.headers("informant")

        def alert_of(household: str) -> str:
            found = poll_until(lambda: client.get("/api/v1/alerts", params={"household": household},
                                                  headers=caseworker).json()["alerts"], message=household)
            return str(found[0]["alert_id"])

        ids = {h: alert_of(h) for h in ("CQ-W1", "CQ-W2", "CQ-W3", "CQ-W4", "CQ-W5")}
        steps = [(ids["CQ-W2"], "assign", {"to": "test-caseworker"}), (ids["CQ-W2"], "acknowledge", {}),
                 (ids["CQ-W3"], "acknowledge", {}), (ids["CQ-W3"], "request-verification", {}),
                 (ids["CQ-W5"], "acknowledge", {}), (ids["CQ-W5"], "request-verification", {}),
                 (ids["CQ-W4"], "acknowledge", {}), (ids["CQ-W4"], "resolve", {"outcome": "enrolled", "note": "已纳入"})]
        for alert, action, body in steps:
            answer = client.post(f"/api/v1/alerts/{alert}/{action}", json=body, headers=caseworker)
            assert answer.status_code == 200, (action, answer.text)
        visit = {"outcome": "found_as_reported", "note": "属实", "visited_on": AS_OF}
        answer = client.post(f"/api/v1/alerts/{ids['CQ-W3']}/verification", json=visit, headers=informant)
        assert answer.status_code == 200, answer.text
        reports = [{"observation_id": f"CQ-W1-{n}", "observed_at": f"{AS_OF}T09:0{n}:00+08:00", "kind": kind,
                    "household": "CQ-W1", "data": data}
                   for n, (kind, data) in enumerate([
                       ("household.hardship_reported", {"signal": "no_heating", "urgency": "soon", "note": "冬季取暖"}),
                       ("household.visited", {"purpose": "routine"})], start=3)]
        assert client.post("/api/v1/observations", json={"observations": reports}, headers=informant).status_code == 202
        correction = {**reports[0], "observation_id": "CQ-W1-3b", "data": {**reports[0]["data"], "urgency": "watch"}}
        answer = client.post("/api/v1/observations/CQ-W1-3/correction", json=correction, headers=informant)
        assert answer.status_code == 202, answer.text
        answer = client.post("/api/v1/observations/CQ-W1-4/retraction", json={"reason": "录错了家庭"}, headers=informant)
        assert answer.status_code in (200, 202), answer.text
        _leads_in_every_state(client, runtime, people)
        job = _a_department_import(client, people)
    runtime.drain()
    return {"alerts": ids, "import": job}


def _a_department_import(client: httpx.Client, people: People) -> str:
    """The disabled persons' federation's sample file imported by the integration user: its people live in
    another district, so the report holds leads and rejected rows whose reasons a page must put in words."""
    path = sample_path("disabled_federation")
    answer = client.post("/api/v1/imports", headers=people.headers("integration"),
                         data={"mapping": "disabled_federation"}, files={"file": (path.name, path.read_bytes(), "text/csv")})
    assert answer.status_code == 202, answer.text
    job_id = str(answer.json()["job_id"])
    poll_until(lambda: client.get(f"/api/v1/imports/{job_id}", headers=people.headers("integration")).json()["state"]
               != "running", timeout=60, message="the import finished")
    return job_id


def _leads_in_every_state(client: httpx.Client, runtime: Any, people: People) -> None:
    """Leads of the supervisor's street with the data of three departments: one raised, one sent to the test
    grid (the informant's lead task), one dismissed."""
    households = runtime.services.households
    rows = [("disabled_federation", {"category": "physical", "grade": 1, "certified": True}),
            ("medical_insurance", {"kind": "medical", "amount": 23000, "date": "2025-10-01"}),
            ("education", {"status": "dropped_out", "full_time": False})]
    households.raise_leads([LeadDraft(f"{department}|W{n}", department, "部门数据中的居民，辖区内无人上报",
                                      "named by a department, reported by nobody", households.keyed(f"lead-{n}"),
                                      "50****************", "赵某某", "500103001001", "七星岗某路2号", data,
                                      "test-integration", n) for n, (department, data) in enumerate(rows, start=1)])
    supervisor = people.headers("supervisor")
    runtime.drain()
    sent = client.post("/api/v1/leads/medical_insurance|W2/dispatch", json={"grid": GRID}, headers=supervisor)
    dismissed = client.post("/api/v1/leads/education|W3/dismiss", json={"reason": "moved_away"}, headers=supervisor)
    assert (sent.status_code, dismissed.status_code) == (200, 200), (sent.text, dismissed.text)


def _backtest(runtime: Any) -> None:
    """A back-test report written by the real CLI, with a parameter changed."""
    changed = Path(runtime.settings.data_dir) / "lower.yaml"
    changed.write_text("- {name: dibao.standard_monthly.urban, value: 400, region: '50', from: 2025-07-01}\n",
                       encoding="utf-8")
    result = CliRunner().invoke(app, ["rules", "backtest", "--from", "2025-11-29", "--to", AS_OF, "--parameters",
                                      str(changed), "--data", str(runtime.settings.data_dir)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output


START = {
    "informant": ["/home", "/field/tasks", "/field/register", "/field/mine", "/catalog",
                  *(f"/field/report?kind={form.kind}" for form in forms.report_forms())],
    "caseworker": ["/home", "/work", "/households", "/households/CQ-W1", "/catalog", "/work?page=2",
                   "/audit", "/households/CQ-W9", "/catalog?on=2025-13-45", "/work?severity=loud"],
    "supervisor": ["/home", "/dashboard", "/work", "/leads", "/leads?state=dismissed", "/audit/response-times",
                   "/audit/equity",
                   "/audit/response-times?group_by=rule", "/audit/response-times?group_by=caseworker"],
    "auditor": ["/home", "/audit", "/audit/households/CQ-W1", "/audit/backtests", "/audit/integrity",
                "/audit/access", "/audit/access?outcome=refused", "/audit/response-times?group_by=rule",
                "/audit/response-times?group_by=caseworker", "/audit/equity", "/dashboard", "/work"],
    "admin": ["/home", "/catalog", "/imports"],
    "integration": ["/home", "/imports"],
}
PER_SHAPE = 3  # pages of one shape (the same path with another id) walked at most


def shape(path: str) -> str:
    """A path with its ids replaced, so that a walk opens a few households or alerts, not all of them."""
    return re.sub(r"/(households|alerts|backtests|mine)/[^/?]+", r"/\1/*", path)


def walk(page: Page, role: str, start: list[str], words: Walk, base: str, limit: int = 150) -> None:
    """Open the start pages and every page they link to (same site, GET, within the role's pages)."""
    queue = list(start)
    shapes: dict[str, int] = {}
    opened: set[str] = set()
    while queue and len(opened) < limit:
        target = queue.pop(0)
        parts = urlsplit(target)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        key = shape(parts.path)
        if path in opened or "lang=" in path or shapes.get(key, 0) >= PER_SHAPE and path not in start:
            continue
        opened.add(path)
        shapes[key] = shapes.get(key, 0) + 1
        page.goto(path)
        found = page.evaluate(VISIBLE, parts.path == "/catalog")
        words.check(f"{role} {path}", found["text"])
        for href in found["hrefs"]:
            link = urlsplit(href)
            if href.startswith(base) and not link.path.startswith(("/api", "/static", "/logout", "/field/sw.js")):
                queue.append(link.path + (f"?{link.query}" if link.query else ""))


def refuse(page: Page, alert: str, action: str) -> str:
    """Send a step the alert's state does not allow, as a stale page's form would; the page that answers."""
    page.goto(f"/work/alerts/{alert}")
    with page.expect_navigation():
        page.evaluate("""([alert, action]) => {
      const form = document.createElement('form');
      form.method = 'post';
      form.action = `/work/alerts/${alert}/${action}`;
      const csrf = document.createElement('input');
      csrf.type = 'hidden'; csrf.name = 'csrf';
      csrf.value = document.querySelector('meta[name="csrf-token"]').content;
      form.appendChild(csrf);
      document.body.appendChild(form);
      setTimeout(() => form.submit(), 0);
    }""", [alert, action])
    return str(page.evaluate("() => document.body.innerText"))


def test_every_page_of_every_role_speaks_chinese(browser: Browser, district: Any) -> None:
    url, runtime, people, facts = district
    words = Walk(facts["names"])
    alerts = facts["alerts"]
    households = [f"/households/{h}" for h in facts["households"]]
    start = {**START, "caseworker": START["caseworker"] + [f"/work/alerts/{a}" for a in alerts.values()] + households,
             "auditor": START["auditor"] + [f"/audit/alerts/{a}" for a in alerts.values()]
             + [f"/audit{h}" for h in households],
             "integration": START["integration"] + [f"/imports/{facts['import']}"]}
    for role, pages in start.items():
        context, page = new_page(browser, url, PHONE if role == "informant" else DESK)
        try:
            log_in(page, role)
            page.wait_for_url(re.compile(r"/(home|work|dashboard|audit|field/tasks|imports)"))
            walk(page, role, pages, words, url)
            if role == "informant":  # the task sent for CQ-W5 is on the phone
                page.goto("/field/tasks")
                assert page.locator("article.task").count() == 1
                assert page.locator("article.lead-task").count() == 1  # the lead sent to the grid
            if role == "caseworker":  # a refused step names the state and the step in words
                shown = refuse(page, alerts["CQ-W3"], "acknowledge")
                assert "不能签收" in shown, shown
                words.check("caseworker refused acknowledge", shown)
            screenshot(page, f"words_{role}")
        finally:
            context.close()
    print(f"pages walked: {len(words.seen)}")
    assert len(words.seen) > 100, words.seen
    assert "supervisor /leads" in words.seen, "the supervisor's leads were walked"
    assert f"integration /imports/{facts['import']}" in words.seen, "an import's report was walked"
    assert any(seen.startswith("informant /field/register?lead=") for seen in words.seen), words.seen
    assert not words.offences, "\n".join(f"{page}: {' '.join(found)}" for page, found in words.offences.items())


def test_the_english_switch_still_speaks_english(browser: Browser, district: Any) -> None:
    url, _, _, facts = district
    context, page = new_page(browser, url)
    try:
        log_in(page, "caseworker")
        page.goto(f"/work/alerts/{facts['alerts']['CQ-W1']}?lang=en")
        shown = page.inner_text("main")
        assert "Why this alert was raised" in shown
        assert "Rule held: Income below the dibao standard, not enrolled in dibao (version 1)" in shown
        assert "urban dibao standard (CNY per person per month)" in shown  # a parameter by its name
        page.goto("/work?lang=en")
        queue = page.inner_text("main")
        assert "Alert queue" in queue and "Income below the dibao standard" in queue and "收入" not in queue
    finally:
        context.close()
