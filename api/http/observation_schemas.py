"""The OpenAPI schemas of POST /api/v1/observations, generated from the validator's own tables.

`domain.households.observations.kinds.DATA_FIELDS` names each kind's fields and says which are required, and every
field's check carries a `Shape`: its JSON type, the enumeration of `domain.vocabulary`, the bounds of
`domain.households.intake_limits`, a pattern. From these `pydantic.create_model` builds one model per kind's
`data` and one envelope per kind (`household` / `resident` as `SUBJECT_RULES` says), and the
envelopes form a union discriminated on `kind`. Nothing here repeats the vocabulary: a new kind,
field, value or bound appears in the OpenAPI document by itself.

The models describe; they do not validate. The route hands the raw JSON to the domain validator,
which names every problem in Chinese and English, checks what no schema can say (check digits, dates
against `observed_at`, references to households and residents) and answers item by item.

A schema admits every value the validator accepts: unknown keys are allowed (they are ignored), an
optional field may also be null or blank (both mean absent), and text may carry surrounding
whitespace (it is removed before its length is counted).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, RootModel, create_model

from api.http.problems import SCHEMA_REF, FieldProblem, Problem, schema_components
from domain.households import intake_limits as limits
from domain import vocabulary as v
from domain.households.observations.envelope import envelope_specs
from domain.households.observations.kinds import DATA_FIELDS, SUBJECT_ID, SUBJECT_RULES
from domain.households.observations.shapes import BLANK_PATTERN, Shape, Spec, shape_of

OPEN = ConfigDict(extra="allow")  # unknown keys are ignored, never refused (forward compatibility)
Blank = Annotated[str, Field(pattern=BLANK_PATTERN)]
_NOW = datetime.now(timezone.utc)  # envelope_specs wants a clock; only the shapes are read here
ROUTE_SETS = frozenset({"informant"})  # the route records you as the informant, whatever the body says
SUBJECT_ABOUT = {v.HOUSEHOLD: "the whole household", v.RESIDENT: "one resident of the household",
                 v.HOUSEHOLD_OR_RESIDENT: "the household, or one of its residents", v.NO_SUBJECT: "no household"}


def model_name(kind: str) -> str:
    """`household.registered` -> `HouseholdRegistered`."""
    return "".join(part.capitalize() for part in kind.replace(".", "_").split("_"))


def annotation(shape: Shape) -> Any:
    """The pydantic type whose JSON schema is `shape`."""
    if shape.type == "string" and shape.enum:
        return Literal[shape.enum]
    if shape.type == "string":
        return Annotated[str, Field(pattern=shape.pattern, min_length=shape.min_length, max_length=shape.max_length,
                                    json_schema_extra={"format": shape.format} if shape.format else None)]
    if shape.type in ("number", "integer"):
        return Annotated[float if shape.type == "number" else int, Field(ge=shape.minimum, le=shape.maximum)]
    if shape.type == "boolean":
        return bool
    if shape.type == "object":
        assert shape.title, "an object's shape names its schema"
        return _object(shape.title, shape.fields, shape.note)
    if shape.type == "array":
        assert shape.items is not None
        return Annotated[list[annotation(shape_of(shape.items))],  # type: ignore[misc]
                         Field(min_length=shape.min_items, max_length=shape.max_items)]
    raise ValueError(f"no JSON type {shape.type!r}")


def field(spec: Spec) -> tuple[Any, Any]:
    """A create_model field for a spec: required and not null, or optional (absent, null or blank)."""
    shape = shape_of(spec.check)
    kind = annotation(shape)
    description = shape.note or None
    if spec.required:
        return kind, Field(description=description)
    return Union[kind, Blank, None], Field(spec.default, description=description)


_OBJECTS: dict[str, type[BaseModel]] = {}


def _object(title: str, specs: tuple[Spec, ...], note: str = "") -> type[BaseModel]:
    if title not in _OBJECTS:
        _OBJECTS[title] = create_model(title, __config__=OPEN, __doc__=note or None,  # type: ignore[call-overload]
                                       **{spec.name: field(spec) for spec in specs})
    return _OBJECTS[title]


def data_model(kind: str) -> type[BaseModel]:
    """The model of `data` for one kind, from its DATA_FIELDS."""
    return _object(f"{model_name(kind)}Data", DATA_FIELDS[kind], f"`data` of a {kind} observation")


def _subject(name: str, rule: str, kind: str) -> tuple[Any, Any]:
    """`household` or `resident` of one kind's envelope, as its SUBJECT_RULES say."""
    identifier = annotation(shape_of(SUBJECT_ID))
    what = "household id" if name == "household" else "resident id (a member of the household)"
    if rule == "required":
        return identifier, Field(description=f"the {what}")
    if rule == "optional":
        return Union[identifier, Blank, None], Field(None, description=f"the {what}, when it concerns one person")
    about = SUBJECT_ABOUT[v.SUBJECTS[kind]]
    return Union[Blank, None], Field(None, description=f"must be absent: {kind} concerns {about}")


