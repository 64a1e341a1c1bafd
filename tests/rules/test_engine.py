"""The durable_rules wrapper: one-fact conditions, unknown is not false, reusable session."""

from rules.engine import RuleEngine
from rules.rule import Rule


def _rule(rule_id: str, subject: str, condition) -> Rule:  # type: ignore[no-untyped-def]
    return Rule(rule_id, 1, "TEST", subject, "low", "测试", "test", condition, reads=())


RULES = [
    _rule("BELOW", "household", lambda m: m.pc_income < m.std),
    _rule("OLD", "resident", lambda m: (m.age >= 80) | (m.capacity == "none")),
]


def test_matches_field_comparisons_and_alternatives() -> None:
    engine = RuleEngine(RULES)
    try:
        matches = engine.evaluate(
            [
                {"id": "h1", "subject": "household", "pc_income": 500, "std": 770},
                {"id": "h2", "subject": "household", "pc_income": 800, "std": 770},
                {"id": "r1", "subject": "resident", "age": 30, "capacity": "none"},
                {"id": "r2", "subject": "resident", "age": 81},
                {"id": "r3", "subject": "resident", "age": 40},
            ]
        )
    finally:
        engine.close()
    assert sorted((m.rule_id, m.fact_id) for m in matches) == [("BELOW", "h1"), ("OLD", "r1"), ("OLD", "r2")]


def test_an_unknown_fact_does_not_hold() -> None:
    engine = RuleEngine(RULES)
    try:
        assert engine.evaluate([{"id": "h1", "subject": "household", "std": 770}]) == []
    finally:
        engine.close()


def test_same_facts_again_give_the_same_matches() -> None:
    engine = RuleEngine(RULES)
    facts = [{"id": "h1", "subject": "household", "pc_income": 1, "std": 2}]
    try:
        first = engine.evaluate(facts)
        for _ in range(200):
            assert engine.evaluate(facts) == first
    finally:
        engine.close()
    assert len(first) == 1


def test_large_batches_lose_no_match_to_the_hosts_timer_threads() -> None:
    """durable_rules' own dispatcher threads once stole actions mid-batch; every match must arrive."""
    engine = RuleEngine(RULES)
    facts = [{"id": f"h{i}", "subject": "household", "pc_income": i % 7, "std": 3} for i in range(1500)]
    expected = sum(1 for f in facts if f["pc_income"] < 3)
    try:
        counts = [len(engine.evaluate(facts)) for _ in range(15)]
    finally:
        engine.close()
    assert counts == [expected] * 15


def test_only_fields_the_rules_read_are_sent() -> None:
    engine = RuleEngine(RULES)
    try:
        assert engine.fields == {"id", "subject", "pc_income", "std", "age", "capacity"}
    finally:
        engine.close()
