"""Why a lead refused an action, in Chinese and English; adapters translate `status` (403/404/409/422)."""

from __future__ import annotations


class LeadRefused(ValueError):
    """An action on a lead that cannot be taken: unknown lead, out of reach, or not from its state."""

    def __init__(self, message: str, message_zh: str, status: int = 409, field: str = "lead") -> None:
        super().__init__(message)
        self.message = message
        self.message_zh = message_zh
        self.status = status
        self.field = field


STATE_ZH = {"raised": "待派发", "dispatched": "已派发网格员", "found": "已找到并登记", "dismissed": "已撤销"}
ACTION_ZH = {"dispatch": "派发给网格员", "dismiss": "撤销", "find": "记为已找到"}


class InvalidLeadTransition(LeadRefused):
    """The action is not allowed from the lead's current state (409)."""

    def __init__(self, state: str, action: str) -> None:
        self.state, self.action = state, action
        super().__init__(f"{action} is not allowed for a lead in state {state}",
                         f"线索当前状态为「{STATE_ZH.get(state, state)}」，不能{ACTION_ZH.get(action, action)}")


def unknown_lead(lead_id: str) -> LeadRefused:
    """The 404 of an unknown lead and of one outside the jurisdiction alike (nothing is revealed)."""
    return LeadRefused(f"no lead with id {lead_id} in your jurisdiction", f"您的辖区内没有线索 {lead_id}", 404)
