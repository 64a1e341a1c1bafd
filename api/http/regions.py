"""Region codes in requests: the `region=` query of the read routes and pages, checked by `domain.region_codes`.

Why a shared type: every route must refuse a code that is no code (422 naming `region`, with the
reason in Chinese and English) before it reads, rather than read it as some other place.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query
from pydantic import AfterValidator

from api.pages.session import bad_value
from domain.region_codes import REGION_CODE_PATTERN, InvalidRegionCode, check_region_code


def region_schema(schema: dict[str, Any]) -> None:
    """The schema states the reading as a pattern on the string (of `str | None` too, as `pattern=` would);
    the check itself is `check_region_code`, so a code that is no code is refused with its reason."""
    for branch in schema.get("anyOf", [schema]):
        if branch.get("type") == "string":
            branch["pattern"] = REGION_CODE_PATTERN


def checked_region(value: str | None) -> str | None:
    """The code itself, or InvalidRegionCode (a ValueError, so pydantic reports it against the field)."""
    return None if value is None else check_region_code(value)


READ_BY_LEVEL = "a region code read by level (RULES.md § Parameters)"
# An optional `region=` that narrows a read to a region under the reader's own (`region: RegionQuery = None`).
RegionQuery = Annotated[str | None, AfterValidator(checked_region),
                        Query(description=f"narrow to a region under yours: {READ_BY_LEVEL}",
                              json_schema_extra=region_schema)]
# A required `region=`.
RequiredRegion = Annotated[str, AfterValidator(check_region_code),
                           Query(description=READ_BY_LEVEL, json_schema_extra=region_schema)]


def page_region(value: str) -> str:
    """A page's `region=` field ("" when left empty); one that is no region code is the 422 page naming
    `region` with the reason, in Chinese and English."""
    if value:
        try:
            check_region_code(value)
        except InvalidRegionCode as error:
            raise bad_value("region", error.message_zh, error.message) from error
    return value
