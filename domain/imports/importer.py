"""Importing a department's file (数据比对, issue 17): each row becomes an observation of the resident it names
by ID number, a lead when nobody in a household has that ID number, or a rejected row with the reason.

Why a use case here: rows go through the households application like every other observation (the same
validation, gate and receipts, one transaction per batch), so an import is as safe as a grid worker's report.
Reading the file is an adapter's job (`infra.imports.readers`); the command, the endpoint and the page only
start an import and show its report.

Idempotent and resumable: a row's observation id is derived from its department, record key and content, and a
lead's id from its department and record key; so a file imported twice, or an import killed halfway and started
again, ends in the same state as one uninterrupted run (the rows saved before are counted as duplicates).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Iterable, Iterator, Sequence

from domain import vocabulary as v
from domain.households.application import HouseholdsApp
from domain.households.intake import Outcome, gate_for
from domain.identity.access import Principal, covers, is_grid
from domain.imports.mapping import Mapping
from domain.imports.rows import ImportRow, RowProblem, convert
from domain.leads.lead import LeadDraft
from domain.privacy import mask_id_number
from domain.region_codes import InvalidRegionCode, region_scope

BATCH_ROWS = 500  # rows per transaction: large enough to amortise a commit, small enough to resume cheaply
NOT_FOUND = ("no resident with this ID number is registered in any household of your jurisdiction",
             "辖区内没有任何家庭登记了此身份证号码的居民")


@dataclass
class ImportReport:
    """Every row accounted for: read, matched, accepted, duplicates, rejected (with the reasons), leads."""

    department: str
    file: str
    rows_read: int = 0
    matched: int = 0
    accepted: int = 0
    duplicates: int = 0
    leads: int = 0
    empty_rows: int = 0
    rejected: list[RowProblem] = field(default_factory=list)
    households: set[str] = field(default_factory=set)

    @property
    def rejected_rows(self) -> int:
        return len({p.line for p in self.rejected})

    def to_json(self, problems: bool = True) -> dict[str, Any]:
        """The report; without the rejected rows' reasons while the import runs (its progress)."""
        counts = {"department": self.department, "file": self.file, "rows_read": self.rows_read,
                "matched": self.matched, "accepted": self.accepted, "duplicates": self.duplicates,
                "rejected": self.rejected_rows, "leads": self.leads, "empty_rows": self.empty_rows,
                "households": len(self.households)}
        if not problems:
            return counts
        return {**counts, "problems": [{"line": p.line, "column": p.column, "message": p.message,
                                        "message_zh": p.message_zh} for p in self.rejected]}


Progress = Callable[[ImportReport], None]


