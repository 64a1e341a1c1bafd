"""Six departments' files about the synthetic district, as they would export them (`qianshao demo` imports them).

Why generated: the rows must name the district's own residents by ID number (and a few people nobody has
registered, who become leads), so they are written from the district's envelopes through each shipped
mapping, in its headers, value codes and date format. A few rows are wrong on purpose (a bad check digit, the
same row twice) so the demo's reports show rejected rows and duplicates.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Iterable

from stdnum.cn import ric

from domain.imports.mapping import Mapping

FORMATS = {"public_security": "csv-gbk", "medical_insurance": "csv", "disabled_federation": "xlsx",
           "education": "csv", "human_resources": "csv", "civil_affairs": "csv"}


@dataclass
class Person:
    id_number: str
    name: str
    household: str
    region: str
    address: str
    born: date
    sex: str
    programmes: set[str]
    monthly_income: float | None = None  # the household's latest report


def district_people(envelopes: Iterable[dict[str, Any]]) -> list[Person]:
    """The district's living residents with an ID number, with their household's place and programmes."""
    people: dict[str, Person] = {}
    places: dict[str, tuple[str, str]] = {}
    programmes: dict[str, set[str]] = {}
    dead: set[str] = set()
    incomes: dict[str, float] = {}
    for e in envelopes:
        kind, data, household = e["kind"], e["data"], e.get("household")
        if kind == "household.registered":
            places[household] = (data["region"], data["address"])
            for m in data["members"]:
                _add(people, m["resident"], m, household, places)
        elif kind == "resident.joined":
            _add(people, e["resident"], data, household, places)
        elif kind in ("resident.died", "resident.left"):
            dead.add(e["resident"])
        elif kind == "household.income_reported":
            incomes[household] = float(data["monthly_income"])
        elif kind == "coverage.enrolled":
            programmes.setdefault(household, set()).add(data["programme"])
        elif kind == "coverage.terminated":
            programmes.setdefault(household, set()).discard(data["programme"])
    living = [p for rid, p in people.items() if rid not in dead]
    for person in living:
        person.programmes = programmes.get(person.household, set())
        person.monthly_income = incomes.get(person.household)
    return living


def _add(people: dict[str, Person], rid: str, m: dict[str, Any], household: str,
         places: dict[str, tuple[str, str]]) -> None:
    if m.get("id_number"):
        region, address = places[household]
        people[rid] = Person(m["id_number"], m["name"], household, region, address,
                             date.fromisoformat(m["birth_date"]), m["sex"], set())


def stranger(rng: random.Random, like: Person, age: int, today: date, n: int) -> Person:
    """Someone living in `like`'s community whom nobody registered: a valid ID number no household holds."""
    born = date(today.year - age, rng.randint(1, 12), rng.randint(1, 28))
    body = f"{like.region[:6]}{born:%Y%m%d}{rng.randint(700, 899):03d}"
    number = body + ric.calc_check_digit(body + "0")
    street = like.address.rstrip("0123456789号")
    return Person(number, f"{'王李张刘陈杨'[n % 6]}{'秀明建国华丽'[rng.randrange(6)]}{'英军平芳强'[rng.randrange(5)]}",
                  "", like.region, f"{street}{rng.randint(100, 199)}号", born, "MF"[n % 2], set())


def department_rows(department: str, people: list[Person], today: date, seed: int = 2026) -> list[dict[str, Any]]:
    """Rows of one department in our own terms (data fields, plus id_number, name, region, address, record)."""
    rng = random.Random(f"{seed}-{department}")
    adults = [p for p in people if 18 <= _age(p, today) < 60]
    rows = ROWS[department](rng, people, adults, today)
    for n, row in enumerate(rows, 1):
        row.setdefault("record", f"{department[:2].upper()}{today:%Y}{n:06d}")
    return rows


def _age(p: Person, on: date) -> int:
    return on.year - p.born.year - ((on.month, on.day) < (p.born.month, p.born.day))


def _who(p: Person) -> dict[str, Any]:
    return {"id_number": p.id_number, "name": p.name, "region": p.region, "address": p.address}


def _deaths(rng: random.Random, people: list[Person], adults: list[Person], today: date) -> list[dict[str, Any]]:
    covered = [p for p in people if "dibao" in p.programmes and _age(p, today) >= 60]
    rows = [{**_who(p), "date": (today - timedelta(days=rng.randint(40, 90))).isoformat()}
            for p in rng.sample(covered, min(12, len(covered)))]
    if rows:
        bad = dict(rows[0], record="PS-BAD-1")
        bad["id_number"] = bad["id_number"][:-1] + ("0" if bad["id_number"][-1] != "0" else "1")  # a wrong check digit
        rows += [bad, dict(rows[1] if len(rows) > 1 else rows[0])]  # and the same row twice
    return rows


RIGID = {"dibao", "tekun", "low_income_edge", "rigid_expenditure"}


