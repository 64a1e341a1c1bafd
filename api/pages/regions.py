"""The regions a page lets its reader choose, by their Chinese names (a select, not a code typed by hand).

Why from the jurisdiction tree: it names every place households are registered in, so the list is the
reader's own jurisdiction and what lies under it, each place by the name people use; the code travels
only as the option's value, which the page checks as before (`api.http.regions.page_region`).
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.identity.application import IdentityApp

INDENT = "\u3000"  # a full-width space per level below the first shown, so the list reads as a tree


@dataclass(frozen=True)
class RegionChoice:
    code: str
    label: str


def region_choices(identity: IdentityApp, area: str | None, chosen: str = "") -> list[RegionChoice]:
    """Every place of the tree inside `area` (None: everywhere) down to communities and villages, in tree
    order, indented by level; a chosen code the tree does not hold is kept as a choice of its own."""
    nodes = [n for n in identity.jurisdictions() if n.level != "grid" and n.code.startswith(area or "")]
    top = min((n.depth for n in nodes), default=0)
    choices = [RegionChoice(n.code, INDENT * (n.depth - top) + n.name) for n in nodes]
    if chosen and all(c.code != chosen for c in choices):
        choices.append(RegionChoice(chosen, chosen))
    return choices
