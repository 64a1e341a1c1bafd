"""Each observation of a household, judged twice: where it stood at the chosen moment, and now.

The auditor's point is the difference: a report not recorded yet then, one already corrected or
withdrawn then, one in force then but corrected since. Also the observation's data in words.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from api.pages.explain import shown
from api.pages.i18n import field_name, field_value, text
from domain import labels
from domain.households.state import observed_on
from domain.instants import instant

NOT_RECORDED, WITHDRAWN, NOT_HAPPENED, IN_FORCE = "not_recorded_yet", "withdrawn_then", "not_happened_yet", "in_force_then"


def standing_then(entry: dict[str, Any], then: dict[str, Any] | None, known_at: datetime, as_of: date) -> str:
    """Where a timeline entry (as `projections.household_queries.timeline` gives it) stood for the rebuilt household."""
    if then is None or datetime.fromisoformat(entry["recorded_at"]) > known_at:
        return NOT_RECORDED
    if entry["observation_id"] in then.get("withdrawn_by_then", {}):
        return WITHDRAWN
    if observed_on(entry) > as_of:
        return NOT_HAPPENED
    return IN_FORCE


def standing_now(entry: dict[str, Any], lang: str) -> str:
    """In force, corrected (by which observation) or retracted (by whom, why), in words."""
    if entry.get("status") == "corrected":
        return text("now_corrected_by", lang, by=entry.get("corrected_by"))
    if entry.get("status") == "retracted":
        retracted = entry.get("retracted") or {}
        return text("now_retracted", lang, by=retracted.get("by", "?"), reason=retracted.get("reason", ""))
    return text("now_in_force", lang)


def observations(timeline: list[dict[str, Any]], history: list[dict[str, Any]], then: dict[str, Any] | None,
                 known_at: datetime, as_of: date, lang: str) -> list[dict[str, Any]]:
    """The household's observations, oldest happened first, each with its standing then and now and its
    data (from the history's entries, masked as the reader's role needs)."""
    data = {e["observation"]["observation_id"]: e["observation"].get("data") for e in history if "observation" in e}
    rows = [{**entry, "then": standing_then(entry, then, known_at, as_of), "now": standing_now(entry, lang),
             "data": data_words(data.get(entry["observation_id"]), lang, entry.get("kind"))} for entry in timeline]
    return sorted(rows, key=lambda r: (instant(r["observed_at"]), r["recorded_at"]))


def data_words(data: Any, lang: str, kind: str | None = None) -> str:
    """An observation's data as "name：value" pairs, each field named and each value read as `kind` means it
    (members counted, not listed; a parent's status and date in words)."""
    if not isinstance(data, dict):
        return ""
    colon, semicolon = ("：", "；") if lang == "zh" else (": ", "; ")
    return semicolon.join(_field_words(kind, key, value, lang, colon) for key, value in data.items())


def _field_words(kind: str | None, path: str, value: Any, lang: str, colon: str) -> str:
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return f"{field_name(kind, path, lang)}{colon}{len(value)}"
    if isinstance(value, dict):
        inner = ("，" if lang == "zh" else ", ").join(
            _field_words(kind, f"{path}.{key}", item, lang, colon) for key, item in value.items())
        return f"{field_name(kind, path, lang)}（{inner}）" if lang == "zh" else f"{field_name(kind, path, lang)} ({inner})"
    if isinstance(value, str) and labels.field_value(kind, path, value) is not None:
        return f"{field_name(kind, path, lang)}{colon}{field_value(kind, path, value, lang)}"
    return f"{field_name(kind, path, lang)}{colon}{shown(value, lang)}"
