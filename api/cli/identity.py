"""`qianshao users …` and `qianshao jurisdictions …`: administrators' identity commands.

`users add` prints the new user's API token as its last line of output, alone and unwrapped
(public contract: scripts take `tail -n 1`). Refused input prints the reason in Chinese and
English on stderr and exits 2, with nothing stored.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import NoReturn, Optional

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from domain.identity.access import ROLES
from domain.identity.jurisdiction import EVERYWHERE_CODE, LEVEL_NAMES_ZH, JurisdictionError
from domain.identity.user import UserError
from api.cli.demo.seed import DemoUser
from infra.event_store import open_identity
from domain.identity.application import IdentityApp
from infra.settings import Settings, default_data_dir

users_app = typer.Typer(help="Users, their roles, jurisdictions, API tokens and passwords 用户与权限", no_args_is_help=True)
jurisdictions_app = typer.Typer(help="The jurisdiction tree: province … community, grid 辖区树", no_args_is_help=True)
console = Console()
errors = Console(stderr=True)

DataOption = typer.Option(None, "--data", help="data directory (default: $QIANSHAO_DATA or ./var)")


def _identity(data: Optional[Path]) -> IdentityApp:
    return open_identity(Settings.from_env(data_dir=data or default_data_dir()))


def _refuse(error: UserError | JurisdictionError) -> NoReturn:
    errors.print(f"{error.message_zh} / {error.message}", style="red", markup=False, highlight=False, soft_wrap=True)
    errors.print("未保存 / nothing was stored", style="red", soft_wrap=True)
    raise typer.Exit(2) from error


def _ask_password() -> str:
    return str(typer.prompt("password 密码", hide_input=True, confirmation_prompt=True))


@users_app.command("add")
def users_add(
    name: str = typer.Argument(..., help="login name, e.g. wang.fang"),
    role: str = typer.Option(..., "--role", help=f"one of: {', '.join(ROLES)}"),
    jurisdiction: str = typer.Option(..., "--jurisdiction", help=(
        "informant: a grid (500103001001-03); caseworker, supervisor: a region (500103, 500103001 …); "
        f"auditor, admin, integration: {EVERYWHERE_CODE} (everywhere) or any node")),
    password: Optional[str] = typer.Option(None, "--password", help="a password for web login (at least 8 characters)"),
    ask_password: bool = typer.Option(False, "--ask-password", help="prompt for the password instead"),
    data: Optional[Path] = DataOption,
) -> None:
    """Add a user; the last line of output is their API token (shown once, stored only as a hash)."""
    if ask_password and password is None:
        password = _ask_password()
    try:
        token = _identity(data).add_user(name, role, jurisdiction, password)
    except (UserError, JurisdictionError) as error:
        _refuse(error)
    console.print(f"added {name}: {role} for {jurisdiction}{', with a password' if password else ''}; "
                  "API token (shown once) 已添加用户，API 令牌只显示这一次：", markup=False, highlight=False, soft_wrap=True)
    print(token, flush=True)


@users_app.command("list")
def users_list(data: Optional[Path] = DataOption) -> None:
    """Every user with role, jurisdiction and state (no secrets)."""
    identity = _identity(data)
    table = Table(title="Users 用户 (jurisdiction 0: everywhere 全部)")
    for column in ("name\n用户", "role\n角色", "jurisdiction\n辖区"):
        table.add_column(column, no_wrap=True)
    for column in ("password\n密码", "tokens\n令牌", "sessions\n会话"):
        table.add_column(column, min_width=5)
    for user in identity.users():
        name = Text(user.name) + (Text("\nrevoked 已停用", style="red") if user.revoked else Text(""))
        table.add_row(name, user.role, user.jurisdiction, "yes" if user.has_password else "no",
                      str(user.api_tokens), str(user.active_sessions))
    console.print(table)


@users_app.command("revoke")
def users_revoke(name: str = typer.Argument(...), data: Optional[Path] = DataOption) -> None:
    """Stop a user: their tokens, sessions and password stop working at once."""
    try:
        _identity(data).revoke(name)
    except UserError as error:
        _refuse(error)
    console.print(f"revoked {name} / 已停用", markup=False, highlight=False, soft_wrap=True)


@users_app.command("passwd")
def users_passwd(
    name: str = typer.Argument(...),
    password: Optional[str] = typer.Option(None, "--password", help="for scripts; without it you are prompted"),
    data: Optional[Path] = DataOption,
) -> None:
    """Set a user's password for web login."""
    try:
        _identity(data).set_password(name, password if password is not None else _ask_password())
    except UserError as error:
        _refuse(error)
    console.print(f"password set for {name} / 密码已设置", markup=False, highlight=False, soft_wrap=True)


@jurisdictions_app.command("add")
def jurisdictions_add(
    code: str = typer.Argument(..., help="region code (2, 4, 6, 9 or 12 digits) or grid <community>-<nn>"),
    name: str = typer.Argument(..., help="e.g. 解放碑街道"),
    parent: Optional[str] = typer.Option(None, "--parent", help="the parent's code (default: read from CODE)"),
    data: Optional[Path] = DataOption,
) -> None:
    """Add a place under its parent (the parent must exist; its code must extend the parent's)."""
    try:
        node = _identity(data).add_jurisdiction(code, name, parent)
    except JurisdictionError as error:
        _refuse(error)
    console.print(f"added {node.level} {LEVEL_NAMES_ZH[node.level]} {node.code} {node.name}"
                  f"{f' under {node.parent}' if node.parent else ''}", markup=False, highlight=False, soft_wrap=True)


@jurisdictions_app.command("list")
def jurisdictions_list(
    as_json: bool = typer.Option(False, "--json", help="the tree as nested JSON"),
    data: Optional[Path] = DataOption,
) -> None:
    """The tree, a parent before its children."""
    identity = _identity(data)
    if as_json:
        print(json.dumps(identity.nested_jurisdictions(), ensure_ascii=False))
        return
    table = Table(title="Jurisdictions 辖区")
    for column in ("code", "name", "level"):
        table.add_column(column)
    for node in identity.jurisdictions():
        table.add_row(node.code, "  " * node.depth + node.name, f"{node.level} {LEVEL_NAMES_ZH[node.level]}")
    console.print(table)


def demo_users_table(users: list[DemoUser]) -> Table:
    """The demo's users for its banner: log in with these on the pages."""
    table = Table(title="Demo users 演示用户 (log in with these 用以下账号登录)")
    for column in ("name", "role", "jurisdiction", "password"):
        table.add_column(column)
    for user in users:
        table.add_row(user.name, user.role, f"{user.jurisdiction} {user.jurisdiction_name}",
                      "(revoked 已停用)" if user.revoked else user.password)
    return table
