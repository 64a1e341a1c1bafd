"""Parameters are found by longest region prefix, then the latest effective date."""

from datetime import date

from domain.policy.parameters import ParameterTable, ParameterValue
from domain.region_codes import region_scope

TOWN_100, TOWN_101 = "500103100", "500103101"
DIBAO = "dibao.standard_monthly.urban"


def test_only_a_six_digit_code_abbreviates() -> None:
    assert region_scope("500000") == "50"
    assert region_scope("510500") == "5105"
    assert region_scope("500103004001") == "500103004001"
    assert region_scope(TOWN_100) == TOWN_100


def test_a_towns_value_stays_in_that_town() -> None:
    """The leak of issue 14: a value for town 100 was keyed `5001031` and found for towns 100–199."""
    table = ParameterTable().with_values([ParameterValue(DIBAO, region_scope(TOWN_100), date(2026, 1, 1), 900)])
    assert table.lookup(DIBAO, "500103100001", date(2026, 2, 1)).value == 900
    assert table.lookup(DIBAO, TOWN_100, date(2026, 2, 1)).region == TOWN_100
    neighbour = table.lookup(DIBAO, "500103101001", date(2026, 2, 1))
    assert neighbour is not None and neighbour.value == 770 and neighbour.region == "50"  # Chongqing's, not town 100's


def test_a_village_numbered_100_is_its_own_place() -> None:
    village = "500103001100"
    table = ParameterTable().with_values([ParameterValue(DIBAO, village, date(2026, 1, 1), 910)])
    assert table.lookup(DIBAO, village, date(2026, 2, 1)).value == 910
    assert table.lookup(DIBAO, "500103001101", date(2026, 2, 1)).value == 770
    assert table.lookup(DIBAO, "500103001001", date(2026, 2, 1)).value == 770


def test_a_cities_value_reaches_its_counties_only() -> None:
    table = ParameterTable()
    assert table.lookup(DIBAO, "510502001004", date(2025, 1, 1)).region == "5105"
    assert table.lookup(DIBAO, "510602001004", date(2025, 1, 1)) is None  # another city of province 51


def test_a_household_region_that_is_no_code_gets_national_values_only() -> None:
    """Registered before codes were read by level: no regional value is guessed for it, defaults still apply."""
    table = ParameterTable()
    assert table.lookup(DIBAO, "5001031", date(2026, 1, 1)) is None
    assert table.lookup("edge.multiplier", "5001031", date(2026, 1, 1)).value == 1.5
    assert table.lookup("edge.multiplier", "", date(2026, 1, 1)).value == 1.5


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
