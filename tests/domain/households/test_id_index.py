"""The ID-number index: fed by registrations, joinings, corrections and retractions in their own transaction,
keyed (no ID number in clear), answering which household and resident hold a number; a registration or
joining naming a lead's person closes the lead as found."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from stdnum.cn import ric

from domain.households.application import HouseholdsApp
from domain.households.id_index import IdNumberEntry, keyed_hash
from domain.identity.access import Principal
from domain.leads.lead import DISMISSED, FOUND, RAISED, LeadDraft

INFORMANT = Principal("informant-1", "informant", "500103001001-03")


def number(body: str) -> str:
    """A checksum-valid 18-digit number from its first 17 digits."""
    return body + ric.calc_check_digit(body + "0")


ANNA, BO, CHEN = number("50010319690101002"), number("50010319700202003"), number("50010320100303004")


def registration(household: str, members: list[tuple[str, str | None, str]], oid: str = "") -> dict[str, Any]:
    people = [{"resident": resident, "name": "某某", "sex": "F", "birth_date": born, "relation": "head" if i == 0 else "child",
               **({"id_number": id_number} if id_number else {})}
              for i, (resident, id_number, born) in enumerate(members)]
    return {"observation_id": oid or f"{household}-reg", "informant": INFORMANT.name,
            "observed_at": "2025-08-03T10:00:00+08:00", "kind": "household.registered", "household": household,
            "data": {"region": "500103001001", "grid": INFORMANT.jurisdiction, "address": "某路1号", "hukou": "urban",
                     "members": people}}


def joined(household: str, resident: str, id_number: str, born: str, oid: str) -> dict[str, Any]:
    return {"observation_id": oid, "informant": INFORMANT.name, "observed_at": "2025-08-04T10:00:00+08:00",
            "kind": "resident.joined", "household": household, "resident": resident,
            "data": {"name": "某某", "sex": "M", "birth_date": born, "relation": "child", "reason": "birth",
                     "id_number": id_number}}


def test_a_registration_indexes_its_members_numbers_and_a_joining_its_resident() -> None:
    app = HouseholdsApp()
    assert app.accept(registration("H1", [("R1", ANNA, "1969-01-01"), ("R2", None, "1995-05-05")])).status == "accepted"
    assert app.person_of(ANNA) == ("H1", "R1")
    assert app.person_of(f" {ANNA[:6]} {ANNA[6:].lower()} ") == ("H1", "R1")  # as intake normalises it
    assert app.person_of(CHEN) is None
    app.accept(joined("H1", "R3", CHEN, "2010-03-03", "H1-join"))
    assert app.people_of([ANNA, BO, CHEN]) == {ANNA: ("H1", "R1"), CHEN: ("H1", "R3")}


def test_the_index_holds_no_id_number_in_clear_and_hashes_with_the_apps_key() -> None:
    app, other = HouseholdsApp(id_key=b"k" * 32), HouseholdsApp(id_key=b"j" * 32)
    app.accept(registration("H1", [("R1", ANNA, "1969-01-01")]))
    assert app.keyed(ANNA) == keyed_hash(b"k" * 32, ANNA) != other.keyed(ANNA)
    entry = app.repository.get(IdNumberEntry.id_for(app.keyed(ANNA)))
    assert ANNA not in repr(vars(entry))
    stored = [n for n in app.recorder.select_notifications(1, 100) if "IdNumberEntry" in n.topic]
    assert stored and not any(ANNA.encode() in n.state for n in stored)


def sqlite(path: Path) -> dict[str, str]:
    return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path / "households.sqlite")}


def test_the_key_kept_in_the_store_is_made_once_and_found_again(tmp_path: Path) -> None:
    first = HouseholdsApp(env=sqlite(tmp_path)).keyed(ANNA)
    assert HouseholdsApp(env=sqlite(tmp_path)).keyed(ANNA) == first  # another process on the same store
    assert HouseholdsApp(env=sqlite(tmp_path / "..")).keyed(ANNA) != first  # another store, another key


def test_a_correction_of_a_number_moves_the_index_and_a_retraction_of_a_joining_releases_it() -> None:
    app = HouseholdsApp()
    app.accept(registration("H1", [("R1", ANNA, "1969-01-01")]))
    app.accept(joined("H1", "R3", CHEN, "2010-03-03", "H1-join"))
    corrected = registration("H1", [("R1", BO, "1970-02-02")], oid="H1-reg-2")
    assert app.correct("H1-reg", corrected, INFORMANT).status == "accepted"
    assert app.person_of(ANNA) is None and app.person_of(BO) == ("H1", "R1")
    assert app.retract("H1-join", "wrong household", INFORMANT).status == "retracted"
    assert app.person_of(CHEN) is None


def test_a_number_registered_again_elsewhere_points_at_the_latest_household() -> None:
    app = HouseholdsApp()
    app.accept(registration("H1", [("R1", ANNA, "1969-01-01")]))
    app.accept(registration("H2", [("R9", ANNA, "1969-01-01")]))
    assert app.person_of(ANNA) == ("H2", "R9")


def lead(lead_id: str, app: HouseholdsApp, id_number: str) -> LeadDraft:
    return LeadDraft(lead_id, "education", "辍学学生", "school dropout", app.keyed(id_number),
                     id_number[:2] + "*" * 16, "某某", "500103001001", None, {"status": "dropped_out"}, "importer", 2)


def test_a_registration_naming_a_leads_person_closes_every_open_lead_on_them_in_its_transaction() -> None:
    app = HouseholdsApp()
    app.raise_leads([lead("L1", app, CHEN), lead("L2", app, CHEN), lead("L3", app, BO)])
    app.dismiss_lead("L2", "not_found", Principal("sup", "supervisor", "500103001"))
    before = app.recorder.max_notification_id()
    app.accept_batch([registration("H1", [("R1", ANNA, "1969-01-01")]), joined("H1", "R3", CHEN, "2010-03-03", "j")])
    found = app.lead("L1")
    assert (found.state, found.household, found.resident, found.closed_on) == (FOUND, "H1", "R3", "2025-08-04")
    assert app.lead("L2").state == DISMISSED and app.lead("L3").state == RAISED  # type: ignore[union-attr]
    written = app.recorder.select_notifications(before + 1, 100)
    assert any(n.topic.endswith("Lead.Found") for n in written)
    assert app.repository.get(IdNumberEntry.id_for(app.keyed(CHEN))).leads == []


def test_reindex_backfills_households_recorded_before_the_index_and_is_idempotent(tmp_path: Path) -> None:
    app = HouseholdsApp(env=sqlite(tmp_path), id_key=b"the key of the first process")
    app.accept(registration("H1", [("R1", ANNA, "1969-01-01")]))
    app.accept(joined("H1", "R3", CHEN, "2010-03-03", "H1-join"))
    app.accept(registration("H2", [("R5", BO, "1970-02-02")]))
    fresh = HouseholdsApp(env=sqlite(tmp_path), id_key=b"another key: as if nothing had been indexed")
    assert fresh.person_of(ANNA) is None
    assert fresh.reindex() == 3
    assert fresh.people_of([ANNA, BO, CHEN]) == {ANNA: ("H1", "R1"), BO: ("H2", "R5"), CHEN: ("H1", "R3")}
    assert fresh.reindex() == 0


def test_two_members_with_one_number_in_one_batch_make_one_entry() -> None:
    app = HouseholdsApp()
    outcomes = app.accept_batch([registration("H1", [("R1", ANNA, "1969-01-01"), ("R2", ANNA, "1969-01-01")]),
                                 registration("H2", [("R3", ANNA, "1969-01-01")])])
    assert [o.status for o in outcomes] == ["accepted", "accepted"]
    assert app.person_of(ANNA) == ("H2", "R3")