class DepartmentImport:
    """One file of one department, imported by `principal` (an integration user or an admin)."""

    def __init__(self, households: HouseholdsApp, principal: Principal, mapping: Mapping, file: str = "",
                 *, batch_rows: int = BATCH_ROWS) -> None:
        self.households, self.principal, self.mapping = households, principal, mapping
        self.batch_rows = batch_rows
        self.report = ImportReport(mapping.department, file)
        self._gate = gate_for(principal)
        self._first_line: dict[str, int] = {}  # observation id -> the line that first named it (a row twice)
        # ID number -> (household, resident), each person looked up once per run: a department's file is a
        # snapshot of one day, and the look-ups were a fifth of an import's time (bench/imports.py).
        self._people: dict[str, tuple[str, str]] = {}

    def run(self, rows: Iterable[tuple[int, dict[str, Any]]], progress: Progress | None = None) -> ImportReport:
        """Import every row, a batch per transaction; `progress` hears the report after each batch."""
        for chunk in _chunks(rows, self.batch_rows):
            self._import(chunk)
            if progress is not None:
                progress(self.report)
        return self.report

    def _import(self, chunk: list[tuple[int, dict[str, Any]]]) -> None:
        self.report.rows_read += len(chunk)
        fresh = [row for row in (self._converted(line, cells) for line, cells in chunk) if row is not None]
        self._people.update(self.households.people_of([r.id_number for r in fresh if r.id_number not in self._people]))
        people = self._people
        found = [(row, people[row.id_number]) for row in fresh if row.id_number in people]
        self.report.matched += len(found)
        self._observe(found)
        self._lead([row for row in fresh if row.id_number not in people])

    def _converted(self, line: int, cells: dict[str, Any]) -> ImportRow | None:
        """The row, or None after counting it: rejected (its problem), or the same record as an earlier line."""
        row = convert(self.mapping, line, cells)
        if isinstance(row, RowProblem):
            self.report.rejected.append(row)
            return None
        first = self._first_line.setdefault(self.observation_id(row), line)
        if first != line:
            self.report.duplicates += 1
            return None
        return row

    # --- rows about residents we know ---------------------------------------------------------------------

    def _observe(self, found: Sequence[tuple[ImportRow, tuple[str, str]]]) -> None:
        if not found:
            return
        now = self.households.now()
        envelopes = [self.envelope(row, household, resident, now) for row, (household, resident) in found]
        for (row, (household, _)), outcome in zip(found, self.households.accept_batch(envelopes, self._gate)):
            self._count(row, household, outcome)

    def _count(self, row: ImportRow, household: str, outcome: Outcome) -> None:
        if outcome.status == "accepted":
            self.report.accepted += 1
            self.report.households.add(household)
        elif outcome.status == "duplicate" or _same_id_sent_before(outcome):
            self.report.duplicates += 1  # imported before (this file again, or an import resumed)
        else:
            self.report.rejected += [RowProblem(row.line, self._column(e.field), e.message, e.message_zh)
                                     for e in outcome.errors]

    def envelope(self, row: ImportRow, household: str, resident: str, now: datetime) -> dict[str, Any]:
        """The observation a row about a known resident becomes, sent by the importing user."""
        return {"observation_id": self.observation_id(row), "informant": self.principal.name,
                "observed_at": now.astimezone(timezone.utc).isoformat(), "kind": self.mapping.kind,
                "household": household, "resident": resident if self._names_resident(row) else None,
                "data": row.data, "source": self.mapping.department}

    def _names_resident(self, row: ImportRow) -> bool:
        """Whether the kind's subject is the resident (a programme record names one only for a personal programme)."""
        subject = v.SUBJECTS[self.mapping.kind]
        if subject == v.RESIDENT:
            return True
        if subject != v.HOUSEHOLD_OR_RESIDENT:
            return False
        return row.data.get("programme") in v.RESIDENT_LEVEL_PROGRAMMES  # dibao's records: the household's

    def observation_id(self, row: ImportRow) -> str:
        """Stable per (department, record, content): the same row imported again is the same observation."""
        content = json.dumps([self.mapping.department, self.mapping.kind, row.record_key, row.id_number, row.data],
                             sort_keys=True, ensure_ascii=False, default=str)
        return f"import-{self.mapping.department}-{hashlib.sha256(content.encode()).hexdigest()[:24]}"

    def _column(self, path: str) -> str:
        """The department's header behind an intake error's path (`data.amount` -> 自付金额)."""
        name = path.split(".", 1)[1].split("[")[0].split(".")[0] if path.startswith("data.") else path
        rule = self.mapping.fields.get(name)
        if rule is not None and rule.column:
            return rule.column
        return self.mapping.id_number if name in ("household", "resident") else path

    # --- rows about people nobody has reported -----------------------------------------------------------

    def _lead(self, unknown: Sequence[ImportRow]) -> None:
        drafts: list[LeadDraft] = []
        for row in unknown:
            problem = self._lead_problem(row)
            if problem is not None:
                self.report.rejected.append(problem)
            else:
                drafts.append(self.draft(row))
        if drafts:
            statuses = self.households.raise_leads(drafts)
            self.report.leads += sum(1 for s in statuses if s == "raised")
            self.report.duplicates += sum(1 for s in statuses if s != "raised")

    def _lead_problem(self, row: ImportRow) -> RowProblem | None:
        """Why an unknown person's row is no lead: the mapping wants none for it, or it lies outside the area."""
        if not row.lead_wanted(self.mapping):
            return RowProblem(row.line, self.mapping.id_number, *NOT_FOUND)
        region = self.lead_region(row)
        if region is None or not covers(self.principal, region, None):
            column = self.mapping.region or self.mapping.id_number
            return RowProblem(row.line, column, "the person's region is missing, not a region code, or outside "
                              "your jurisdiction", "人员所在地缺失、不是行政区划代码，或不在您的辖区内")
        return None

    def lead_region(self, row: ImportRow) -> str | None:
        """Where the lead is to be found: the row's region code, else the importer's own (non-grid) area."""
        code = row.region or ("" if is_grid(self.principal.jurisdiction) else self.principal.jurisdiction)
        try:
            region_scope(code)
        except InvalidRegionCode:
            return None
        return code

    def draft(self, row: ImportRow) -> LeadDraft:
        key = f"{self.mapping.department}|{row.record_key}"
        return LeadDraft(
            lead_id=f"lead-{self.mapping.department}-{hashlib.sha256(key.encode()).hexdigest()[:24]}",
            department=self.mapping.department, what_zh=self.mapping.lead.what_zh,  # type: ignore[union-attr]
            what_en=self.mapping.lead.what_en,  # type: ignore[union-attr]
            keyed_id=self.households.keyed(row.id_number), masked_id=mask_id_number(row.id_number),
            name=row.name, region=self.lead_region(row) or "", address=row.address, data=row.data,
            raised_by=self.principal.name, line=row.line)


def _same_id_sent_before(outcome: Outcome) -> bool:
    """Intake's 409: this observation id was saved before with another envelope (an earlier run's clock)."""
    return outcome.http_status == 409 and any(e.field == "observation_id" for e in outcome.errors)


def _chunks(rows: Iterable[tuple[int, dict[str, Any]]], size: int) -> Iterator[list[tuple[int, dict[str, Any]]]]:
    chunk: list[tuple[int, dict[str, Any]]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
