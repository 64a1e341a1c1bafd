"""The envelope: `parse_observation` checks an envelope's own fields, its subject, its data, its
references and its chronology, and names every problem at once (or returns the `Observation`)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from domain import vocabulary as v
from domain.households import intake_limits as limits
from domain.households.observations.checks import absent, check_fields, identifier, one_of
from domain.households.observations.chronology import chronology_problems
from domain.households.observations.dates import EARLIEST
from domain.households.observations.kinds import DATA_AFTER, DATA_FIELDS, SUBJECT_RULES
from domain.households.observations.problems import (FieldError, InvalidObservation, Problem, Bad, json_type, show,
                                                     summary_status, under)
from domain.households.observations.references import Registry, registry_problems
from domain.households.observations.shapes import Check, Shape, Spec, shaped
from domain.instants import china_date
from domain.labels import OBSERVATION_KINDS, PROGRAMME_NAMES

FUTURE_SKEW = timedelta(minutes=5)  # clocks of phones and gateways drift


@dataclass(frozen=True)
class Observation:
    """A validated observation with normalised, JSON-native `data`, ready to be recorded."""

    observation_id: str
    informant: str
    observed_at: datetime
    kind: str
    household: str | None
    resident: str | None
    data: dict[str, Any]
    source: str | None = None  # the department whose data it came from (an import); None: a person's report

    def to_json(self) -> dict[str, Any]:
        """The envelope as JSON-native values (shares `data`, which is already JSON-native)."""
        return {
            "observation_id": self.observation_id,
            "informant": self.informant,
            "observed_at": self.observed_at.isoformat(),
            "kind": self.kind,
            "household": self.household,
            "resident": self.resident,
            "data": self.data,
            **({"source": self.source} if self.source is not None else {}),
        }



def _kind(value: Any, _: date) -> str:
    if isinstance(value, str) and value in v.SUBJECTS:
        return value
    close = difflib.get_close_matches(value, v.OBSERVATION_KINDS, n=1) \
        if isinstance(value, str) and len(value) <= limits.MAX_ID else []  # a huge string is no typo
    hint, hint_zh = (f" (did you mean {close[0]}?)", f"（是否为 {close[0]}？）") if close else ("", "")
    raise Bad(
        f"unknown kind {show(value)}{hint}; expected one of: {', '.join(v.OBSERVATION_KINDS)}",
        f"未知的观察类型 {show(value)}{hint_zh}；可用类型：{', '.join(v.OBSERVATION_KINDS)}",
    )


shaped(_kind, Shape("string", enum=v.OBSERVATION_KINDS))
OBSERVED_AT = Shape("string", format="date-time", note=(
    f"ISO 8601 with a UTC offset, e.g. 2026-03-01T09:30:00+08:00; any offset is accepted, and the "
    f"observation's date is its date in China Standard Time (2026-02-28T20:00:00Z is 2026-03-01); from "
    f"{EARLIEST} to {FUTURE_SKEW.seconds // 60} minutes after the server's clock; not before the "
    f"household's registration"))


def _observed_at(now: datetime) -> Check:
    """ISO-8601 with a UTC offset, not before 1900, not more than a few minutes ahead of `now`."""

    def check(value: Any, _: date) -> datetime:
        example = "e.g. 2026-03-01T09:30:00+08:00"
        if not isinstance(value, str):
            raise Bad(f"must be an ISO-8601 date and time with a UTC offset, {example}", "必须是带时区的 ISO-8601 时间，例如 2026-03-01T09:30:00+08:00")
        try:
            at = datetime.fromisoformat(value)
        except ValueError as error:
            raise Bad(f"is not an ISO-8601 date and time ({show(value)}); {example}",
                       f"不是有效的 ISO-8601 时间（{show(value)}），例如 2026-03-01T09:30:00+08:00") from error
        if at.utcoffset() is None:
            raise Bad(f"has no UTC offset; add one, {example}", "缺少时区；请加上，例如 +08:00")
        if at.date() < EARLIEST:
            raise Bad(f"must not be before {EARLIEST}", f"不能早于 {EARLIEST}")
        if at > now + FUTURE_SKEW:
            raise Bad(f"is in the future (server time is {now.isoformat(timespec='seconds')})",
                       f"观察时间在未来（服务器时间 {now.isoformat(timespec='seconds')}）")
        return at

    return shaped(check, OBSERVED_AT)


_HEAD = (Spec("observation_id", identifier), Spec("informant", identifier), Spec("kind", _kind))
_SOURCE = Spec("source", one_of(v.DEPARTMENTS), required=False)  # built once: its refusal text is looked up


def envelope_specs(now: datetime) -> tuple[Spec, ...]:
    """The envelope's own fields (`household`, `resident` and `data` depend on the kind: SUBJECT_RULES);
    only the `observed_at` check depends on `now`."""
    return (*_HEAD, Spec("observed_at", _observed_at(now)), _SOURCE)


def _kind_zh(kind: str) -> str:
    """An observation kind as the informant's form calls it (domain.labels)."""
    return OBSERVATION_KINDS.get(kind, (kind, kind))[0]


