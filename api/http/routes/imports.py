"""POST /api/v1/imports: a department's file (CSV, XLSX, JSON lines) with its mapping; GET its progress and report.

The import runs in the background (a 100,000-row file takes about a minute); its progress and report are in the
deployment's shared tables, so any API host answers `GET /api/v1/imports/{id}`. The rejected rows come as CSV.
"""

from __future__ import annotations

from typing import Any, Optional

from fastapi import APIRouter, Depends, File, Form, UploadFile
from fastapi.responses import JSONResponse, Response

from api.http.auth import require
from api.http.dependencies import Households, Imports
from api.http.problems import problem_response, problem_responses
from domain.identity.access import Action, Principal
from domain.imports.mapping import Mapping, MappingError, load_mapping
from infra.imports.jobs import launch, problems_csv
from infra.imports.readers import ImportFileError
from infra.imports import DEPARTMENTS, shipped_mapping

router = APIRouter()
MAX_MAPPING_BYTES = 64 * 1024


async def chosen_mapping(mapping: Optional[str], mapping_file: Optional[UploadFile]) -> Mapping:
    """The uploaded mapping YAML, else the shipped department's mapping named by `mapping`."""
    if mapping_file is not None and mapping_file.filename:
        text = (await mapping_file.read(MAX_MAPPING_BYTES + 1))
        if len(text) > MAX_MAPPING_BYTES:
            raise MappingError("the mapping file is larger than 64 KiB", "映射文件超过 64 KiB")
        try:
            return load_mapping(text.decode("utf-8-sig"), mapping_file.filename)
        except UnicodeDecodeError as error:
            raise MappingError("the mapping file is not UTF-8 text", "映射文件不是 UTF-8 文本") from error
    if not mapping:
        raise MappingError("name a shipped mapping (`mapping`) or upload one (`mapping_file`)",
                           "请选择内置映射（mapping）或上传映射文件（mapping_file）")
    if mapping not in DEPARTMENTS:
        raise MappingError(f"`mapping` names a shipped mapping by its department code: {', '.join(DEPARTMENTS)}",
                           f"mapping 须为内置映射的部门代码：{'、'.join(DEPARTMENTS)}")
    return shipped_mapping(mapping)


def _refusal(field: str, error: MappingError | ImportFileError) -> JSONResponse:
    return problem_response(422, error.message, errors=[{"field": field, "message": error.message,
                                                         "message_zh": error.message_zh}])


@router.post("/api/v1/imports", status_code=202, responses=problem_responses(401, 403, 413, 422))
async def post_import(
    households: Households, jobs: Imports,
    file: UploadFile = File(..., description="CSV (UTF-8, UTF-8 with BOM, GBK/GB18030), XLSX or JSON lines"),
    mapping: Optional[str] = Form(None, max_length=100, description="a shipped mapping: its department's code"),
    mapping_file: Optional[UploadFile] = File(None, description="or a mapping of your own (YAML)"),
    sheet: Optional[str] = Form(None, max_length=200, description="the XLSX sheet (default: the mapping's, or the first)"),
    principal: Principal = Depends(require(Action.IMPORT_DEPARTMENT_DATA)),
) -> Any:
    """Start importing a department's file; `GET /api/v1/imports/{job_id}` follows it."""
    try:
        chosen = await chosen_mapping(mapping, mapping_file)
    except MappingError as error:
        return _refusal("mapping", error)
    data = await file.read()
    try:
        job_id = launch(jobs, households, principal, chosen, data, file.filename or "upload.csv", sheet or None)
    except ImportFileError as error:
        return _refusal("file", error)
    return JSONResponse({"job_id": job_id, "state": "running", "href": f"/api/v1/imports/{job_id}"}, status_code=202)


@router.get("/api/v1/imports", responses=problem_responses(401, 403))
def list_imports(jobs: Imports, principal: Principal = Depends(require(Action.IMPORT_DEPARTMENT_DATA))
                 ) -> dict[str, Any]:
    """The latest imports, newest first (without their rejected rows)."""
    return {"imports": [{**job.to_json(), "report": _counts(job.report)} for job in jobs.recent()]}


@router.get("/api/v1/imports/{job_id}", responses=problem_responses(401, 403, 404, 422))
def get_import(job_id: str, jobs: Imports,
               principal: Principal = Depends(require(Action.IMPORT_DEPARTMENT_DATA))) -> Any:
    """One import: its state (running, done, failed, interrupted), rows done, and its report."""
    job = jobs.get(job_id[:64])
    if job is None:
        return problem_response(404, f"no import {job_id[:64]}")
    return job.to_json()


@router.get("/api/v1/imports/{job_id}/rejected.csv", responses=problem_responses(401, 403, 404, 422))
def get_rejected(job_id: str, jobs: Imports,
                 principal: Principal = Depends(require(Action.IMPORT_DEPARTMENT_DATA))) -> Response:
    """The rejected rows of a finished import: line, column, reason in Chinese and English (UTF-8 with BOM)."""
    job = jobs.get(job_id[:64])
    if job is None or job.report is None:
        return problem_response(404, f"no finished import {job_id[:64]}")
    return Response(problems_csv(job.report), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="rejected-{job.job_id[:8]}.csv"'})


def _counts(report: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if report is None else {k: v for k, v in report.items() if k != "problems"}
