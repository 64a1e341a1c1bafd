"""The rule worker judges each household from its kept fold, brought up to the store before every
evaluation: the findings (slot, severity, explanation) and the open alerts are those of a full
re-fold of the observations in force, whatever arrived late, was corrected or withdrawn, across
clock ticks and a restart; and the fold is kept in bounded memory."""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Iterator

import pytest
from eventsourcing.application import AggregateNotFoundError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.alerts.alert import AlertBook
from domain.households.clock import tick
from domain.households.household import Household
from domain.identity.access import Principal
from domain.policy.parameters import ParameterTable
from domain.policy.policy_service import PolicyService
from infra.event_store import open_alerts, open_households
from infra.settings import Settings
from rules.assessment import judged_on
from rules.catalog import CATALOG
from rules.engine import RuleEngine
from rules.findings import Judge
from rules.worker import RuleWorker

REGION = "500103001001"
GRID = f"{REGION}-01"
START = date(2025, 3, 3)
HOUSEHOLDS = ("H-a", "H-b")
INFORMANT = Principal("g", "informant", GRID)
CASEWORKER = Principal("c", "caseworker", "500103")


@pytest.fixture(scope="module")
def engine() -> Iterator[RuleEngine]:
    running = RuleEngine(CATALOG)
    yield running
    running.close()


def worker_on(data: Path, engine: RuleEngine, size: int = 1000) -> RuleWorker:
    settings = Settings(data_dir=data)
    return RuleWorker(open_households(settings), open_alerts(settings), Judge(CATALOG, engine, ParameterTable()),
                      lambda household: 0, fold_cache_size=size)


def registration(household: str) -> dict[str, Any]:
    return {"observation_id": f"{household}-0", "informant": "g", "observed_at": f"{START}T09:00:00+08:00",
            "kind": "household.registered", "household": household,
            "data": {"region": REGION, "grid": GRID, "address": "某街道", "hukou": "urban",
                     "members": [{"resident": f"{household}-R1", "name": "王某", "sex": "M",
                                  "birth_date": "1950-04-02", "relation": "head"},
                                 {"resident": f"{household}-R2", "name": "王小某", "sex": "F",
                                  "birth_date": "2010-06-01", "relation": "child"}]}}


def envelope(number: int, household: str, kind: str, offset: int, minute: int) -> dict[str, Any]:
    """A valid observation of `kind` on day `offset` (the values vary with `number`)."""
    when = START + timedelta(days=offset)
    base = {"observation_id": f"{household}-{number}", "household": household,
            "observed_at": f"{when}T10:{minute:02d}:00+08:00", "kind": kind, "informant": "g"}
    resident = f"{household}-R{1 + number % 2}"
    data: dict[str, dict[str, Any]] = {
        "household.income_reported": {"monthly_income": (0, 300, 900, 6000)[number % 4],
                                      "period": when.isoformat()[:7], "income_type": "stable", "source": "declared"},
        "household.visited": {"purpose": "routine"},
        "resident.illness_reported": {"condition": ("flu", "cancer")[number % 2], "serious": number % 3 == 0,
                                      "hospitalized": False, "date": when.isoformat()},
        "resident.disability_assessed": {"category": "physical", "grade": 1 + number % 4, "certified": True},
        "coverage.enrolled": {"programme": "dibao", "start": when.isoformat(), "monthly_amount": 500},
        "coverage.paid": {"programme": "dibao", "period": when.isoformat()[:7], "amount": 500},
        "coverage.terminated": {"programme": "dibao", "date": when.isoformat(), "reason": "other"},
    }
    if kind.startswith("resident."):
        base["resident"] = resident
    if kind.startswith("coverage."):
        base["informant"] = "c"
    return {**base, "data": data[kind]}


KINDS = ("household.income_reported", "household.visited", "resident.illness_reported",
         "resident.disability_assessed", "coverage.enrolled", "coverage.paid", "coverage.terminated")
OPERATIONS = st.lists(
    st.tuples(st.sampled_from(["observe", "observe", "observe", "correct", "retract", "tick", "judge"]),
              st.sampled_from(HOUSEHOLDS), st.sampled_from(KINDS), st.integers(0, 300), st.integers(0, 59),
              st.integers(0, 1000)),
    min_size=1, max_size=25)


def in_force(worker: RuleWorker, household: str) -> list[dict[str, Any]]:
    return worker.households.repository.get(Household.id_for(household)).observations


def open_slots(worker: RuleWorker, household: str) -> list[str]:
    try:
        return sorted(worker.alerts.repository.get(AlertBook.id_for(household)).open)
    except AggregateNotFoundError:
        return []