def _subject_id(name: str, raw: Any, rule: str, kind: str) -> tuple[str | None, list[Problem]]:
    """The envelope's `household` or `resident`, as the kind's subject wants it."""
    given = not absent(raw, required=False)
    if rule == "absent":
        if not given:
            return None, []
        why, why_zh = ("clock.tick is about no household", "时钟推进不涉及任何户") if kind == "clock.tick" else (
            f"{kind} is about the whole household", f"「{_kind_zh(kind)}」针对整户")
        return None, [Problem(name, f"must be absent: {why}", f"不应填写：{why_zh}")]
    if not given:
        return None, [Problem(name, f"is required for {kind}", f"上报「{_kind_zh(kind)}」必须填写此项")] if rule == "required" else []
    try:
        return identifier(raw), []
    except Bad as bad:
        return None, under(name, bad.problems)


def _data(kind: str | None, raw: Any, observed: date) -> tuple[dict[str, Any], list[Problem]]:
    if raw is None:
        return {}, [Problem("data", "is required: an object with the observation's fields", "必填：包含观察字段的对象")]
    if not isinstance(raw, dict):
        return {}, [Problem("data", f"must be an object, not {json_type(raw)}", "必须是对象")]
    if kind is None:
        return {}, []
    data, problems = check_fields(raw, DATA_FIELDS[kind], observed)
    if kind in DATA_AFTER:
        problems += DATA_AFTER[kind](data)
    return data, under("data", problems)




def _programme_level(kind: str, data: dict[str, Any], resident_given: bool) -> list[Problem]:
    """A per-person programme names its resident; a household programme names none (dibao: either)."""
    programme = data.get("programme")
    if programme is None or not kind.startswith(("coverage.", "application.")):
        return []
    zh, en = PROGRAMME_NAMES[programme]
    if programme in v.RESIDENT_LEVEL_PROGRAMMES and not resident_given:
        return [Problem("resident", f"is required: {programme} ({en}) is granted to one person",
                         f"必须填写：{zh}是个人项目")]
    if programme in v.HOUSEHOLD_LEVEL_PROGRAMMES and resident_given:
        return [Problem("resident", f"must be absent: {programme} ({en}) is granted to the whole household",
                         f"不应填写：{zh}是家庭项目")]
    return []




def parse_observation(envelope: Any, registry: Registry, *, now: datetime) -> Observation:
    """Validate one envelope; raise InvalidObservation listing EVERY problem found (not just the first).

    `now` should be timezone-aware; a naive `now` is taken as UTC.
    """
    if not isinstance(envelope, dict):
        raise InvalidObservation([FieldError("", f"an observation must be a JSON object, not {json_type(envelope)}",
                                             "观察记录必须是 JSON 对象")])
    now = now if now.utcoffset() is not None else now.replace(tzinfo=timezone.utc)
    head, problems = check_fields(envelope, envelope_specs(now), china_date(now))
    kind: str | None = head.get("kind")
    observed: date = china_date(head["observed_at"] if "observed_at" in head else now)
    household_rule, resident_rule = SUBJECT_RULES[v.SUBJECTS[kind]] if kind else ("optional", "optional")
    household, more = _subject_id("household", envelope.get("household"), household_rule, kind or "")
    problems += more
    resident, more = _subject_id("resident", envelope.get("resident"), resident_rule, kind or "")
    problems += more
    data, more = _data(kind, envelope.get("data"), observed)
    problems += more
    if kind is not None:
        resident_given = not absent(envelope.get("resident"), required=False)
        problems += _programme_level(kind, data, resident_given)
        if household is not None:
            references = registry_problems(kind, household, resident, envelope.get("data"), registry)
            problems += references
            if not any(p.path == "household" for p in references):
                problems += chronology_problems(kind, household, head.get("observed_at"), envelope.get("data"), registry)
    if problems:
        errors = [FieldError(p.path, p.message, p.message_zh) for p in problems]
        raise InvalidObservation(errors, summary_status(problems))
    assert kind is not None
    return Observation(head["observation_id"], head["informant"], head["observed_at"], kind, household, resident, data,
                       head.get("source"))
