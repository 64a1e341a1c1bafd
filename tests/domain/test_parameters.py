"""Parameters are found by longest region prefix, then the latest effective date."""

from datetime import date

from domain.parameters import ParameterTable, ParameterValue, region_prefix


def test_zero_pairs_stand_for_their_prefix() -> None:
    assert region_prefix("500000") == "50"
    assert region_prefix("510500") == "5105"
    assert region_prefix("500103004001") == "500103004001"


def test_chongqing_standard_changes_on_1_july_2025() -> None:
    table = ParameterTable()
    before = table.lookup("dibao.standard_monthly.urban", "500103004001", date(2025, 6, 30))
    after = table.lookup("dibao.standard_monthly.urban", "500103004001", date(2025, 7, 1))
    assert before is not None and before.value == 750
    assert after is not None and after.value == 770 and after.region == "50"


def test_luzhou_rural_standard_and_unknown_before_it() -> None:
    table = ParameterTable()
    assert table.lookup("dibao.standard_monthly.rural", "510502001004", date(2025, 1, 1)).value == 580
    assert table.lookup("dibao.standard_monthly.rural", "510502001004", date(2024, 6, 30)) is None


def test_unconfigured_region_has_no_standard_but_national_defaults_apply() -> None:
    table = ParameterTable()
    assert table.lookup("dibao.standard_monthly.urban", "420503", date(2026, 1, 1)) is None
    assert table.lookup("edge.multiplier", "420503", date(2026, 1, 1)).value == 1.5


def test_longer_prefix_wins_over_shorter() -> None:
    table = ParameterTable().with_values(
        [ParameterValue("edge.multiplier", "500103", date(2020, 1, 1), 2.0, "admin")]
    )
    assert table.lookup("edge.multiplier", "500103001001", date(2026, 1, 1)).value == 2.0
    assert table.lookup("edge.multiplier", "500104001001", date(2026, 1, 1)).value == 1.5
