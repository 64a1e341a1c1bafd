"""The informant's forms, generated from the validator's own field table (`domain.households.observations.kinds.DATA_FIELDS`).

Each field's input follows what its check accepts (a choice list for an enumeration, a date picker
for a date, a month picker for a period, yes/no for a flag, a number with its bounds), so the form
and the server can never disagree on a name or a vocabulary. The form does not validate by itself
(`novalidate`): the server's messages, in Chinese, are shown next to the field they name.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from domain import vocabulary as v
from domain.households.observations.kinds import DATA_FIELDS, MEMBER
from domain.households.observations.shapes import Spec, shape_of

REPORT_KINDS = (
    "household.visited", "household.income_reported", "resident.disability_assessed", "resident.illness_reported",
    "household.emergency_reported", "household.hardship_reported", "resident.living_arrangement_reported",
)
REGISTRATION = "household.registered"
PERIOD_PATTERN = "^[0-9]{4}-(?:0[1-9]|1[0-2])$"


@dataclass(frozen=True)
class FormField:
    """One input: `name` is the envelope path it fills (`data.monthly_income`), `type` how it is read."""

    name: str
    label_key: str
    control: str  # select, date, month, number, text, textarea, boolean
    type: str  # how the script types the value: string, number, integer, boolean, list
    required: bool
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    kind: str = ""  # the observation kind it belongs to, and the field's path in its data (`members.sex`):
    path: str = ""  # what names the field and its choices (domain.labels.field_name / field_value)

    @property
    def id(self) -> str:
        return "f-" + self.name.replace(".", "-").replace("[", "-").replace("]", "")


def form_field(spec: Spec, kind: str, prefix: str = "data", label_prefix: str = "data") -> FormField:
    """The input for one field spec of `kind`, from the shape of its check."""
    path = spec.name if label_prefix == "data" else f"{label_prefix}.{spec.name}"
    return replace(_control(spec, prefix, label_prefix), kind=kind, path=path)


def _control(spec: Spec, prefix: str, label_prefix: str) -> FormField:
    shape = shape_of(spec.check)
    name, label = f"{prefix}.{spec.name}", f"{label_prefix}.{spec.name}"
    if shape.enum:
        return FormField(name, label, "select", "string", spec.required, shape.enum)
    if shape.type == "boolean":
        return FormField(name, label, "boolean", "boolean", spec.required)
    if shape.type in ("number", "integer"):
        maximum = None if shape.maximum is None else int(shape.maximum)
        return FormField(name, label, "number", shape.type, spec.required, (), shape.minimum, maximum)
    if shape.type == "array":
        return FormField(name, label, "text", "list", spec.required)
    if shape.format == "date":
        return FormField(name, label, "date", "string", spec.required)
    if shape.pattern == PERIOD_PATTERN:
        return FormField(name, label, "month", "string", spec.required)
    control = "textarea" if spec.name == "note" else "text"
    return FormField(name, label, control, "string", spec.required)


@dataclass(frozen=True)
class KindForm:
    kind: str
    about_resident: bool
    fields: tuple[FormField, ...]


def report_form(kind: str) -> KindForm:
    about_resident = v.SUBJECTS[kind] == v.RESIDENT
    return KindForm(kind, about_resident, tuple(form_field(spec, kind) for spec in DATA_FIELDS[kind]))


def report_forms() -> list[KindForm]:
    return [report_form(kind) for kind in REPORT_KINDS]


def registration_fields() -> tuple[FormField, ...]:
    """The household's own fields (region and grid are the informant's; members come separately)."""
    return tuple(form_field(spec, REGISTRATION) for spec in DATA_FIELDS[REGISTRATION] if spec.name in ("address", "hukou"))


def member_fields(index: int) -> tuple[FormField, ...]:
    return tuple(form_field(spec, REGISTRATION, prefix=f"data.members[{index}]", label_prefix="members")
                 for spec in shape_of(MEMBER).fields)


def form_value(value: object) -> str:
    """A stored value as its input shows it (`true`/`false`, `500`, ids joined by commas)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return "" if value is None else str(value)


def values_of(observation: dict[str, Any]) -> dict[str, str]:
    """An observation as the form's inputs hold it, by input name (`data.members[1].name`): what a
    correction form opens with."""
    values = {key: form_value(observation.get(key)) for key in ("household", "resident")}
    for name, value in observation.get("data", {}).items():
        if name == "members" and isinstance(value, list):
            values.update({f"data.members[{i}].{k}": form_value(v) for i, m in enumerate(value) for k, v in m.items()})
        else:
            values[f"data.{name}"] = form_value(value)
    return values
