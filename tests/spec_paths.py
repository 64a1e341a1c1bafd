"""Where the specification files are: `../shared/` beside the repository, else the copies in tests/spec/."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_SHARED = ROOT.parent / "shared"
SPEC = _SHARED if (_SHARED / "RULES.md").exists() else ROOT / "tests" / "spec"
RULES_MD = SPEC / "RULES.md"
EXAMPLE_SCENARIOS = SPEC / "scenarios"
OWN_SCENARIOS = ROOT / "tests" / "scenarios"
ALL_SCENARIOS = sorted(EXAMPLE_SCENARIOS.glob("*.yaml")) + sorted(OWN_SCENARIOS.glob("*.yaml"))
