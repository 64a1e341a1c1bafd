"""The mappings and sample files shipped for six departments (`infra/imports/mappings`, `…/samples`)."""

from __future__ import annotations

from pathlib import Path

from domain.imports.mapping import Mapping, MappingError, load_mapping_file

MAPPINGS = Path(__file__).parent / "mappings"
SAMPLES = Path(__file__).parent / "samples"


def shipped_names() -> list[str]:
    return sorted(p.stem for p in MAPPINGS.glob("*.yaml"))


def shipped_mapping(name_or_path: str) -> Mapping:
    """A mapping file's, or a shipped department's mapping by its code (`public_security`)."""
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml") and path.is_file():
        return load_mapping_file(path)
    shipped = MAPPINGS / f"{name_or_path}.yaml"
    if shipped.is_file():
        return load_mapping_file(shipped)
    names = ", ".join(shipped_names())
    raise MappingError(f"no mapping file {name_or_path!r} and no shipped mapping of that name (shipped: {names})",
                       f"找不到映射文件 {name_or_path!r}，也没有同名的内置映射（内置：{names}）")
