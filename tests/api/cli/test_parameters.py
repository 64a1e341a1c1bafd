"""`qianshao parameters set` refuses what the API refuses: a clear message, exit 2, nothing stored."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from domain.policy.parameters import ParameterTable
from api.cli.main import app
from infra.event_store import open_households
from domain.policy.policy_service import PolicyService
from infra.settings import Settings

STANDARD = "dibao.standard_monthly.urban"


def set_value(data: Path, name: str, value: str, since: str = "2025-07-01", region: str = "500103") -> tuple[int, str]:
    result = CliRunner().invoke(app, ["parameters", "set", "--region", region, "--from", since, "--by", "admin-1",
                                      "--data", str(data), "--", name, value])
    return result.exit_code, "".join(result.output.replace("│", "").split())  # rich wraps and boxes long lines


def standard_in_force(data: Path) -> object:
    table = PolicyService(open_households(Settings.from_env(data_dir=data)), ParameterTable()).table()
    found = table.lookup(STANDARD, "500103001001", date(2025, 8, 1))
    return found.value if found else None


@pytest.mark.parametrize(
    ("name", "value", "since", "said"),
    [
        (STANDARD, '""', "2025-07-01", 'value:dibao.standard_monthly.urban必须是不小于0且不大于10000000的金额（元）（收到""）'),
        (STANDARD, "null", "2025-07-01", "amountofmoney(CNY)≥0"),
        (STANDARD, "-1", "2025-07-01", "(got-1)"),
        (STANDARD, "true", "2025-07-01", "(gottrue)"),
        (STANDARD, "NaN", "2025-07-01", "(gotNaN)"),
        ("dibao.review_months.stable", "1.5", "2025-07-01", "wholenumberofmonths"),
        ("no.such", "1", "2025-07-01", "name:未知参数"),
        (STANDARD, "900", "0", "from:日期必须写成YYYY-MM-DD"),
        (STANDARD, "900", "20250701", "from:"),
        (STANDARD, "900", "2025-02-30", "notarealcalendardate"),
    ],
)
def test_a_bad_value_name_or_date_is_refused_and_nothing_stored(tmp_path: Path, name: str, value: str, since: str,
                                                                 said: str) -> None:
    code, output = set_value(tmp_path, name, value, since)
    assert code == 2
    assert said in output and "未保存/nothingwasstored" in output
    assert standard_in_force(tmp_path) == 770


@pytest.mark.parametrize(("region", "said"), [
    ("500103000", "region:'500103000'不是有效的行政区划代码：其中乡镇/街道级部分为000"),
    ("500103100000", "'500103100000'isnotaregioncode:itscommunityorvillagepartis000"),
    ("5001031", "ithas7digits"),
])
def test_a_region_that_is_no_code_is_refused_and_nothing_stored(tmp_path: Path, region: str, said: str) -> None:
    code, output = set_value(tmp_path, STANDARD, "900", region=region)
    assert code == 2 and said in output and "未保存/nothingwasstored" in output
    assert standard_in_force(tmp_path) == 770


def test_a_towns_value_is_stored_for_that_town_alone(tmp_path: Path) -> None:
    assert set_value(tmp_path, STANDARD, "900", region="500103100")[0] == 0
    table = PolicyService(open_households(Settings.from_env(data_dir=tmp_path)), ParameterTable()).table()
    assert table.lookup(STANDARD, "500103100001", date(2025, 8, 1)).value == 900
    assert table.lookup(STANDARD, "500103101001", date(2025, 8, 1)).value == 770


def test_parameters_show_refuses_a_region_that_is_no_code(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["parameters", "show", "--region", "5001031", "--data", str(tmp_path)])
    output = "".join(result.output.replace("│", "").split())
    assert result.exit_code == 2 and "'5001031'isnotaregioncode:ithas7digits" in output


def test_text_that_is_not_json_is_a_usage_error(tmp_path: Path) -> None:
    code, output = set_value(tmp_path, STANDARD, "abc")
    assert code == 2 and "mustbeJSON" in output
    assert standard_in_force(tmp_path) == 770


def test_a_good_value_is_stored(tmp_path: Path) -> None:
    code, output = set_value(tmp_path, STANDARD, "900")
    assert code == 0 and "dibao.standard_monthly.urban=900for500103from2025-07-01" in output
    assert standard_in_force(tmp_path) == 900
