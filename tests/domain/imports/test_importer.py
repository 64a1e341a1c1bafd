"""`DepartmentImport`: every row accounted for — an observation of the resident its ID number names (sent by the
importing user, the department as its source), a lead for a person nobody registered, or a rejected row naming
the department's column; the same file twice, or the same row twice, changes nothing."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from stdnum.cn import ric

from api.cli.demo.departments import cells
from domain.households.application import HouseholdsApp
from domain.households.household import Household
from domain.identity.access import Principal
from domain.imports.importer import NOT_FOUND, DepartmentImport
from infra.imports import shipped_mapping

IMPORTER = Principal("importer-1", "integration", "0")
TODAY = date.today()


def id_number(region: str, born: str, sequence: int) -> str:
    body = f"{region}{born.replace('-', '')}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")


HEAD = id_number("500116", "1948-02-03", 17)
CHILD = id_number("500116", "2014-05-06", 28)
STRANGER = id_number("500116", "1990-07-08", 39)


def registered() -> HouseholdsApp:
    households = HouseholdsApp()
    outcome = households.accept({
        "observation_id": "JJ-1-reg", "informant": "grid-1", "observed_at": "2025-03-01T09:00:00+08:00",
        "kind": "household.registered", "household": "JJ-1", "data": {
            "region": "500116001001", "grid": "500116001001-01", "address": "江津区某社区1号", "hukou": "urban",
            "members": [{"resident": "JJ-1-R1", "name": "周某", "sex": "M", "birth_date": "1948-02-03",
                         "relation": "head", "id_number": HEAD},
                        {"resident": "JJ-1-R2", "name": "周小某", "sex": "F", "birth_date": "2014-05-06",
                         "relation": "grandchild", "id_number": CHILD}]}})
    assert outcome.status == "accepted", outcome
    return households


def person(number: str, **data: Any) -> dict[str, Any]:
    return {"id_number": number, "name": "某人", "region": "500116001001", "address": "江津区某社区9号",
            "record": f"R-{number[-6:]}", **data}


def rows(department: str, *people: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    mapping = shipped_mapping(department)
    return [(n + 2, cells(mapping, p)) for n, p in enumerate(people)]


def imported(households: HouseholdsApp, department: str, *people: dict[str, Any]) -> Any:
    return DepartmentImport(households, IMPORTER, shipped_mapping(department), "file.csv").run(rows(department, *people))


def test_a_row_about_a_registered_resident_is_their_observation_from_the_department() -> None:
    households = registered()
    died = (TODAY - timedelta(days=40)).isoformat()
    report = imported(households, "public_security", person(HEAD, date=died))
    assert (report.rows_read, report.matched, report.accepted, report.rejected_rows) == (1, 1, 1, 0)
    household = households.repository.get(Household.id_for("JJ-1"))
    death = household.observations[-1]
    assert (death["kind"], death["resident"], death["informant"], death["source"], death["data"]) == (
        "resident.died", "JJ-1-R1", "importer-1", "public_security", {"date": died})


def test_the_same_file_again_changes_nothing() -> None:
    households = registered()
    file = [person(HEAD, date=(TODAY - timedelta(days=40)).isoformat())]
    imported(households, "public_security", *file)
    before = len(households.repository.get(Household.id_for("JJ-1")).observations)
    again = imported(households, "public_security", *file)
    assert (again.accepted, again.duplicates) == (0, 1)
    assert len(households.repository.get(Household.id_for("JJ-1")).observations) == before


def test_the_same_row_twice_in_a_file_is_one_observation() -> None:
    households = registered()
    row = person(CHILD, status="dropped_out", full_time=False)
    report = imported(households, "education", row, row)
    assert (report.accepted, report.duplicates) == (1, 1)


def test_a_person_nobody_registered_is_a_lead_once() -> None:
    households = registered()
    dropout = person(STRANGER, status="dropped_out", full_time=False)
    report = imported(households, "education", dropout)
    assert (report.matched, report.leads, report.rejected_rows) == (0, 1, 0)
    again = imported(households, "education", dropout)
    assert (again.leads, again.duplicates) == (0, 1)


def test_an_unknown_person_without_a_lead_rule_is_rejected_naming_the_id_column() -> None:
    households = registered()
    mapping = shipped_mapping("human_resources")
    report = imported(households, "human_resources", person(STRANGER, status="unemployed",
                                                            date=(TODAY - timedelta(days=3)).isoformat()))
    (problem,) = report.rejected
    assert (problem.line, problem.column, problem.message, problem.message_zh) == (2, mapping.id_number, *NOT_FOUND)


def test_a_bad_row_is_rejected_and_the_good_ones_kept() -> None:
    households = registered()
    bad = person(HEAD[:-1] + ("0" if HEAD[-1] != "0" else "1"), date=(TODAY - timedelta(days=40)).isoformat())
    good = person(CHILD, date=(TODAY - timedelta(days=10)).isoformat())
    report = imported(households, "public_security", bad, good)
    assert (report.accepted, report.rejected_rows) == (1, 1)
    assert report.rejected[0].line == 2 and report.rejected[0].message_zh


def test_a_user_who_may_not_import_has_every_row_refused() -> None:
    households = registered()
    informant = Principal("grid-1", "informant", "500116001001-01")
    report = DepartmentImport(households, informant, shipped_mapping("public_security")).run(
        rows("public_security", person(HEAD, date=(TODAY - timedelta(days=40)).isoformat())))
    assert (report.accepted, report.rejected_rows) == (0, 1)
    assert "informant" in report.rejected[0].message
