"""The jurisdiction tree: province → city → district → street/township → community/village → grid.

Why events: who is responsible for which households hangs off this tree (users' jurisdictions,
`domain.identity.access.covers`), so every node an administrator adds is recorded and history shows when
a place came under the system. Region codes are the administrative codes without padding
(province 2 digits, city 4, district 6, street/township 9, community/village 12, as households
carry them); a grid is `<12-digit community>-<nn>`. A node's parent is the level right above it,
and its code extends the parent's, so the parent of any code can be read from the code itself.
Codes are read by level (`domain.region_codes`): no part is zeros (`500103000`, `500103100000`),
and a 6-digit code ending in `00` is refused here, since it abbreviates a province or city whose
node is written `50` or `5105`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.ids import stable_id
from domain.region_codes import InvalidRegionCode, check_region_code, region_scope

TREE_ID = stable_id("jurisdiction-tree")
EVERYWHERE_CODE = "0"  # not a node: the jurisdiction of roles that no place limits (see domain.identity.user)
LEVELS = ("province", "city", "district", "street", "community", "grid")
LEVEL_NAMES_ZH = {"province": "省", "city": "市", "district": "区县", "street": "街道/乡镇",
                  "community": "社区/村", "grid": "网格"}
REGION_LEVELS = {2: "province", 4: "city", 6: "district", 9: "street", 12: "community"}
MAX_NAME = 64
_DIGITS = re.compile(r"[0-9]+")
_GRID = re.compile(r"([0-9]{12})-([0-9]{2})")


class JurisdictionError(ValueError):
    """A node the tree refuses, with the reason in Chinese and English."""

    def __init__(self, message_zh: str, message: str) -> None:
        super().__init__(f"{message_zh} / {message}")
        self.message_zh = message_zh
        self.message = message


class MalformedCode(JurisdictionError):
    def __init__(self, code: str, why: InvalidRegionCode | None = None) -> None:
        if why is not None:
            super().__init__(why.message_zh, why.message)
            return
        super().__init__(
            f"代码 {code!r} 无效：地区代码为 2、4、6、9 或 12 位数字，网格代码为“12 位社区代码-两位数字”",
            f"code {code!r} is not a region code of 2, 4, 6, 9 or 12 digits nor a grid code "
            "(<12-digit community>-<nn>)",
        )


class AbbreviatedCode(MalformedCode):
    def __init__(self, code: str) -> None:
        scope = region_scope(code)
        zh, en = ("省", "province") if len(scope) == 2 else ("市", "city")
        JurisdictionError.__init__(self, f"代码 {code} 是{zh}级代码 {scope} 的六位写法；辖区树中请写作 {scope}",
                                   f"code {code} abbreviates the {en} {scope}; the tree names it {scope}")


class BadName(JurisdictionError):
    def __init__(self, code: str) -> None:
        super().__init__(f"{code} 的名称不能为空，且不超过 {MAX_NAME} 个字符",
                         f"the name of {code} must be 1 to {MAX_NAME} characters")


class UnknownJurisdiction(JurisdictionError):
    def __init__(self, code: str, what_zh: str = "辖区", what: str = "jurisdiction") -> None:
        super().__init__(f"{what_zh} {code} 不在辖区树中", f"{what} {code} is not in the jurisdiction tree")
        self.code = code


class UnknownParent(UnknownJurisdiction):
    def __init__(self, code: str) -> None:
        super().__init__(code, "上级", "parent")


class NotUnderParent(JurisdictionError):
    def __init__(self, code: str, parent: str) -> None:
        super().__init__(f"{code} 不是 {parent} 的直接下级（代码须在上级代码后延伸一级）",
                         f"{code} does not extend its parent's code {parent} by one level")


class GridNotUnderCommunity(JurisdictionError):
    def __init__(self, code: str, parent: str | None) -> None:
        super().__init__(f"网格 {code} 必须挂在社区/村之下（而不是 {parent or '顶层'}）",
                         f"grid {code} must be under a community or village, not {parent or 'the top'}")


class ParentRequired(JurisdictionError):
    def __init__(self, code: str, level: str) -> None:
        super().__init__(f"{code} 是{LEVEL_NAMES_ZH[level]}级，必须指定上级；只有省级可以没有上级",
                         f"{code} is a {level} and needs a parent; only a province has none")


class DuplicateJurisdiction(JurisdictionError):
    def __init__(self, code: str, name: str) -> None:
        super().__init__(f"{code} 已存在（{name}）", f"{code} already exists ({name})")


def level_of(code: str) -> str:
    """The level a code names (`province` … `grid`), or MalformedCode."""
    if not isinstance(code, str):
        raise MalformedCode(repr(code))
    grid = _GRID.fullmatch(code)
    if grid:
        _checked(grid.group(1))
        return "grid"
    if _DIGITS.fullmatch(code) and len(code) in REGION_LEVELS:
        if region_scope(_checked(code)) != code:
            raise AbbreviatedCode(code)
        return REGION_LEVELS[len(code)]
    raise MalformedCode(code)


def _checked(code: str) -> str:
    try:
        return check_region_code(code)
    except InvalidRegionCode as why:
        raise MalformedCode(code, why) from why


def parent_code(code: str) -> str | None:
    """The code of the level right above (None for a province): a code extends its parent's."""
    level = level_of(code)
    if level == "grid":
        return code.split("-", 1)[0]
    lengths = sorted(REGION_LEVELS)
    index = lengths.index(len(code))
    return code[: lengths[index - 1]] if index else None


