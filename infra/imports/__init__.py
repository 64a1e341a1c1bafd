"""Department files as adapters: the readers (`readers`), and the shipped mappings of the six departments
with a small example file each (`mappings/*.yaml`, `samples/*`, package data)."""

from __future__ import annotations

from pathlib import Path

from domain import vocabulary as v
from domain.imports.mapping import Mapping, MappingError, load_mapping_file

MAPPINGS_DIR = Path(__file__).resolve().parent / "mappings"
SAMPLES_DIR = Path(__file__).resolve().parent / "samples"
# The shipped departments, in the order of the issue, and the example file of each.
DEPARTMENTS = v.DEPARTMENTS
SAMPLES = {
    "public_security": "public_security_deaths.csv",  # GBK, as the household-registration system exports
    "medical_insurance": "medical_insurance_out_of_pocket.xlsx",
    "disabled_federation": "disabled_federation_certificates.csv",
    "education": "education_dropouts.csv",
    "human_resources": "human_resources_unemployment.csv",
    "civil_affairs": "civil_affairs_payments.csv",
}


def mapping_path(department: str) -> Path:
    """The shipped mapping file of a department."""
    return MAPPINGS_DIR / f"{department}.yaml"


def shipped_mapping(department: str) -> Mapping:
    """The shipped mapping of a department, loaded."""
    return load_mapping_file(mapping_path(department))


def shipped_mappings() -> dict[str, Mapping]:
    """Every shipped mapping by department."""
    return {department: shipped_mapping(department) for department in DEPARTMENTS}


def sample_path(department: str) -> Path:
    """The shipped example file of a department (10 to 20 rows, people of 500116 江津区)."""
    return SAMPLES_DIR / SAMPLES[department]


def mapping_named(name_or_path: str) -> Mapping:
    """A mapping file's (`x.yaml`), or a shipped department's mapping by its code (`public_security`)."""
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml") and path.is_file():
        return load_mapping_file(path)
    if name_or_path in DEPARTMENTS:
        return shipped_mapping(name_or_path)
    names = ", ".join(DEPARTMENTS)
    raise MappingError(f"no mapping file {name_or_path[:100]!r} and no shipped mapping of that name (shipped: {names})",
                       f"找不到映射文件 {name_or_path[:100]!r}，也没有同名的内置映射（内置：{names}）")