def _medical(rng: random.Random, people: list[Person], adults: list[Person], today: date) -> list[dict[str, Any]]:
    """Large bills, most in households of modest income on no assistance (MISSED.RIGID_EXPENDITURE's case)."""
    modest = [p for p in adults if p.monthly_income is not None and p.monthly_income < 4000 and not p.programmes & RIGID]
    chosen = rng.sample(modest, min(30, len(modest)))
    chosen += rng.sample([p for p in adults if p not in chosen], min(40 - len(chosen), len(adults) - len(chosen)))
    rows = [{**_who(p), "kind": "medical", "amount": max(rng.randrange(25_000, 90_000, 100),
                                                          round(12 * (p.monthly_income or 0) * 1.2, -2)),
             "date": (today - timedelta(days=rng.randint(5, 80))).isoformat()} for p in chosen]
    rows += [{**_who(stranger(rng, rng.choice(adults), rng.randint(30, 70), today, n)), "kind": "medical",
              "amount": rng.randrange(30_000, 120_000, 100), "date": (today - timedelta(days=rng.randint(5, 60))).isoformat()}
             for n in range(4)]
    return rows


def _disability(rng: random.Random, people: list[Person], adults: list[Person], today: date) -> list[dict[str, Any]]:
    categories = ("physical", "visual", "hearing", "speech", "intellectual", "mental", "multiple")
    rows = [{**_who(p), "category": rng.choice(categories), "grade": rng.randint(1, 4), "certified": True}
            for p in rng.sample(people, min(30, len(people)))]
    rows += [{**_who(stranger(rng, rng.choice(people), rng.randint(20, 80), today, n)),
              "category": rng.choice(categories), "grade": rng.randint(1, 2), "certified": True} for n in range(8)]
    return rows


def _dropouts(rng: random.Random, people: list[Person], adults: list[Person], today: date) -> list[dict[str, Any]]:
    children = [p for p in people if 7 <= _age(p, today) <= 15]
    rows = [{**_who(p), "status": "dropped_out", "full_time": False} for p in rng.sample(children, min(10, len(children)))]
    rows += [{**_who(stranger(rng, rng.choice(people), rng.randint(8, 15), today, n)), "status": "dropped_out",
              "full_time": False} for n in range(4)]
    return rows


def _unemployment(rng: random.Random, people: list[Person], adults: list[Person], today: date) -> list[dict[str, Any]]:
    return [{**_who(p), "status": "unemployed", "date": (today - timedelta(days=rng.randint(10, 120))).isoformat()}
            for p in rng.sample(adults, min(30, len(adults)))]


def _payments(rng: random.Random, people: list[Person], adults: list[Person], today: date) -> list[dict[str, Any]]:
    heads: dict[str, Person] = {}
    for p in people:
        if "dibao" in p.programmes:
            heads.setdefault(p.household, p)
    month = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    return [{**_who(p), "programme": "dibao", "period": month, "amount": rng.randrange(600, 1500, 10)}
            for p in list(heads.values())[:60]]


ROWS = {"public_security": _deaths, "medical_insurance": _medical, "disabled_federation": _disability,
        "education": _dropouts, "human_resources": _unemployment, "civil_affairs": _payments}


# --- writing rows as the department exports them -------------------------------------------------------------


def cells(mapping: Mapping, row: dict[str, Any]) -> dict[str, Any]:
    """One row in the department's headers and codes (the inverse of the mapping)."""
    out: dict[str, Any] = {mapping.id_number: row["id_number"]}
    for header, key in ((mapping.name, "name"), (mapping.region, "region"), (mapping.address, "address")):
        if header:
            out[header] = row[key]
    for field, rule in mapping.fields.items():
        if rule.column and field in row:
            out[rule.column] = _cell(row[field], rule.values, rule.type, mapping.date_formats)
    for header, allowed in mapping.require.items():
        out.setdefault(header, allowed[0])  # e.g. 注销原因 死亡: the rows a mapping reads
    for header in mapping.record_key:
        out.setdefault(header, row["record"])
    return out


def _cell(value: Any, values: Any, kind: str, formats: tuple[str, ...]) -> Any:
    for code, meant in (values or {}).items():
        if meant == value:
            return code
    if kind == "date" and formats:
        return date.fromisoformat(value).strftime(formats[0])
    if isinstance(value, bool):
        return "是" if value else "否"
    return value


def write_file(mapping: Mapping, rows: list[dict[str, Any]], path: Path, form: str) -> Path:
    """The rows as a CSV (UTF-8 with BOM, or GBK) or XLSX file; the path written."""
    headers = list(mapping.headers())
    table = [cells(mapping, row) for row in rows]
    if form == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = mapping.sheet or "Sheet1"
        sheet.append(headers)
        for row in table:
            sheet.append([row.get(h) for h in headers])
        target = path.with_suffix(".xlsx")
        book.save(target)
        return target
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows([[row.get(h, "") for h in headers] for row in table])
    target = path.with_suffix(".csv")
    target.write_bytes(out.getvalue().encode("gbk") if form == "csv-gbk" else ("\ufeff" + out.getvalue()).encode("utf-8"))
    return target
