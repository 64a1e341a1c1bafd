"""Every kind of history event, chain break, response-time stage and back-test outcome the auditor's
pages show has its Chinese, and the page words of both languages fill their placeholders."""

from __future__ import annotations

from api.pages.i18n import TERMS, text
from api.pages.then_and_now import IN_FORCE, NOT_HAPPENED, NOT_RECORDED, WITHDRAWN
from domain.event_kinds import EVENT_KINDS
from projections.response_times import GROUPINGS, STAGES
from rules.backtest_comparison import OUTCOME_LABELS, OUTCOMES


def test_every_history_event_type_has_its_words() -> None:
    kinds = {k.kind for k in EVENT_KINDS}
    assert kinds - set(TERMS) == set()


def test_breaks_stages_groupings_and_outcomes_have_words() -> None:
    assert {"edited", "deleted", "inserted", "households", "alerts", "identity", "audit"} <= set(TERMS)
    assert set(STAGES) <= set(TERMS)
    assert {g for g in GROUPINGS if g != "rule"} <= set(TERMS)
    assert set(OUTCOMES) <= set(OUTCOME_LABELS)


def test_standings_and_placeholders() -> None:
    assert [text(s, "zh") for s in (IN_FORCE, NOT_RECORDED, WITHDRAWN, NOT_HAPPENED)] == [
        "当时有效", "尚未录入", "当时已被更正或撤回", "尚未发生"]
    assert text("now_corrected_by", "zh", by="H-2b") == "已被 H-2b 更正"
    assert text("then_title", "en", on="2025-08-04", at="x") == "The household on 2025-08-04, as known at x"
