"""The jurisdiction tree: levels read from codes, each node under the level right above, all as events."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.identity.application import IdentityApp
from domain.identity.jurisdiction import (TREE_ID, AbbreviatedCode, BadName, DuplicateJurisdiction, GridNotUnderCommunity, JurisdictionError,
                                 JurisdictionTree, MalformedCode, NotUnderParent, ParentRequired, UnknownJurisdiction,
                                 UnknownParent, level_of, parent_code)

CHAIN = [("50", "重庆市", None), ("5001", "市辖区", "50"), ("500103", "渝中区", "5001"),
         ("500103001", "解放碑街道", "500103"), ("500103001001", "解放碑街道第1社区", "500103001"),
         ("500103001001-03", "第3网格", "500103001001")]


def chongqing() -> JurisdictionTree:
    tree = JurisdictionTree()
    for code, name, parent in CHAIN:
        tree.add(code, name, parent)
    return tree


@pytest.mark.parametrize(("code", "level", "parent"), [
    ("50", "province", None), ("5001", "city", "50"), ("500103", "district", "5001"),
    ("500103001", "street", "500103"), ("500103001001", "community", "500103001"),
    ("500103001001-03", "grid", "500103001001"),
])
def test_a_code_says_its_level_and_its_parent(code: str, level: str, parent: str | None) -> None:
    assert level_of(code) == level and parent_code(code) == parent


@pytest.mark.parametrize("code", ["", "5", "500", "50010", "5001030010", "500103001001-3", "500103001-03",
                                  "500103001001-003", "50a103", " 50", "0", "500103001001-ab",
                                  "00", "5000", "500001", "500103000", "500103100000", "500103100000-01"])
def test_anything_else_is_not_a_code(code: str) -> None:
    with pytest.raises(MalformedCode):
        level_of(code)


@pytest.mark.parametrize(("code", "level"), [("500103100", "street"), ("500103001100", "community"),
                                             ("500103100100-01", "grid")])
def test_zeros_that_number_a_place_are_its_code(code: str, level: str) -> None:
    assert level_of(code) == level


@pytest.mark.parametrize(("code", "written"), [("500000", "50"), ("510500", "5105")])
def test_a_six_digit_abbreviation_is_no_node_the_tree_names_the_place_itself(code: str, written: str) -> None:
    with pytest.raises(AbbreviatedCode) as refused:
        level_of(code)
    assert written in refused.value.message and written in refused.value.message_zh


def test_a_node_recorded_before_codes_were_read_by_level_is_still_listed() -> None:
    tree = chongqing()
    tree.add("500103002", "朝天门街道", "500103")
    tree._added(code="500103000", name="旧节点", parent="500103")  # as a replayed old event would
    assert tree.node("500103000").level == "street" and "500103000" in [n.code for n in tree.flat()]


def test_nodes_come_back_flat_in_tree_order_with_their_level_and_nested() -> None:
    tree = chongqing()
    tree.add("500103001002", "解放碑街道第2社区", "500103001")
    tree.add("500103002", "朝天门街道", "500103")
    flat = tree.flat()
    assert [n.code for n in flat] == ["50", "5001", "500103", "500103001", "500103001001", "500103001001-03",
                                      "500103001002", "500103002"]
    assert [n.level for n in flat][:6] == ["province", "city", "district", "street", "community", "grid"]
    assert tree.node("500103001001-03").parent == "500103001001"
    nested = tree.tree()
    assert len(nested) == 1 and nested[0]["code"] == "50"
    district = nested[0]["children"][0]["children"][0]  # type: ignore[index]
    assert [street["code"] for street in district["children"]] == ["500103001", "500103002"]
    assert [c["code"] for c in district["children"][0]["children"]] == ["500103001001", "500103001002"]


@pytest.mark.parametrize(("code", "parent", "refusal"), [
    ("500103002", "500104", UnknownParent),  # no such parent
    ("500104001", None, ParentRequired),  # only a province has no parent
    ("500104001", "500103", NotUnderParent),  # does not extend the parent's code
    ("500103001002", "500103", NotUnderParent),  # skips the street level
    ("500103001001-04", "500103001", GridNotUnderCommunity),  # a grid under a street
    ("500103001001-04", None, GridNotUnderCommunity),
    ("500103001002-01", "500103001001", NotUnderParent),  # a grid of another community
    ("500103001001-03", "500103001001", DuplicateJurisdiction),
    ("50", None, DuplicateJurisdiction),
    ("5001-01", "5001", MalformedCode),
    ("500103000", "500103", MalformedCode),  # a town part 000 is no town
    ("500103001000", "500103001", MalformedCode),
    ("500000", None, AbbreviatedCode),
])
def test_the_tree_refuses_a_node_that_does_not_fit_and_records_nothing(
        code: str, parent: str | None, refusal: type[JurisdictionError]) -> None:
    tree = chongqing()
    tree.collect_events()
    with pytest.raises(refusal) as raised:
        tree.add(code, "某地", parent)
    assert tree.collect_events() == [] and len(tree.flat()) == len(CHAIN)
    message = str(raised.value)
    assert raised.value.message_zh in message and raised.value.message in message and " / " in message


@pytest.mark.parametrize("name", ["", "   ", "长" * 65])
def test_a_node_needs_a_name(name: str) -> None:
    with pytest.raises(BadName):
        chongqing().add("500103002", name, "500103")


def test_an_unknown_code_has_no_node() -> None:
    with pytest.raises(UnknownJurisdiction, match="500103009 不在辖区树中 / jurisdiction 500103009 is not"):
        chongqing().node("500103009")


def test_the_tree_is_rebuilt_from_its_events_in_a_real_store(tmp_path: Path) -> None:
    env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "identity.sqlite")}
    writer, reader = IdentityApp(env=env), IdentityApp(env=env)
    writer.save(chongqing())
    stored: JurisdictionTree = reader.repository.get(TREE_ID)
    assert stored.flat() == chongqing().flat()
    assert stored.version == 1 + len(CHAIN)  # opened, then one Added event per node
