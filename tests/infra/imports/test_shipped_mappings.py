"""The six shipped mappings on their sample files: every row read, and every row's data an observation the
intake accepts (`parse_observation`, with a synthetic envelope), so `make demo` and a newcomer's first
import start from files that work."""

from __future__ import annotations

import fnmatch
import textwrap
import tomllib
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from stdnum.cn import ric

from domain import vocabulary as v
from domain.households.observations.envelope import parse_observation
from domain.imports import mapping as module
from domain.imports.mapping import Mapping
from domain.imports.rows import ImportRow, convert
from infra.imports import (DEPARTMENTS, MAPPINGS_DIR, SAMPLES, SAMPLES_DIR, mapping_path, sample_path,
                           shipped_mapping, shipped_mappings)
from infra.imports.readers import Table, check_headers, open_table

ROOT = Path(__file__).resolve().parents[3]
CN = timezone(timedelta(hours=8))
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=CN)
REGISTERED_AT = datetime(2024, 6, 1, 9, 0, tzinfo=CN)


class OneHousehold:
    """Household H1 with resident R1, registered on 2024-06-01: where every matched row lands."""

    def household_exists(self, household_id: str) -> bool:
        return household_id == "H1"

    def resident_household(self, resident_id: str) -> str | None:
        return "H1" if resident_id == "R1" else None

    def registered_at(self, household_id: str) -> datetime | None:
        return REGISTERED_AT if household_id == "H1" else None

    def application_submitted(self, household_id: str, application: str) -> bool:
        return False


def envelope(mapping: Mapping, row: ImportRow) -> dict:
    """What the importer sends for a matched row: the household, and the resident when the kind (or the
    programme's level) is about one person."""
    subject = v.SUBJECTS[mapping.kind]
    per_person = subject == v.RESIDENT or row.data.get("programme") in v.RESIDENT_LEVEL_PROGRAMMES
    return {"observation_id": f"{mapping.department}-{row.record_key}"[:60], "informant": "importer",
            "observed_at": "2026-03-01T09:30:00+08:00", "kind": mapping.kind, "household": "H1",
            "resident": "R1" if per_person else None, "data": row.data}


def table(department: str) -> tuple[Mapping, Table]:
    mapping, path = shipped_mapping(department), sample_path(department)
    return mapping, open_table(path.read_bytes(), path.name, mapping.sheet)


@pytest.mark.parametrize("department", DEPARTMENTS)
def test_every_row_of_the_sample_becomes_an_observation_the_intake_accepts(department: str) -> None:
    mapping, read = table(department)
    assert mapping.department == department
    check_headers(mapping, read.headers)
    rows = [convert(mapping, line, cells) for line, cells in read.rows]
    assert 10 <= len(rows) <= 20 and read.empty_rows == 0
    assert all(isinstance(row, ImportRow) for row in rows), [row for row in rows if not isinstance(row, ImportRow)]
    for row in rows:
        assert isinstance(row, ImportRow)
        observation = parse_observation(envelope(mapping, row), OneHousehold(), now=NOW)
        assert observation.kind == mapping.kind and observation.data == row.data
    assert len({row.record_key for row in rows}) == len(rows)  # each record once


@pytest.mark.parametrize("department", DEPARTMENTS)
def test_the_samples_name_people_of_jiangjin_by_valid_id_numbers(department: str) -> None:
    mapping, read = table(department)
    for _, cells in read.rows:
        number = cells[mapping.id_number]
        assert len(number) == 18 and ric.calc_check_digit(number) == number[-1]
        assert number[:6] in ("500116", "500381")  # 江津区, and 江津市 before 2006
        assert str(cells[mapping.region]).startswith("500116")
        assert cells[mapping.name] and cells[mapping.address].startswith("重庆市江津区")


def test_the_samples_are_in_the_encodings_and_formats_departments_send() -> None:
    raw = {department: sample_path(department).read_bytes() for department in DEPARTMENTS}
    gbk = raw["public_security"]
    with pytest.raises(UnicodeDecodeError):
        gbk.decode("utf-8")
    assert "姓名" in gbk.decode("gbk")
    assert open_table(gbk, "x.csv").encoding == "gb18030"
    for department in ("disabled_federation", "education", "human_resources", "civil_affairs"):
        assert raw[department].startswith(b"\xef\xbb\xbf"), department  # UTF-8 with a BOM: what Excel saves
    assert raw["medical_insurance"][:2] == b"PK"
    mapping, read = table("medical_insurance")
    assert read.sheet == mapping.sheet == "结算明细"


def test_the_leads_each_mapping_asks_for() -> None:
    mappings = shipped_mappings()
    wanted = {}
    for department, mapping in mappings.items():
        _, read = table(department)
        rows = [convert(mapping, line, cells) for line, cells in read.rows]
        wanted[department] = {row.lead_wanted(mapping) for row in rows if isinstance(row, ImportRow)}
    assert wanted["public_security"] == wanted["human_resources"] == wanted["civil_affairs"] == {False}
    assert wanted["education"] == {True}
    assert wanted["medical_insurance"] == wanted["disabled_federation"] == {True, False}
    medical = mappings["medical_insurance"]
    assert medical.lead is not None and medical.lead.holds({"amount": 20000.0}) and not medical.lead.holds({"amount": 19999.0})


def test_a_public_security_row_that_is_no_death_is_rejected() -> None:
    mapping, read = table("public_security")
    line, cells = next(iter(read.rows))
    refused = convert(mapping, line, {**cells, "注销原因": "迁出"})
    assert not isinstance(refused, ImportRow) and refused.column == "注销原因"


def test_every_shipped_file_is_package_data() -> None:
    globs = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["package-data"]["infra.imports"]
    base = MAPPINGS_DIR.parent
    files = [p.relative_to(base).as_posix() for p in (*MAPPINGS_DIR.iterdir(), *SAMPLES_DIR.iterdir())]
    assert files and all(any(fnmatch.fnmatch(f, g) for g in globs) for f in files), (files, globs)
    assert {p.name for p in MAPPINGS_DIR.iterdir()} == {mapping_path(d).name for d in DEPARTMENTS}
    assert {p.name for p in SAMPLES_DIR.iterdir()} == set(SAMPLES.values())


def test_the_documented_example_is_the_shipped_disability_mapping() -> None:
    """The format's one complete example (mapping.py's docstring, copied to the README) is a working mapping."""
    block = (module.__doc__ or "").split("::\n\n", 1)[1].split("\n\n", 1)[0]
    documented = module.load_mapping(textwrap.dedent(block), "docstring")
    assert documented == shipped_mapping("disabled_federation")
    assert textwrap.dedent(block).strip() in mapping_path("disabled_federation").read_text(encoding="utf-8")
