"""`qianshao keys …`: AES keys for encrypting the stores at rest: a new one, where a data directory's
key is, and rotating a data directory to a new key."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from eventsourcing.cryptography import AESCipher
from rich.console import Console

from infra.at_rest import describe
from infra.settings import Settings, default_data_dir

keys_app = typer.Typer(help="Encryption keys 加密密钥 for the event stores")
console = Console()
DataOption = typer.Option(None, "--data", help="data directory (default: $QIANSHAO_DATA or ./var)")


@keys_app.command("new")
def new_key(size: int = typer.Option(32, "--bytes", help="16, 24 or 32 (AES-128/192/256)")) -> None:
    """Print a new random key (for operators who keep keys themselves, as QIANSHAO_CIPHER_KEY, set before
    the stores are first written); `serve` and `demo` make one in $QIANSHAO_KEY_DIR when none is set."""
    try:
        key = AESCipher.create_key(size)
    except ValueError as error:
        raise typer.BadParameter(f"密钥长度须为 16、24 或 32 字节 / {error}", param_hint="--bytes") from error
    print(key)


@keys_app.command("show")
def show(data: Optional[Path] = DataOption) -> None:
    """Whether the data directory is encrypted and where its key is (never the key itself)."""
    found = describe(Settings(data_dir=data or default_data_dir()))
    where = found["key_file"] or ("QIANSHAO_CIPHER_KEY" if found["encrypted"] else "—")
    console.print(f"data 数据: {found['data']}\nencrypted 已加密: {'yes 是' if found['encrypted'] else 'no 否'}\n"
                  f"key 密钥: {where}", markup=False, highlight=False)


@keys_app.command("rotate")
def rotate(data: Optional[Path] = DataOption) -> None:
    """Re-encrypt every store and view of the data directory with a new key (or encrypt stores written in
    the clear). Stop the server first; keep the old key as long as backups made with it."""
    from infra.key_rotation import rotate as rotate_stores

    settings = Settings.from_env(data_dir=data or default_data_dir(), rotating=True)
    with console.status("re-encrypting 重新加密…") as status:
        done = rotate_stores(settings, lambda step: status.update(f"re-encrypting 重新加密 {step}…"))
    console.print(f"re-encrypted 已重新加密: {sum(done.events.values())} events "
                  f"({', '.join(f'{n} {c}' for n, c in done.events.items())}); views rebuilt 读视图已重建",
                  highlight=False)
    for name, head in done.heads.items():
        console.print(f"new chain head 新链头 {name}: {head or '—'}", highlight=False)
    if done.key_file is not None:
        console.print(f"new key 新密钥: {done.key_file} (the old key file stays for older backups 旧密钥文件保留，"
                      "供旧备份使用)", highlight=False)
    else:
        console.print("set QIANSHAO_CIPHER_KEY to the new key below before starting again 启动前请将 "
                      "QIANSHAO_CIPHER_KEY 设为下面的新密钥:", highlight=False)
        print(done.new_key, flush=True)