def full_refold_findings(worker: RuleWorker, household: str) -> list[tuple[str, str, dict[str, Any]]]:
    observations = in_force(worker, household)
    on = judged_on(observations, worker.clock())
    [judgement] = worker.judge.judgements([(household, observations, on)])
    assert not judgement.failures
    return [(f.slot, f.severity, f.explanation) for f in judgement.findings]


def kept_fold_findings(worker: RuleWorker, household: str) -> list[tuple[str, str, dict[str, Any]]]:
    kept = worker.folds.current(household)
    assert kept is not None
    [judgement] = worker.judge.judge_folded([(household, kept.state, kept.judged_on(worker.clock()))])
    return [(f.slot, f.severity, f.explanation) for f in judgement.findings]


def apply(worker: RuleWorker, number: int, operation: tuple[str, str, str, int, int, int]) -> None:
    """One step of a history: an observation (in any date order), a correction, a retraction, a tick."""
    action, household, kind, offset, minute, pick = operation
    households = worker.households
    if action == "observe":
        households.accept(envelope(number, household, kind, offset, minute))
    elif action == "tick":
        households.accept(tick(START + timedelta(days=offset)))
    elif action in ("correct", "retract"):
        choices = [o for o in in_force(worker, household) if o["kind"] != "household.registered"]
        if not choices:
            return
        original = choices[pick % len(choices)]
        by = CASEWORKER if original["informant"] == "c" else INFORMANT
        if action == "retract":
            households.retract(original["observation_id"], "录错了", by)
        else:
            replacement = envelope(number, household, original["kind"], offset, minute)
            households.correct(original["observation_id"], {**replacement, "resident": original.get("resident")}, by)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=OPERATIONS)
