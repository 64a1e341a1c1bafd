"""Administrators' jurisdiction tree: add places, list them, find the node of a code.

The tree is one aggregate in the identity store; a parent left out is read from the code
(a code extends its parent's), so `add("500103001", "解放碑街道")` goes under 500103.
"""

from __future__ import annotations

from typing import Iterable, Sequence

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate

from domain.identity.application import IdentityApp
from domain.identity.jurisdiction import (TREE_ID, JurisdictionNode, JurisdictionTree, MalformedCode, UnknownJurisdiction,
                                 parent_code)
from domain.identity.optimistic_save import save_retrying


class JurisdictionService:
    """Reads and extends the jurisdiction tree kept in the identity store."""

    def __init__(self, app: IdentityApp) -> None:
        self.app = app

    def current(self) -> JurisdictionTree:
        """The tree as stored (an empty one before the first node is added)."""
        try:
            return self.app.repository.get(TREE_ID)
        except AggregateNotFoundError:
            return JurisdictionTree()

    def add(self, code: str, name: str, parent: str | None = None) -> JurisdictionNode:
        """Add one node (parent: as given, else read from the code), or raise a JurisdictionError."""

        def change() -> tuple[JurisdictionNode, Sequence[Aggregate]]:
            tree = self.current()
            return tree.add(code, name, parent if parent else _derived_parent(code)), [tree]

        return save_retrying(self.app, change)

    def add_missing(self, nodes: Iterable[tuple[str, str]]) -> list[JurisdictionNode]:
        """Add, in one transaction, each (code, name) not yet in the tree, parents first; the
        nodes added (none when all were there: seeding again changes nothing)."""
        ordered = sorted(dict(nodes).items())  # a parent's code sorts before its children's

        def change() -> tuple[list[JurisdictionNode], Sequence[Aggregate]]:
            tree = self.current()
            added = [tree.add(code, name, _derived_parent(code)) for code, name in ordered if code not in tree]
            return added, [tree] if added else []

        return save_retrying(self.app, change)

    def nodes(self) -> list[JurisdictionNode]:
        """Every node, flat, in tree order, each with its level."""
        return self.current().flat()

    def tree(self) -> list[dict[str, object]]:
        """The nodes nested under their parents."""
        return self.current().tree()

    def node(self, code: str) -> JurisdictionNode:
        """The node of a code, or UnknownJurisdiction."""
        return self.current().node(code)

    def find(self, code: str) -> JurisdictionNode | None:
        try:
            return self.node(code)
        except UnknownJurisdiction:
            return None


def _derived_parent(code: str) -> str | None:
    try:
        return parent_code(code)
    except MalformedCode:
        return None  # the tree refuses the code itself, with the same error
