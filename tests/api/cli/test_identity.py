"""`qianshao users …` and `qianshao jurisdictions …`: the token on the last line, clear refusals, exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from domain.identity.access import Principal
from api.cli.main import app
from infra.event_store import open_identity
from domain.identity.application import IdentityApp
from infra.settings import Settings

ROOT = Path(__file__).resolve().parents[3]
GRID = "500103001001-03"
PLACES = [("50", "重庆市"), ("5001", "市辖区"), ("500103", "渝中区"), ("500103001", "解放碑街道"),
          ("500103001001", "解放碑街道第1社区")]


def qianshao(*args: str, data: Path) -> subprocess.CompletedProcess[str]:
    """The real command in its own process, as an administrator's script runs it."""
    return subprocess.run([sys.executable, "-m", "api.cli", *args, "--data", str(data)], cwd=ROOT, text=True,
                          capture_output=True, timeout=120, stdin=subprocess.DEVNULL)


def invoke(*args: str, data: Path, input: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(app, [*args, "--data", str(data)], input=input)
    return result.exit_code, result.output


def identity(data: Path) -> IdentityApp:
    return open_identity(Settings(data_dir=data))


@pytest.fixture()
def data(tmp_path: Path) -> Path:
    identity(tmp_path).add_missing_jurisdictions(PLACES)
    return tmp_path


def test_users_add_prints_the_token_last_and_it_authenticates(data: Path) -> None:
    added = qianshao("jurisdictions", "add", GRID, "第3网格", "--parent", "500103001001", data=data)
    assert added.returncode == 0, added.stderr
    result = qianshao("users", "add", "wang.fang", "--role", "informant", "--jurisdiction", GRID, data=data)
    assert result.returncode == 0, result.stderr
    token = result.stdout.splitlines()[-1]
    assert token.startswith("qs_") and " " not in token
    assert identity(data).authenticate(token) == Principal("wang.fang", "informant", GRID)
    listed = qianshao("users", "list", data=data)
    assert "wang.fang" in listed.stdout and "informant" in listed.stdout and token[3:15] not in listed.stdout
    revoked = qianshao("users", "revoke", "wang.fang", data=data)
    assert revoked.returncode == 0 and identity(data).authenticate(token) is None


def test_users_add_with_a_password_lets_the_user_log_in(data: Path) -> None:
    code, output = invoke("users", "add", "li.lei", "--role", "caseworker", "--jurisdiction", "500103",
                          "--password", "correct horse", data=data)
    assert code == 0 and output.splitlines()[-1].startswith("qs_")
    session = identity(data).login("li.lei", "correct horse", "127.0.0.1")
    assert identity(data).authenticate(session) == Principal("li.lei", "caseworker", "500103")


def test_users_passwd_prompts_or_takes_the_password(data: Path) -> None:
    invoke("users", "add", "li.lei", "--role", "caseworker", "--jurisdiction", "500103", data=data)
    code, output = invoke("users", "passwd", "li.lei", data=data, input="battery staple\nbattery staple\n")
    assert code == 0 and "password set for li.lei" in output
    assert identity(data).login("li.lei", "battery staple", "127.0.0.1")
    code, _ = invoke("users", "passwd", "li.lei", "--password", "staple battery", data=data)
    assert code == 0 and identity(data).login("li.lei", "staple battery", "127.0.0.1")


@pytest.mark.parametrize(("args", "said"), [
    (["users", "add", "wang.fang", "--role", "informant", "--jurisdiction", "500103"],
     "the jurisdiction of a user with role informant must be a grid code"),
    (["users", "add", "wang.fang", "--role", "informant", "--jurisdiction", "500103001001-09"],
     "500103001001-09 不在辖区树中 / jurisdiction 500103001001-09 is not in the jurisdiction tree"),
    (["users", "add", "wang.fang", "--role", "chief", "--jurisdiction", "500103"], "unknown role 'chief'"),
    (["users", "add", "x", "--role", "admin", "--jurisdiction", "0"], "user name 'x' must be 2 to 64"),
    (["users", "add", "ops", "--role", "admin", "--jurisdiction", "0", "--password", "short"],
     "密码须为 8 至 256 个字符"),
    (["users", "revoke", "nobody"], "没有用户 nobody / no user nobody"),
    (["users", "passwd", "nobody", "--password", "battery staple"], "no user nobody"),
    (["jurisdictions", "add", "500103002001", "某社区"], "parent 500103002 is not in the jurisdiction tree"),
    (["jurisdictions", "add", "500103001001-01", "某网格", "--parent", "500103001"],
     "must be under a community or village"),
    (["jurisdictions", "add", "500103", "重复"], "500103 already exists"),
    (["jurisdictions", "add", "5001031", "七位"], "is not a region code of 2, 4, 6, 9 or 12 digits"),
    (["jurisdictions", "add", "500103001000", "零村", "--parent", "500103001"],
     "'500103001000' is not a region code: its community or village part is 000"),
    (["jurisdictions", "add", "500103000", "零镇", "--parent", "500103"], "its town or street part is 000"),
    (["jurisdictions", "add", "500000", "重庆"], "code 500000 abbreviates the province 50; the tree names it 50"),
    (["users", "add", "li.lei", "--role", "caseworker", "--jurisdiction", "500103000"],
     "不是有效的行政区划代码：其中乡镇/街道级部分为 000"),
])
def test_bad_input_is_refused_clearly_with_exit_2_and_nothing_stored(data: Path, args: list[str], said: str) -> None:
    code, output = invoke(*args, data=data)
    assert code == 2 and said in output and "未保存 / nothing was stored" in output
    assert identity(data).users() == [] and len(identity(data).jurisdictions()) == len(PLACES)


def test_a_refused_user_add_prints_no_token(data: Path) -> None:
    result = qianshao("users", "add", "wang.fang", "--role", "informant", "--jurisdiction", "500103", data=data)
    assert result.returncode == 2 and "qs_" not in result.stdout + result.stderr
    assert "role informant must be a grid code" in result.stderr


def test_jurisdictions_list_shows_the_tree_with_levels(data: Path) -> None:
    code, output = invoke("jurisdictions", "add", "500103001002", "解放碑街道第2社区", data=data)
    assert code == 0 and "community 社区/村 500103001002 解放碑街道第2社区 under 500103001" in output
    code, output = invoke("jurisdictions", "list", data=data)
    assert code == 0 and output.index("重庆市") < output.index("解放碑街道第1社区") < output.index("第2社区")
    assert "district 区县" in output
    code, output = invoke("jurisdictions", "list", "--json", data=data)
    assert code == 0 and '"code": "50", "name": "重庆市", "level": "province"' in output