def test_the_kept_fold_finds_what_a_full_refold_finds(engine: RuleEngine, operations: list[Any]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        worker = worker_on(Path(tmp), engine)
        worker.households.accept_batch([registration(h) for h in HOUSEHOLDS])
        for number, operation in enumerate(operations, start=1):
            apply(worker, number, operation)
            if operation[0] == "judge" or number == len(operations):
                worker.catch_up([0])
                for household in HOUSEHOLDS:
                    expected = full_refold_findings(worker, household)
                    assert kept_fold_findings(worker, household) == expected
                    assert open_slots(worker, household) == sorted(slot for slot, _, _ in expected)
        worker.households.close()
        worker.alerts.close()


def test_a_new_observation_is_applied_a_late_one_or_a_correction_folds_again(tmp_path: Path,
                                                                              engine: RuleEngine) -> None:
    worker = worker_on(tmp_path, engine)
    households = worker.households
    households.accept_batch([registration("H-a"), envelope(1, "H-a", "household.income_reported", 10, 0)])
    worker.catch_up([0])
    assert open_slots(worker, "H-a") == ["MISSED.DIBAO|household:H-a"]  # 0 a month
    assert worker.folds.counts.folded == 1

    households.accept(envelope(2, "H-a", "household.visited", 20, 0))  # after everything applied
    worker.catch_up([0])
    assert (worker.folds.counts.extended, worker.folds.counts.refolded) == (1, 0)

    households.accept(envelope(7, "H-a", "household.income_reported", 30, 0))  # 6,000 a month
    worker.catch_up([0])
    assert open_slots(worker, "H-a") == []
    assert worker.folds.counts.extended == 2

    households.correct("H-a-7", {**envelope(8, "H-a", "household.income_reported", 30, 0)}, INFORMANT)  # 0 again
    worker.catch_up([0])
    assert worker.folds.counts.refolded == 1
    assert open_slots(worker, "H-a") == ["MISSED.DIBAO|household:H-a"]

    households.accept(envelope(3, "H-a", "household.income_reported", 40, 0))  # 6,000 a month, in September
    households.accept(envelope(5, "H-a", "household.income_reported", 5, 0))  # a late 300 for March
    worker.catch_up([0])
    assert worker.folds.counts.refolded == 2
    assert open_slots(worker, "H-a") == []  # the latest period counts, whenever a report arrived
    assert kept_fold_findings(worker, "H-a") == full_refold_findings(worker, "H-a")


def test_a_restarted_worker_folds_from_the_store_and_judges_the_same(tmp_path: Path, engine: RuleEngine) -> None:
    first = worker_on(tmp_path, engine)
    first.households.accept_batch([registration("H-a"), envelope(1, "H-a", "household.income_reported", 10, 0)])
    first.catch_up([0])
    first.households.accept(envelope(7, "H-a", "household.income_reported", 30, 0))  # recorded, not yet judged
    restarted = worker_on(tmp_path, engine)
    assert len(restarted.folds) == 0
    restarted.catch_up([0])
    assert restarted.folds.counts.folded == 1
    assert open_slots(restarted, "H-a") == []


def test_the_kept_folds_stay_within_their_bound_and_stay_right(tmp_path: Path, engine: RuleEngine) -> None:
    worker = worker_on(tmp_path, engine, size=2)
    names = [f"H-{i}" for i in range(6)]
    worker.households.accept_batch([o for n in names for o in (registration(n),
                                                                envelope(1, n, "household.income_reported", 10, 0))])
    worker.catch_up([0])
    worker.households.accept_batch([envelope(7, n, "household.income_reported", 30, 0) for n in names[::2]])
    worker.catch_up([0])
    assert len(worker.folds) == 2
    assert {n: open_slots(worker, n) for n in names} == {
        n: [] if i % 2 == 0 else [f"MISSED.DIBAO|household:{n}"] for i, n in enumerate(names)}


def test_a_fold_that_raises_is_the_households_failure_and_is_not_kept(tmp_path: Path, engine: RuleEngine) -> None:
    worker = worker_on(tmp_path, engine)
    households = worker.households
    households.accept_batch([registration("H-a"), envelope(1, "H-a", "household.income_reported", 10, 0)])
    worker.catch_up([0])
    stored = households.repository.get(Household.id_for("H-a"))
    stored.observe({**envelope(2, "H-a", "coverage.paid", 20, 0), "data": {"period": "2025-03"}})  # no programme
    households.save(stored)  # an old record intake would refuse today, written past it
    worker.catch_up([0])
    book = worker.alerts.repository.get(AlertBook.id_for("H-a"))
    assert set(book.failing) == {"*"} and "KeyError" in book.failing["*"]
    assert book.open == {"MISSED.DIBAO|household:H-a": book.open["MISSED.DIBAO|household:H-a"]}  # kept as it was
    [failed] = [e for e in worker.alerts.events.get(AlertBook.id_for("H-a")) if isinstance(e, AlertBook.EvaluationFailed)]
    assert failed.on == (START + timedelta(days=20)).isoformat()  # the day it is judged on: its latest observation
    assert len(worker.folds) == 0
    assert worker.stats.failures == 1


def test_a_restarted_worker_reads_its_households_at_once_and_judges_the_same(tmp_path: Path,
                                                                               engine: RuleEngine) -> None:
    first = worker_on(tmp_path, engine)
    names = [f"H-{i}" for i in range(6)]
    first.households.accept_batch([o for n in names for o in (registration(n),
                                                               envelope(1, n, "household.income_reported", 10, 0))])
    first.catch_up([0])
    first.households.accept_batch([envelope(7, n, "household.income_reported", 30, 0) for n in names[::2]])
    restarted = worker_on(tmp_path, engine)  # recorded, not yet judged: the restarted worker judges them
    read_one_by_one: list[Any] = []
    get = restarted.households.repository.get
    restarted.households.repository.get = lambda *a, **k: read_one_by_one.append(a) or get(*a, **k)  # type: ignore[method-assign]
    restarted.catch_up([0])
    assert restarted.folds.counts.folded == 3  # the households with new events, none read on its own
    assert [a for a in read_one_by_one if a[0] in {Household.id_for(n) for n in names}] == []
    assert {n: open_slots(restarted, n) for n in names} == {
        n: [] if i % 2 == 0 else [f"MISSED.DIBAO|household:{n}"] for i, n in enumerate(names)}
    assert all(kept_fold_findings(restarted, n) == full_refold_findings(restarted, n) for n in names[::2])


def test_a_warm_worker_re_judging_its_households_reads_their_versions_at_once(tmp_path: Path,
                                                                            engine: RuleEngine) -> None:
    """A parameter change (or a tick) re-judges many kept households with no new event: one query for
    their stored versions per batch, none per household; one with a new event is still brought up to date."""
    worker = worker_on(tmp_path, engine)
    names = [f"H-{i}" for i in range(6)]
    worker.households.accept_batch([o for n in names for o in (registration(n),
                                                                envelope(1, n, "household.income_reported", 10, 0))])
    worker.catch_up([0])
    read_one_by_one: list[Any] = []
    events = worker.households.events
    get = events.get
    events.get = lambda *a, **k: read_one_by_one.append(k.get("originator_id", a[0] if a else None)) or get(*a, **k)  # type: ignore[method-assign]
    PolicyService(worker.households, ParameterTable()).set_value(
        "dibao.standard_monthly.urban", "500103", START + timedelta(days=20), 1200, "admin", "the new standard")
    worker.catch_up([0])
    assert worker.folds.counts.unchanged == 6
    assert set(read_one_by_one) & {Household.id_for(n) for n in names} == set()

    worker.households.accept(envelope(7, "H-0", "household.income_reported", 30, 0))  # 6,000 a month
    worker.catch_up([0])
    assert (worker.folds.counts.extended, read_one_by_one.count(Household.id_for("H-0"))) == (1, 1)
    assert open_slots(worker, "H-0") == [] and open_slots(worker, "H-1") == ["MISSED.DIBAO|household:H-1"]