def envelope_model(kind: str) -> type[BaseModel]:
    """One kind's envelope: its `kind`, the envelope's own fields, its subject and its `data`."""
    household_rule, resident_rule = SUBJECT_RULES[v.SUBJECTS[kind]]
    fields: dict[str, Any] = {"kind": (Literal[kind], Field())}
    for spec in envelope_specs(_NOW):
        if spec.name not in fields and spec.name not in ROUTE_SETS:
            fields[spec.name] = field(spec)
    fields["household"] = _subject("household", household_rule, kind)
    fields["resident"] = _subject("resident", resident_rule, kind)
    fields["data"] = (data_model(kind), Field())
    return create_model(f"{model_name(kind)}Observation", __config__=OPEN,  # type: ignore[call-overload]
                        __doc__=f"A {kind} observation, about {SUBJECT_ABOUT[v.SUBJECTS[kind]]}.", **fields)


ENVELOPES: dict[str, type[BaseModel]] = {kind: envelope_model(kind) for kind in v.OBSERVATION_KINDS}
ObservationUnion = Annotated[Union[tuple(ENVELOPES.values())], Field(discriminator="kind")]  # type: ignore[valid-type]


class Observation(RootModel[ObservationUnion]):  # type: ignore[valid-type]
    """One observation; its `kind` says what `data` holds. You are recorded as its informant."""


class ObservationBatch(BaseModel):
    """Several observations in one request; each is judged alone and answered in `results`."""

    model_config = OPEN
    observations: Annotated[list[Observation], Field(min_length=1, max_length=limits.MAX_BATCH)]


class ObservationRequest(RootModel[Union[Observation, ObservationBatch]]):
    """One observation, or a batch of them."""


class ObservationResult(BaseModel):
    """An item accepted (recorded now) or a duplicate (the same observation was recorded before)."""

    index: int = Field(description="its position in the batch (0 for a single observation)")
    observation_id: str | None
    status: Literal["accepted", "duplicate"]
    household: str | None = None


class ObservationProblem(Problem):
    """An item refused, naming each field that is wrong."""

    index: int
    observation_id: str | None
    errors: list[FieldProblem]


class BatchResult(BaseModel):
    """How many items were accepted, duplicates or rejected, and each item's answer in order."""

    accepted: int
    duplicate: int
    rejected: int
    results: list[ObservationResult | ObservationProblem]


def components() -> dict[str, Any]:
    """Every schema the route's request and responses refer to, for the OpenAPI components."""
    return schema_components(ObservationRequest, BatchResult)


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": SCHEMA_REF.format(model=model.__name__)}


OBSERVED_AT = "2026-03-01T09:30:00+08:00"
REGISTRATION: dict[str, Any] = {
    "observation_id": "OBS-EXAMPLE-0001", "kind": "household.registered", "observed_at": OBSERVED_AT,
    "household": "H-EXAMPLE-0001",
    "data": {
        "region": "500103001001", "grid": "500103001001-03", "address": "渝中区七星岗街道某社区1号",
        "hukou": "urban",
        "members": [
            {"resident": "R-EXAMPLE-0001-1", "name": "王某", "id_number": "500103195804121218", "sex": "M",
             "birth_date": "1958-04-12", "relation": "head"},
            {"resident": "R-EXAMPLE-0001-2", "name": "王某某", "sex": "F", "birth_date": "2014-09-01",
             "relation": "grandchild"},
        ],
    },
}
BATCH: dict[str, Any] = {"observations": [
    {**REGISTRATION, "observation_id": "OBS-EXAMPLE-0002", "household": "H-EXAMPLE-0002",
     "data": {**REGISTRATION["data"], "members": [{"resident": "R-EXAMPLE-0002-1", "name": "李某", "sex": "F",
                                                   "birth_date": "1941-02-03", "relation": "head"}]}},
    {"observation_id": "OBS-EXAMPLE-0003", "kind": "resident.living_arrangement_reported", "observed_at": OBSERVED_AT,
     "household": "H-EXAMPLE-0002", "resident": "R-EXAMPLE-0002-1",
     "data": {"lives_alone": True, "empty_nest": True, "left_behind": False, "special_family": False}},
]}

REQUEST_BODY: dict[str, Any] = {
    "required": True,
    "description": "One observation, or `{\"observations\": [...]}` (at most "
                   f"{limits.MAX_BATCH:,}). Unknown keys are ignored; `informant` is set to you.",
    "content": {"application/json": {
        "schema": _ref(ObservationRequest),
        "examples": {
            "registration": {"summary": "register a household of two", "value": REGISTRATION},
            "batch": {"summary": "a batch: register a household, then report on its member", "value": BATCH},
        },
    }},
}
RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "a duplicate: this observation was recorded before, and nothing changed",
          "content": {"application/json": {"schema": _ref(ObservationResult)}}},
    202: {"description": "accepted; for a batch, every item accepted or a duplicate",
          "content": {"application/json": {"schema": {"anyOf": [_ref(ObservationResult), _ref(BatchResult)]}}}},
    207: {"description": "a batch in which some items were rejected (each answered in `results`)",
          "content": {"application/json": {"schema": _ref(BatchResult)}}},
    422: {"description": "rejected: the observation (problem+json naming each field; an item's also says its "
                         "`index` and `observation_id`), or every item of a batch (each answered in `results`)",
          "content": {"application/problem+json": {"schema": {"$ref": SCHEMA_REF.format(model="Problem")}},
                      "application/json": {"schema": _ref(BatchResult)}}},
}
