"""Age bands of the equity report: counted today, or at death for the deceased, and never failing
on a birth recorded after the report's date."""

from __future__ import annotations

from datetime import date

from domain.households.state import ResidentState
from projections.equity import age_band

TODAY = date(2025, 8, 6)


def person(born: date, died: date | None = None) -> ResidentState:
    return ResidentState("R", "某", "F", born, "head", born, died_on=died)


def test_age_bands_count_at_death_and_never_fail_on_a_birth_after_today() -> None:
    assert age_band(person(date(1945, 8, 7)), TODAY) == "60-79"  # 80 tomorrow
    assert age_band(person(date(1945, 8, 6)), TODAY) == "80+"
    assert age_band(person(date(1940, 1, 1), died=date(2019, 12, 31)), TODAY) == "60-79"  # 79 when they died
    assert age_band(person(date(2025, 9, 1)), TODAY) == "0-17"
    assert age_band(person(date(2007, 8, 6)), TODAY) == "18-59"
