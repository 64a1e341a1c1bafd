"""Why an alert or its household's alert book refused an action, in Chinese and English.

The aggregates raise these so that the rule of the workflow lives in the domain;
adapters only translate them (the HTTP API: 409 for a refused transition or a
taken slot, 422 for a value outside its vocabulary).
"""

from __future__ import annotations

from typing import Iterable

from domain.labels import meaning_label


class AlertError(ValueError):
    """An action an alert (or its book) refuses; `message_zh` is what a caseworker reads first."""

    def __init__(self, message: str, message_zh: str) -> None:
        super().__init__(message)
        self.message = message
        self.message_zh = message_zh



def _zh(meaning: str, value: str) -> str:
    """A workflow state or action in the words of the pages (domain.labels), for the messages caseworkers read."""
    pair = meaning_label(meaning, value)
    return value if pair is None else pair[0]


def field_meaning(field: str) -> str:
    """Which table an alert action's field takes its words from (`outcome`: the resolution's outcomes)."""
    return {"outcome": "resolution"}.get(field, field)


class InvalidTransition(AlertError):
    """The action is not allowed from the alert's current workflow state (`why`: a guard beyond the table)."""

    def __init__(self, state: str, action: str, why: str = "", why_zh: str = "") -> None:
        self.state = state
        self.action = action
        super().__init__(
            f"{action} is not allowed for an alert in state {state}{': ' + why if why else ''}",
            f"预警当前状态为「{_zh('alert_state', state)}」，不能{_zh('action', action)}"
            f"{'：' + why_zh if why_zh else ''}",
        )


class InvalidValue(AlertError):
    """A value the action needs is missing or outside its vocabulary (e.g. an unknown outcome)."""

    def __init__(self, field: str, message: str, message_zh: str) -> None:
        self.field = field
        super().__init__(message, message_zh)

    @classmethod
    def not_one_of(cls, field: str, value: object, allowed: Iterable[str], meaning: str = "") -> "InvalidValue":
        """`meaning`: the table of domain.labels naming the allowed values (by default the field's own)."""
        allowed = tuple(allowed)
        choices = ", ".join(allowed)
        words = "、".join(_zh(meaning or field_meaning(field), choice) for choice in allowed)
        return cls(field, f"{field} must be one of {choices} (got {value!r})",
                   f"{_zh('alert_field', field)}必须是以下之一：{words}")


class SlotTaken(AlertError):
    """Reopening would give one (rule, subject) slot two alerts, or revive a superseded episode."""

    def __init__(self, slot: str, message: str, message_zh: str) -> None:
        self.slot = slot
        super().__init__(message, message_zh)


class AlertActionError(ValueError):
    """An action that cannot be applied, with an HTTP-like status, a reason and the field it concerns
    (404 unknown alert, 409 refused transition or taken slot, 422 a value outside its vocabulary)."""

    def __init__(self, status: int, message: str, message_zh: str, field: str = "alert") -> None:
        super().__init__(message)
        self.status = status
        self.message_zh = message_zh
        self.field = field

    @classmethod
    def from_domain(cls, error: AlertError) -> "AlertActionError":
        if isinstance(error, InvalidValue):
            return cls(422, error.message, error.message_zh, error.field)
        return cls(409, error.message, error.message_zh)