def _recorded_level(code: str) -> str:
    """The level of a node already in the tree, by its shape: one added before codes were read by level
    (`500103000`) is still listed, though no user can be given it now."""
    return "grid" if "-" in code else REGION_LEVELS.get(len(code), "community")


@dataclass(frozen=True)
class JurisdictionNode:
    """One place in the tree."""

    code: str
    name: str
    level: str
    parent: str | None

    @property
    def depth(self) -> int:
        return LEVELS.index(self.level)

    def to_json(self) -> dict[str, str | None]:
        return {"code": self.code, "name": self.name, "level": self.level,
                "level_zh": LEVEL_NAMES_ZH[self.level], "parent": self.parent}


class JurisdictionTree(Aggregate):
    """Every jurisdiction node, each added once under an existing parent."""

    @staticmethod
    def create_id() -> UUID:
        return TREE_ID

    @event("Opened")
    def __init__(self) -> None:
        self.nodes: dict[str, dict[str, str | None]] = {}

    def add(self, code: str, name: str, parent: str | None = None) -> JurisdictionNode:
        """Add a node, or raise a JurisdictionError (nothing recorded) saying why it cannot be."""
        code = code.strip() if isinstance(code, str) else code
        parent = parent.strip() if isinstance(parent, str) and parent.strip() else None
        level = level_of(code)
        name = name.strip() if isinstance(name, str) else ""
        if not name or len(name) > MAX_NAME:
            raise BadName(code)
        if code in self.nodes:
            raise DuplicateJurisdiction(code, str(self.nodes[code]["name"]))
        self._check_parent(code, level, parent)
        self._added(code=code, name=name, parent=parent)
        return self.node(code)

    def _check_parent(self, code: str, level: str, parent: str | None) -> None:
        if parent is None:
            if level == "grid":
                raise GridNotUnderCommunity(code, None)
            if level != "province":
                raise ParentRequired(code, level)
            return
        if parent not in self.nodes:
            raise UnknownParent(parent)
        if level == "grid" and level_of(parent) != "community":
            raise GridNotUnderCommunity(code, parent)
        if parent_code(code) != parent:
            raise NotUnderParent(code, parent)

    @event("Added")
    def _added(self, code: str, name: str, parent: str | None) -> None:
        self.nodes[code] = {"name": name, "parent": parent}

    def __contains__(self, code: object) -> bool:
        return code in self.nodes

    def node(self, code: str) -> JurisdictionNode:
        """The node of a code, or UnknownJurisdiction."""
        found = self.nodes.get(code)
        if found is None:
            raise UnknownJurisdiction(code)
        return JurisdictionNode(code, str(found["name"]), _recorded_level(code), found["parent"])

    def flat(self) -> list[JurisdictionNode]:
        """Every node in tree order (a parent before its children: codes extend their parent's)."""
        return [self.node(code) for code in sorted(self.nodes)]

    def tree(self) -> list[dict[str, object]]:
        """The nodes nested under their parents: `{code, name, level, level_zh, parent, children}`."""
        built: dict[str, dict[str, object]] = {}
        roots: list[dict[str, object]] = []
        for node in self.flat():
            entry: dict[str, object] = {**node.to_json(), "children": []}
            built[node.code] = entry
            siblings = roots if node.parent is None else built[node.parent]["children"]
            siblings.append(entry)  # type: ignore[union-attr]
        return roots
