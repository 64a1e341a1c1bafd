"""Why an alert or its household's alert book refused an action, in Chinese and English.

The aggregates raise these so that the rule of the workflow lives in the domain;
adapters only translate them (the HTTP API: 409 for a refused transition or a
taken slot, 422 for a value outside its vocabulary).
"""

from __future__ import annotations

from typing import Iterable


class AlertError(ValueError):
    """An action an alert (or its book) refuses; `message_zh` is what a caseworker reads first."""

    def __init__(self, message: str, message_zh: str) -> None:
        super().__init__(message)
        self.message = message
        self.message_zh = message_zh


# Chinese names of the workflow states and actions, for the messages caseworkers read.
STATE_ZH = {
    "open": "待处理", "assigned": "已指派", "acknowledged": "已签收", "verification_requested": "待核实",
    "verified": "已核实", "closed": "已关闭",
}
ACTION_ZH = {
    "assign": "指派", "acknowledge": "签收", "request_verification": "派发核实任务",
    "record_verification": "记录核实走访", "resolve": "办结", "clear": "自动关闭", "escalate": "超时上报",
    "reopen": "重新打开",
}


class InvalidTransition(AlertError):
    """The action is not allowed from the alert's current workflow state (`why`: a guard beyond the table)."""

    def __init__(self, state: str, action: str, why: str = "", why_zh: str = "") -> None:
        self.state = state
        self.action = action
        super().__init__(
            f"{action} is not allowed for an alert in state {state}{': ' + why if why else ''}",
            f"预警当前状态为「{STATE_ZH.get(state, state)}」（{state}），不能{ACTION_ZH.get(action, action)}"
            f"（{action}）{'：' + why_zh if why_zh else ''}",
        )


class InvalidValue(AlertError):
    """A value the action needs is missing or outside its vocabulary (e.g. an unknown outcome)."""

    def __init__(self, field: str, message: str, message_zh: str) -> None:
        self.field = field
        super().__init__(message, message_zh)

    @classmethod
    def not_one_of(cls, field: str, value: object, allowed: Iterable[str]) -> "InvalidValue":
        choices = ", ".join(allowed)
        return cls(field, f"{field} must be one of {choices} (got {value!r})", f"{field} 必须是 {choices} 之一")


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
