"""The import pages (「部门数据导入」) of the integration role and admins: upload a department's file with its
mapping, follow its progress, read its report (every row accounted for) and download the rejected rows.

The upload goes to the same service as `POST /api/v1/imports` (`infra.imports.jobs.launch`); the report page
refreshes itself while the import runs (no script: a `<meta http-equiv="refresh">`).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from api.http.dependencies import Households, Imports
from api.http.routes.imports import chosen_mapping
from api.pages import flash as flashes
from api.pages.render import page, refused, see_other
from api.pages.session import PageError, check_csrf, needs
from domain.identity.access import Action, Principal
from domain.imports.mapping import MappingError
from domain.labels import ENUMERATIONS
from infra.imports.jobs import launch
from infra.imports.readers import ImportFileError

router = APIRouter(include_in_schema=False)
importer = needs(Action.IMPORT_DEPARTMENT_DATA)
MAX_SHEET = 200


@router.get("/imports")
def imports_page(request: Request, jobs: Imports, principal: Principal = Depends(importer)) -> Response:
    """The upload form and the latest imports."""
    return page(request, "imports.html", {"departments": ENUMERATIONS["department"], "jobs": jobs.recent(),
                                          "flash_shown": True})


@router.post("/imports")
async def upload(request: Request, households: Households, jobs: Imports,
                 principal: Principal = Depends(importer)) -> Response:
    """Start an import, then show its report page (post/redirect/get); a wrong file is told on the form."""
    form = await request.form()
    check_csrf(request, form.get("csrf"))
    file, department, sheet = form.get("file"), form.get("mapping"), form.get("sheet")
    if not hasattr(file, "read") or not getattr(file, "filename", ""):
        return refused(request, "/imports", flashes.Flash(422, "请选择要导入的文件", "choose a file to import", "file"))
    mapping_file = form.get("mapping_file")
    try:
        mapping = await chosen_mapping(department if isinstance(department, str) else None,
                                       mapping_file if hasattr(mapping_file, "read") else None)  # type: ignore[arg-type]
        data = await file.read()  # type: ignore[union-attr]
        chosen_sheet = sheet.strip()[:MAX_SHEET] if isinstance(sheet, str) and sheet.strip() else None
        job_id = launch(jobs, households, principal, mapping, data, file.filename, chosen_sheet)  # type: ignore[union-attr]
    except (MappingError, ImportFileError) as error:
        return refused(request, "/imports", flashes.Flash(422, error.message_zh, error.message, "file"))
    return see_other(f"/imports/{job_id}")


@router.get("/imports/{job_id}")
def import_report(request: Request, job_id: str, jobs: Imports, principal: Principal = Depends(importer)) -> Response:
    """One import's progress, then its report: rows read, matched, accepted, duplicates, rejected, leads."""
    job = jobs.get(job_id[:64])
    if job is None:
        raise PageError(404, "not_found")
    problems = (job.report or {}).get("problems", [])
    return page(request, "import_report.html", {"job": job, "problems": problems[:500], "more": max(len(problems) - 500, 0),
                                                "departments": ENUMERATIONS["department"]})
