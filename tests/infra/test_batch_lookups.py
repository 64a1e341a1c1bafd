"""A batch of observations asks the store once which aggregates it names exist (`latest_versions`), and
reads nothing for those the store lacks or the cache holds at their last version.

That is only a shortcut: the outcomes and the stored histories are those of the store that looks every
aggregate up on its own (eventsourcing's in-memory store, which cannot answer `latest_versions`); another
process's write is seen; and a batch staged on a stale answer is refused by the save and redone item by
item. On SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

from api.cli.demo.synthetic import generate_district
from domain.households.application import HouseholdsApp
from domain.households.household import Household
from domain.households.resident import Resident
from infra.event_store import open_households
from infra.settings import Settings
from tests.infra.shared_backends import backend_settings  # noqa: F401  (the fixture, parametrized)

KEY = b"k" * 32
NOW = datetime(2025, 12, 1, tzinfo=timezone.utc)


def _store(settings: Settings) -> HouseholdsApp:
    store = open_households(settings)
    store._id_key, store.now = KEY, lambda: NOW  # one index key and clock for both stores compared
    return store


def _accepted(store: HouseholdsApp, envelopes: list[dict[str, Any]], batch: int = 50) -> list[dict[str, Any]]:
    return [o.to_json() for i in range(0, len(envelopes), batch) for o in store.accept_batch(envelopes[i:i + batch])]


def _registration(household: str, resident: str) -> dict[str, Any]:
    return {"observation_id": f"reg-{household}", "kind": "household.registered", "household": household,
            "informant": "t1", "observed_at": "2025-11-01T09:00:00+08:00",
            "data": {"region": "500116001001", "grid": "g1", "address": "某街道", "hukou": "urban",
                     "members": [{"resident": resident, "name": "王某", "sex": "M", "birth_date": "1970-01-01",
                                  "relation": "head"}]}}


def test_the_store_names_the_last_version_of_those_it_holds(backend_settings: Settings) -> None:  # noqa: F811
    store = _store(backend_settings)
    store.accept_batch([_registration("H1", "R1")])
    h1, r1, h2 = Household.id_for("H1"), Resident.id_for("R1"), Household.id_for("H2")
    assert store.stored_versions([h1, r1, h2]) == {h1: 1, r1: 1}
    store.accept_batch([{**_registration("H1", "R1"), "observation_id": "v1", "kind": "household.visited",
                         "data": {"purpose": "routine", "residents_seen": ["R1"], "note": "入户走访"}}])
    assert store.stored_versions([h1, h2]) == {h1: 2}
    assert store.stored_versions([]) == {}


def test_the_last_versions_cost_the_same_whatever_the_histories(tmp_path: Any) -> None:
    """One index probe per id: the SQLite engine's own count of steps for 20 households of 300 events is
    that of 20 households of 3 (a `GROUP BY` read every event of each: 100 times the steps)."""
    store = _store(Settings(data_dir=tmp_path))
    for name, length in (("long", 300), ("short", 3)):
        store.accept_batch([_registration(f"{name}-{i}", f"{name}-R{i}") for i in range(20)])
        store.accept_batch([{**_registration(f"{name}-{i}", f"{name}-R{i}"), "observation_id": f"{name}-{i}-{n}",
                             "kind": "household.visited", "data": {"purpose": "routine", "residents_seen": [f"{name}-R{i}"]}}
                            for i in range(20) for n in range(length - 1)])
    steps = {name: _steps(store, [Household.id_for(f"{name}-{i}") for i in range(20)]) for name in ("long", "short")}
    assert store.stored_versions([Household.id_for("long-0"), Household.id_for("short-0")]) == {
        Household.id_for("long-0"): 300, Household.id_for("short-0"): 3}
    assert 0 < steps["long"] < 2 * steps["short"], steps  # counted on the query's own connection


def _steps(store: HouseholdsApp, ids: list[Any]) -> int:
    """SQLite virtual-machine steps (counted by a progress handler every 10) of one `stored_versions`."""
    counted = [0]
    with store.recorder.datastore.transaction(commit=False) as cursor:  # the reader the query will be given
        connection = getattr(cursor, "sqlite_cursor", cursor).connection
    connection.set_progress_handler(lambda: counted.__setitem__(0, counted[0] + 1), 10)
    try:
        store.stored_versions(ids)
    finally:
        connection.set_progress_handler(None, 0)
    return counted[0]


def test_histories_read_at_once_rebuild_what_reading_one_at_a_time_does(
        backend_settings: Settings) -> None:  # noqa: F811
    envelopes = generate_district(seed=12, households=30)
    _accepted(_store(backend_settings), envelopes)
    reread = _store(backend_settings)  # another process: nothing cached
    ids = [Household.id_for(h) for h in {e["household"] for e in envelopes}]
    rebuilt = reread.reconstructed([*ids, Household.id_for("never-registered")])
    assert rebuilt is not None and set(rebuilt) == set(ids)
    for aggregate_id in ids:
        one = reread.repository.get(aggregate_id)
        assert (rebuilt[aggregate_id].version, rebuilt[aggregate_id].observations) == (one.version, one.observations)
    assert reread.reconstructed([]) == {}


def test_batches_answer_and_store_what_one_look_up_at_a_time_does(backend_settings: Settings) -> None:  # noqa: F811
    envelopes = generate_district(seed=11, households=40)
    envelopes += envelopes[:30]  # re-sent: duplicates
    store, alone = _store(backend_settings), HouseholdsApp(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    alone._id_key, alone.now = KEY, lambda: NOW
    assert alone.stored_versions(["x"]) is None  # the in-memory store looks each aggregate up itself
    outcomes = _accepted(store, envelopes)
    assert outcomes == _accepted(alone, envelopes)
    assert {o["status"] for o in outcomes} >= {"accepted", "duplicate"}
    reread = _store(backend_settings)  # another process: nothing cached
    for household in {e["household"] for e in envelopes}:
        stored = reread.repository.get(Household.id_for(household))
        assert stored.observations == alone.repository.get(Household.id_for(household)).observations


def test_another_process_s_write_is_seen_though_the_household_is_cached(
        backend_settings: Settings) -> None:  # noqa: F811
    mine, theirs = _store(backend_settings), _store(backend_settings)
    mine.accept_batch([_registration("H1", "R1")])
    mine.repository.get(Household.id_for("H1"))  # cached here at version 1
    submitted = {"observation_id": "a1", "kind": "application.submitted", "household": "H1", "resident": "R1",
                 "informant": "c1", "observed_at": "2025-11-02T09:00:00+08:00",
                 "data": {"application": "A1", "programme": "dibao", "date": "2025-11-02"}}
    assert theirs.accept_batch([submitted])[0].status == "accepted"
    decided = {**submitted, "observation_id": "a2", "kind": "application.decided",
               "observed_at": "2025-11-04T09:00:00+08:00",
               "data": {"application": "A1", "date": "2025-11-04", "decision": "approved"}}
    # Refused as an unknown application if the stale copy were used; nothing would be saved to set it right.
    assert mine.accept_batch([decided])[0].status == "accepted"
    reread = _store(backend_settings)
    assert [o["kind"] for o in reread.repository.get(Household.id_for("H1")).observations] == [
        "household.registered", "application.submitted", "application.decided"]


def test_a_batch_staged_on_a_stale_answer_is_refused_and_redone(backend_settings: Settings,  # noqa: F811
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    mine, theirs = _store(backend_settings), _store(backend_settings)
    theirs.accept_batch([_registration("H1", "R1")])
    monkeypatch.setattr(mine, "stored_versions", lambda ids: {})  # as if asked just before their save
    outcomes = mine.accept_batch([{**_registration("H1", "R1"), "observation_id": "reg-again"},
                                  _registration("H2", "R2")])
    assert [o.status for o in outcomes] == ["rejected", "accepted"]
    assert "already registered" in outcomes[0].errors[0].message
    assert mine.repository.get(Household.id_for("H2")).household_id == "H2"


def test_the_logs_heads_are_its_notifications_without_their_state(backend_settings: Settings) -> None:  # noqa: F811
    """The rule worker's catch-up reads whose each notification is, not the 50,000 states of a chunk: the
    heads are the notifications' fields, from the same start, up to the same stop, of the same topics."""
    store = _store(backend_settings)
    store.accept_batch([_registration(f"H{i}", f"R{i}") for i in range(6)])
    store.accept_batch([{**_registration("H2", "R2"), "observation_id": "v2", "kind": "household.visited",
                         "data": {"purpose": "routine", "residents_seen": ["R2"], "note": "入户走访"}}])
    every = store.recorder.select_notifications(1, 100)
    topics = sorted({n.topic for n in every})[:2]
    for start, limit, stop, kinds in [(1, 100, None, ()), (3, 4, None, ()), (2, 100, 9, topics), (5, 2, None, topics)]:
        heads = store.notification_heads(start, limit, stop=stop, topics=kinds)
        whole = store.recorder.select_notifications(start, limit, stop=stop, topics=kinds)
        assert [(h.id, h.originator_id, h.originator_version, h.topic) for h in heads] == \
            [(n.id, n.originator_id, n.originator_version, n.topic) for n in whole]
        assert heads and not any(hasattr(h, "state") for h in heads)

