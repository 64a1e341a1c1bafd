"""Intake validation: an envelope becomes a normalised `Observation`, or every problem is named.

Each kind's data is described by a table of field specs (RULES.md § Vocabulary).
Normalised data is JSON-native: dates as `YYYY-MM-DD`, periods `YYYY-MM`, money
as floats rounded to fen; optional fields that were not sent are left out.
Unknown extra keys in `data` are ignored, so older servers accept newer clients.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Callable, Protocol

from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError

from domain import vocabulary as v

FUTURE_SKEW = timedelta(minutes=5)
EARLIEST = date(1900, 1, 1)
SCHEDULE_HORIZON_DAYS = 366


@dataclass(frozen=True)
class FieldError:
    """One problem, at a dotted path such as `data.members[1].id_number`."""

    field: str
    message: str
    message_zh: str


class InvalidObservation(Exception):
    """The envelope cannot be accepted; `status` is 422, 404 (unknown reference) or 409 (conflict)."""

    def __init__(self, errors: list[FieldError], status: int = 422) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors
        self.status = status


class Registry(Protocol):
    """What validation needs to know about already-recorded subjects."""

    def household_exists(self, household_id: str) -> bool: ...

    def resident_household(self, resident_id: str) -> str | None: ...


@dataclass(frozen=True)
class Observation:
    """A validated observation, ready to be recorded."""

    observation_id: str
    informant: str
    observed_at: datetime
    kind: str
    household: str | None
    resident: str | None
    data: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {
            "observation_id": self.observation_id,
            "informant": self.informant,
            "observed_at": self.observed_at.isoformat(),
            "kind": self.kind,
            "household": self.household,
            "resident": self.resident,
            "data": self.data,
        }


class _Bad(Exception):
    def __init__(self, message: str, message_zh: str) -> None:
        super().__init__(message)
        self.message, self.message_zh = message, message_zh


Check = Callable[[Any, date], Any]


@dataclass(frozen=True)
class Spec:
    name: str
    check: Check
    required: bool = True
    default: Any = None


def _text(value: Any, _: date) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _Bad("must be a non-empty string", "必须是非空字符串")
    return value.strip()


def _enum(values: tuple[str, ...]) -> Check:
    def check(value: Any, _: date) -> str:
        if value not in values:
            raise _Bad(f"must be one of: {', '.join(values)}", f"必须是以下之一：{'、'.join(values)}")
        return str(value)

    return check


def _bool(value: Any, _: date) -> bool:
    if not isinstance(value, bool):
        raise _Bad("must be true or false", "必须是 true 或 false")
    return value


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        raise _Bad("must be a number", "必须是数字")
    return float(value)


def _money(value: Any, _: date) -> float:
    amount = _number(value)
    if amount < 0:
        raise _Bad("must not be negative", "金额不能为负数")
    return round(amount, 2)


def _int_range(low: int, high: int | None = None) -> Check:
    def check(value: Any, _: date) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _Bad("must be a whole number", "必须是整数")
        if value < low or (high is not None and value > high):
            upper = f" and at most {high}" if high is not None else ""
            raise _Bad(f"must be at least {low}{upper}", f"必须不小于 {low}" + (f"且不大于 {high}" if high else ""))
        return value

    return check


def _parse_date(value: Any) -> date:
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise _Bad("must be a date YYYY-MM-DD", "日期格式必须是 YYYY-MM-DD")
    try:
        day = date.fromisoformat(value)
    except ValueError as error:
        raise _Bad(f"is not a real date ({value})", f"日期不存在（{value}）") from error
    if day < EARLIEST:
        raise _Bad("must not be before 1900-01-01", "日期不能早于 1900-01-01")
    return day


def _event_date(value: Any, observed: date) -> str:
    """A date something happened: not after the observation (one day of time-zone slack)."""
    day = _parse_date(value)
    if day > observed + timedelta(days=1):
        raise _Bad("must not be after the observation date", "不能晚于观察日期")
    return day.isoformat()


def _scheduled_date(value: Any, observed: date) -> str:
    """A date that may be set ahead (coverage start, grace end), but not far ahead."""
    day = _parse_date(value)
    if day > observed + timedelta(days=SCHEDULE_HORIZON_DAYS):
        raise _Bad("is too far in the future (more than a year ahead)", "日期过远（超过一年之后）")
    return day.isoformat()


def _period(value: Any, observed: date) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value):
        raise _Bad("must be a month YYYY-MM", "月份格式必须是 YYYY-MM")
    if value > observed.strftime("%Y-%m") or value < "1900-01":
        raise _Bad("must not be a month after the observation", "不能晚于观察月份")
    return value


def _region(value: Any, _: date) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"\d{6,12}", value):
        raise _Bad("must be an administrative division code of 6 to 12 digits", "必须是 6 至 12 位行政区划代码")
    return value


PERSON = (
    Spec("name", _text),
    Spec("id_number", _text, required=False),
    Spec("sex", _enum(v.SEX)),
    Spec("birth_date", _event_date),
    Spec("relation", _enum(v.RELATIONS)),
)


def _parent(value: Any, observed: date) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Bad("must be an object {status, since?}", "必须是对象 {status, since?}")
    parent = {"status": _enum(v.PARENT_STATUSES)(value.get("status"), observed)}
    if value.get("since") is not None:
        parent["since"] = _event_date(value["since"], observed)
    return parent


DATA_SPECS: dict[str, tuple[Spec, ...]] = {
    "household.registered": (
        Spec("region", _region), Spec("grid", _text, required=False), Spec("address", _text, required=False),
        Spec("hukou", _enum(v.HUKOU)), Spec("local_hukou", _bool, required=False, default=True),
    ),
    "resident.joined": (*PERSON, Spec("reason", _enum(v.JOIN_REASONS))),
    "resident.left": (Spec("reason", _enum(v.LEAVE_REASONS)), Spec("date", _event_date)),
    "resident.died": (Spec("date", _event_date),),
    "household.income_reported": (
        Spec("monthly_income", _money), Spec("period", _period),
        Spec("income_type", _enum(v.INCOME_TYPES)), Spec("source", _enum(v.INCOME_SOURCES)),
    ),
    "household.assets_reported": (
        Spec("financial_assets", _money), Spec("motor_vehicles", _int_range(0)),
        Spec("extra_properties", _int_range(0)),
    ),
    "household.expense_reported": (
        Spec("kind", _enum(v.EXPENSE_KINDS)), Spec("amount", _money), Spec("date", _event_date),
    ),
    "household.emergency_reported": (
        Spec("kind", _enum(v.EMERGENCY_KINDS)), Spec("date", _event_date), Spec("loss", _money, required=False),
        Spec("resident", _text, required=False),
    ),
    "household.hardship_reported": (
        Spec("signal", _enum(v.HARDSHIP_SIGNALS)), Spec("urgency", _enum(v.URGENCIES)),
        Spec("resident", _text, required=False), Spec("note", _text, required=False),
    ),
    "household.rural_risk_reported": (Spec("risk", _enum(v.RURAL_RISKS)), Spec("date", _event_date)),
    "household.visited": (
        Spec("purpose", _enum(v.VISIT_PURPOSES)), Spec("note", _text, required=False),
    ),
    "resident.disability_assessed": (
        Spec("category", _enum(v.DISABILITY_CATEGORIES)), Spec("grade", _int_range(1, 4)),
        Spec("certified", _bool),
    ),
    "resident.illness_reported": (
        Spec("condition", _text), Spec("serious", _bool), Spec("hospitalized", _bool), Spec("date", _event_date),
    ),
    "resident.labour_capacity_assessed": (Spec("capacity", _enum(v.CAPACITIES)),),
    "resident.employment_changed": (Spec("status", _enum(v.EMPLOYMENT)), Spec("date", _event_date)),
    "resident.care_dependency_assessed": (Spec("level", _enum(v.CARE_LEVELS)),),
    "resident.living_arrangement_reported": (
        Spec("lives_alone", _bool), Spec("empty_nest", _bool), Spec("left_behind", _bool),
        Spec("special_family", _bool),
    ),
    "resident.parent_status_reported": (Spec("father", _parent), Spec("mother", _parent)),
    "resident.school_status_reported": (Spec("status", _enum(v.SCHOOL_STATUSES)), Spec("full_time", _bool)),
    "resident.supporter_reported": (Spec("has_capable_supporter", _bool),),
    "coverage.enrolled": (
        Spec("programme", _enum(v.PROGRAMMES)), Spec("start", _scheduled_date),
        Spec("monthly_amount", _money, required=False), Spec("review_interval_months", _int_range(1, 60), required=False),
    ),
    "coverage.reviewed": (
        Spec("programme", _enum(v.PROGRAMMES)), Spec("date", _event_date), Spec("outcome", _enum(v.REVIEW_OUTCOMES)),
    ),
    "coverage.paid": (Spec("programme", _enum(v.PROGRAMMES)), Spec("period", _period), Spec("amount", _money)),
    "coverage.suspended": (
        Spec("programme", _enum(v.PROGRAMMES)), Spec("date", _event_date), Spec("reason", _text),
    ),
    "coverage.terminated": (
        Spec("programme", _enum(v.PROGRAMMES)), Spec("date", _event_date),
        Spec("reason", _enum(v.TERMINATION_REASONS)), Spec("grace_until", _scheduled_date, required=False),
    ),
    "application.submitted": (
        Spec("application", _text), Spec("programme", _enum(v.PROGRAMMES)), Spec("date", _event_date),
    ),
    "application.decided": (
        Spec("application", _text), Spec("date", _event_date), Spec("decision", _enum(v.DECISIONS)),
        Spec("reason", _text, required=False),
    ),
    "clock.tick": (Spec("date", _scheduled_date),),
}


def _fields(raw: dict[str, Any], specs: tuple[Spec, ...], observed: date, prefix: str) -> tuple[dict, list]:
    """Check every spec against `raw`; returns normalised values and the errors."""
    out: dict[str, Any] = {}
    errors: list[FieldError] = []
    for spec in specs:
        value = raw.get(spec.name)
        if value is None:
            if spec.required:
                errors.append(FieldError(f"{prefix}{spec.name}", "is required", "必填"))
            elif spec.default is not None:
                out[spec.name] = spec.default
            continue
        try:
            out[spec.name] = spec.check(value, observed)
        except _Bad as bad:
            errors.append(FieldError(f"{prefix}{spec.name}", bad.message, bad.message_zh))
    return out, errors


def _checked_ric(number: str) -> str:
    """Format, check digit and embedded birth date of an 18-digit resident ID number.

    `ric.validate` also requires the region code to have existed in the birth year,
    which refuses real numbers re-issued under today's codes (e.g. Chongqing's 500xxx
    for people born before 1997), so the birth place is not checked.
    """
    number = ric.compact(number).upper()
    if len(number) != 18 or not number[:-1].isdigit():
        raise _Bad("must be an 18-digit resident ID number", "必须是 18 位居民身份证号码")
    if number[-1] != ric.calc_check_digit(number):
        raise _Bad("fails its check digit (GB 11643)", "校验位错误（GB 11643）")
    try:
        ric.get_birth_date(number)
    except StdnumError as error:
        raise _Bad("holds an impossible birth date", "号码中的出生日期不存在") from error
    return number


def _id_number(person: dict[str, Any], prefix: str) -> list[FieldError]:
    """An 18-digit resident ID number with a valid checksum, whose birth date matches."""
    number = person.get("id_number")
    if number is None:
        return []
    try:
        number = _checked_ric(number)
    except _Bad as bad:
        return [FieldError(f"{prefix}id_number", f"is not a valid resident ID number: {bad.message}",
                           f"不是有效的居民身份证号码：{bad.message_zh}")]
    person["id_number"] = number
    born = person.get("birth_date")
    if born and ric.get_birth_date(number).isoformat() != born:
        return [FieldError(f"{prefix}id_number", f"its birth date does not match {prefix}birth_date ({born})",
                           f"身份证号中的出生日期与 {prefix}birth_date（{born}）不一致")]
    return []


def _members(raw: Any, observed: date, registry: Registry) -> tuple[list[dict[str, Any]], list[FieldError], int]:
    if not isinstance(raw, list) or not raw:
        return [], [FieldError("data.members", "must be a non-empty list of members", "成员列表不能为空")], 422
    members, errors, status, seen = [], [], 422, set()
    for i, item in enumerate(raw):
        prefix = f"data.members[{i}]."
        if not isinstance(item, dict):
            errors.append(FieldError(prefix[:-1], "must be an object", "必须是对象"))
            continue
        member, problems = _fields(item, (Spec("resident", _text), *PERSON), observed, prefix)
        problems += _id_number(member, prefix)
        rid = member.get("resident")
        if rid in seen:
            problems.append(FieldError(f"{prefix}resident", f"resident id {rid} appears twice", f"居民编号 {rid} 重复"))
        elif rid and registry.resident_household(rid) is not None:
            problems.append(FieldError(f"{prefix}resident", f"resident id {rid} is already registered",
                                       f"居民编号 {rid} 已被登记"))
            status = 409
        seen.add(rid)
        errors += problems
        members.append(member)
    return members, errors, status


def _observed_at(raw: Any, now: datetime) -> tuple[datetime | None, list[FieldError]]:
    if not isinstance(raw, str):
        return None, [FieldError("observed_at", "is required: an ISO-8601 time with offset", "必填：带时区的 ISO-8601 时间")]
    try:
        at = datetime.fromisoformat(raw)
    except ValueError:
        return None, [FieldError("observed_at", f"is not a valid ISO-8601 time ({raw})", f"不是有效的 ISO-8601 时间（{raw}）")]
    if at.tzinfo is None:
        return None, [FieldError("observed_at", "must carry a UTC offset, e.g. +08:00", "必须带时区，例如 +08:00")]
    if at > now + FUTURE_SKEW:
        return None, [FieldError("observed_at", "is in the future", "观察时间不能在未来")]
    if at.date() < EARLIEST:
        return None, [FieldError("observed_at", "must not be before 1900", "不能早于 1900 年")]
    return at, []


def _envelope(envelope: dict[str, Any], now: datetime) -> tuple[dict[str, Any], list[FieldError]]:
    errors: list[FieldError] = []
    head: dict[str, Any] = {}
    for name in ("observation_id", "informant"):
        value = envelope.get(name)
        if not isinstance(value, str) or not value.strip():
            errors.append(FieldError(name, "is required: a non-empty string", "必填：非空字符串"))
        head[name] = value
    kind = envelope.get("kind")
    if kind not in v.SUBJECTS:
        errors.append(FieldError("kind", f"unknown kind {kind!r}; expected one of: {', '.join(v.OBSERVATION_KINDS)}",
                                 f"未知的观察类型 {kind!r}"))
    head["kind"] = kind
    head["observed_at"], problems = _observed_at(envelope.get("observed_at"), now)
    if not isinstance(envelope.get("data", {}), dict):
        errors.append(FieldError("data", "must be an object", "必须是对象"))
    return head, errors + problems


def _references(kind: str, envelope: dict[str, Any], data: dict[str, Any], registry: Registry) -> tuple[list, int]:
    """Household and resident references must name known subjects that belong together."""
    subject = v.SUBJECTS[kind]
    household, resident = envelope.get("household"), envelope.get("resident")
    if subject == "none":
        return ([FieldError("household", "must be absent for clock.tick", "clock.tick 不应指定户")] if household else []), 422
    if not isinstance(household, str) or not household.strip():
        return [FieldError("household", "is required for this kind", "此类型必须指定户编号")], 422
    if kind == "household.registered":
        if registry.household_exists(household):
            return [FieldError("household", f"household {household} is already registered", f"户 {household} 已登记")], 409
        return [], 422
    if not registry.household_exists(household):
        return [FieldError("household", f"unknown household {household}", f"未知的户编号 {household}")], 404
    return _resident_reference(kind, subject, household, resident, data, registry)


def _resident_reference(
    kind: str, subject: str, household: str, resident: Any, data: dict[str, Any], registry: Registry
) -> tuple[list, int]:
    if kind == "resident.joined":
        if not isinstance(resident, str) or not resident.strip():
            return [FieldError("resident", "is required for this kind", "此类型必须指定居民编号")], 422
        if registry.resident_household(resident) is not None:
            return [FieldError("resident", f"resident id {resident} is already registered", f"居民编号 {resident} 已被登记")], 409
        return [], 422
    errors = []
    if subject == "resident" and not resident:
        return [FieldError("resident", "is required for this kind", "此类型必须指定居民编号")], 422
    for field, rid in (("resident", resident), ("data.resident", data.get("resident"))):
        if rid is None:
            continue
        belongs = registry.resident_household(rid) if isinstance(rid, str) else None
        if belongs is None:
            return [FieldError(field, f"unknown resident {rid}", f"未知的居民编号 {rid}")], 404
        if belongs != household:
            errors.append(FieldError(field, f"resident {rid} is not a member of household {household}",
                                     f"居民 {rid} 不是户 {household} 的成员"))
    return errors, 422


def _programme_level(kind: str, data: dict[str, Any], resident: Any) -> list[FieldError]:
    programme = data.get("programme")
    if not kind.startswith("coverage.") or programme is None:
        return []
    if programme in v.RESIDENT_LEVEL_PROGRAMMES and not resident:
        return [FieldError("resident", f"{programme} is a per-person programme: name the resident",
                           f"{programme} 是个人项目：必须指定居民")]
    if programme in v.HOUSEHOLD_LEVEL_PROGRAMMES and resident:
        return [FieldError("resident", f"{programme} is a household programme: omit the resident",
                           f"{programme} 是家庭项目：不应指定居民")]
    return []


def parse_observation(envelope: Any, registry: Registry, *, now: datetime) -> Observation:
    """Validate one envelope; raise InvalidObservation listing every problem found."""
    if not isinstance(envelope, dict):
        raise InvalidObservation([FieldError("", "an observation must be a JSON object", "观察记录必须是 JSON 对象")])
    head, errors = _envelope(envelope, now)
    if errors or head["observed_at"] is None:
        raise InvalidObservation(errors)
    kind, observed = head["kind"], head["observed_at"].date()
    raw = envelope.get("data") or {}
    data, errors = _fields(raw, DATA_SPECS[kind], observed, "data.")
    status = 422
    if kind == "household.registered":
        data["members"], member_errors, status = _members(raw.get("members"), observed, registry)
        errors += member_errors
    if kind == "resident.joined":
        errors += _id_number(data, "data.")
    reference_errors, reference_status = _references(kind, envelope, data, registry)
    errors += reference_errors + _programme_level(kind, data, envelope.get("resident"))
    if errors:
        raise InvalidObservation(errors, reference_status if reference_errors else status if status != 422 else 422)
    return Observation(
        observation_id=head["observation_id"].strip(),
        informant=head["informant"].strip(),
        observed_at=head["observed_at"],
        kind=kind,
        household=envelope.get("household") if v.SUBJECTS[kind] != "none" else None,
        resident=envelope.get("resident") or None,
        data=data,
    )
