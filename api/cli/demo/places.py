"""The demo district's places: one table naming every code its households carry, so the county, its streets
and towns, their communities and villages, and the jurisdiction tree the demo seeds all agree.

Why one table: the generator wrote households into communities of one list of names while the seed named
the county from another, and the two disagreed (a 渝中区 caseworker over villages of 白沙镇, which lies in
江津区). The demo county is 江津区 (500116, GB/T 2260), which has both urban streets and rural towns; its
streets and towns are named after real ones of 江津区 and numbered the way statistical division codes are
(streets 0xx, towns 1xx; residents' committees 0xx, village committees 2xx under them), though the numbers
are the demo's own, not those places' published codes. The communities and villages are invented names (no
real one is meant), each under its own street or town. A county the table does not hold (the
generator takes any 6-digit code) gets neutral names (第1街道, 第6镇 …), never another county's.
"""

from __future__ import annotations

from dataclasses import dataclass

DEMO_COUNTY = "500116"
ABOVE_COUNTY = {"50": "重庆市", "5001": "市辖区"}  # the tree's province and city, as `jurisdictions` writes them


@dataclass(frozen=True)
class Street:
    """A street (urban: residents' committees) or a town (rural: villages) and the communities under it."""

    number: int  # the 3 digits after the county in its code
    name: str
    urban: bool
    communities: tuple[str, ...]  # their names, committee codes 001… (urban) or 201… (villages)

    def community_number(self, index: int) -> int:
        return index + 1 if self.urban else 201 + index


def _urban(number: int, name: str) -> Street:
    return Street(number, name, True, tuple(f"{name}第{c}社区" for c in range(1, 6)))


def _rural(number: int, name: str, villages: tuple[str, ...]) -> Street:
    return Street(number, name, False, tuple(f"{name}{village}" for village in villages))


COUNTIES: dict[str, tuple[str, tuple[Street, ...]]] = {
    "500116": ("江津区", (
        _urban(1, "几江街道"), _urban(2, "德感街道"), _urban(3, "双福街道"), _urban(4, "鼎山街道"),
        _urban(5, "圣泉街道"),
        _rural(101, "白沙镇", ("高峰村", "石桥村", "新华村", "龙井村", "双河村", "桂花村")),
        _rural(102, "石门镇", ("凉水村", "团结村", "双桥村", "黄泥村", "红岩村", "金鼓村")),
        _rural(103, "吴滩镇", ("郎家村", "朝阳村", "中心村", "平安村", "水口村", "和平村")),
    )),
}
NEUTRAL = (*(_urban(n, f"第{n}街道") for n in range(1, 6)),
           *(_rural(100 + n, f"第{n + 5}镇", tuple(f"第{v}村" for v in range(1, 7))) for n in range(1, 4)))


def county_name(county: str) -> str | None:
    """The county's name, when the table holds it."""
    entry = COUNTIES.get(county)
    return entry[0] if entry else None


def streets(county: str) -> tuple[Street, ...]:
    """The streets and towns under `county`: five urban streets of five communities, three towns of six villages."""
    entry = COUNTIES.get(county)
    return entry[1] if entry else NEUTRAL


def place_names(county: str) -> dict[str, str]:
    """code -> name of every place of the county the demo's households use, and of the county and above it."""
    names = dict(ABOVE_COUNTY)
    if county_name(county):
        names[county] = str(county_name(county))
    for street in streets(county):
        code = f"{county}{street.number:03d}"
        names[code] = street.name
        for index, name in enumerate(street.communities):
            names[f"{code}{street.community_number(index):03d}"] = name
    return names
