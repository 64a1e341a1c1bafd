"""Every kind of event the system publishes or shows, with its Chinese and English name, in one table.

The Kafka integration events (`infra/kafka/integration_events.py`), the household history
(`projections/household_history.py`) and the pages (`api/pages/i18n.py`) all read it, so a kind is
spelt and named once. A stored event is matched by its class's qualified name (`Household.Registered`),
which keeps this table free of imports: the aggregates' modules may read the vocabulary without a circle.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class EventKind:
    """A published or shown kind (`household.registered`), its names, and the stored events of that kind."""

    kind: str
    zh: str
    en: str
    events: tuple[str, ...] = ()  # qualified names of the stored event classes ("" : no class of its own)


EVENT_KINDS: tuple[EventKind, ...] = (
    EventKind("household.registered", "登记家庭", "household registered", ("Household.Registered",)),
    EventKind("household.observed", "观察记录", "observation", ("Household.Observed",)),
    EventKind("household.corrected", "更正", "correction", ("Household.Corrected",)),
    EventKind("household.retracted", "撤回", "retraction", ("Household.Retracted",)),
    EventKind("clock.ticked", "时钟推进", "clock ticked", ("Clock.Ticked",)),
    EventKind("parameter.set", "设置政策参数", "parameter set", ("PolicyBook.ValueSet",)),
    EventKind("alert.raised", "发出预警", "alert raised", ("Alert.Raised",)),
    EventKind("alert.assigned", "分配", "assigned", ("Alert.Assigned",)),
    EventKind("alert.acknowledged", "签收", "acknowledged", ("Alert.Acknowledged",)),
    EventKind("alert.verification_requested", "派发入户核实", "visit requested", ("Alert.VerificationRequested",)),
    EventKind("alert.verification_recorded", "记录核实结果", "visit recorded", ("Alert.VerificationRecorded",)),
    EventKind("alert.resolved", "办结", "resolved", ("Alert.Resolved",)),
    EventKind("alert.cleared", "条件消失自动关闭", "cleared", ("Alert.Cleared",)),
    EventKind("alert.escalated", "上报主管", "escalated", ("Alert.Escalated",)),
    EventKind("alert.reopened", "重新打开", "reopened", ("Alert.Reopened",)),
    EventKind("rules.evaluation_failed", "规则判断出错", "rule failed", ("AlertBook.EvaluationFailed",)),
    EventKind("rules.evaluation_recovered", "规则恢复判断", "rule recovered", ("AlertBook.EvaluationRecovered",)),
    # One stored event (`Access.Recorded`), two kinds by its outcome: the history chooses.
    EventKind("access.recorded", "查阅个人信息", "personal data read"),
    EventKind("access.refused", "查阅被拒绝", "read refused"),
)

EVENT_NAMES: dict[str, tuple[str, str]] = {k.kind: (k.zh, k.en) for k in EVENT_KINDS}
_KIND_OF_CLASS: dict[str, str] = {name: k.kind for k in EVENT_KINDS for name in k.events}


def kind_of(event: Any) -> str | None:
    """The kind of a stored event (None: an internal event with no kind of its own)."""
    return _KIND_OF_CLASS.get(type(event).__qualname__)
