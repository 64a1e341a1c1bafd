"""Minimum necessary (PIPL): what of a resident's identity each role sees, in one table (`SIGHTS`).

| role                    | name  | id_number            | birth        | facts moving on the birthday |
|-------------------------|-------|----------------------|--------------|------------------------------|
| caseworker (its area)   | full  | full                 | date         | shown                        |
| supervisor, auditor     | `张*` | `50****************` | year only    | withheld                     |
| informant (their grid)  | full  | not shown at all     | year only    | withheld                     |
| admin, integration      | `张*` | not shown at all     | year only    | withheld                     |

Sex, relation, status and the household's region, grid and address are shown to every role that may
read the household; caseworkers see households of their jurisdiction only (callers check `covers`).

Why a mask must keep so little. A resident ID number (GB 11643) is region (6 digits) + birth date
(8) + sequence (3; odd for men, even for women) + check digit (1, computed from the other 17). A
reader who knows the household's region, the member's sex and birth year still has to guess the day
of birth (365 or 366) and the sequence (500 of the right parity); the check digit follows. So:

- birth year shown, no digit of sequence or check shown: 365 × 500 = 182,500 candidates;
- the check digit shown as well: 365 × 500 / 11 ≈ 16,600;
- the last sequence digit and the check shown: 365 × 100 / 11 ≈ 3,300;
- the last four shown (the old `5001**********1234`): 365 / 11 ≈ 33, and with the birth date shown,
  exactly one: the whole number (the attack of issue 14 § 3).

The birth date can also be narrowed from outside the member list: an alert raised on an age
threshold (an 80th birthday), a birth reported days after it happened. Keeping none of the last 12
digits leaves 500 × the days still possible (a week: 3,500); keeping only the check digit would drop
that below 1,000 within 22 days. So masked numbers keep only their first two characters (the
province: what the region says already for anyone born there). Nothing that moves on the birthday
is shown either: a date-relative age seen on many dates (the auditor's as-of slider) gives away the
day it changes, so `age`, `adult_on` and `days_to_adulthood` are withheld from derived facts and
explanations; the static birth year is shown instead. Informants need the names of their grid to
find people, not their numbers, so they see no ID number at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

ID_KEPT = 2  # leading characters of a masked ID number: the province
MASK = "*"
BIRTH_FACTS = ("age", "adult_on", "days_to_adulthood")  # derived facts that move on the birthday


@dataclass(frozen=True)
class Sight:
    """What of a resident's identity one role sees."""

    name: Literal["full", "masked"]
    id_number: Literal["full", "masked", "hidden"]
    birth: Literal["date", "year"]

    @property
    def full(self) -> bool:
        return self == FULL


FULL = Sight("full", "full", "date")
MASKED = Sight("masked", "masked", "year")
NAMES_ONLY = Sight("full", "hidden", "year")
NOTHING = Sight("masked", "hidden", "year")

SIGHTS: dict[str, Sight] = {
    "caseworker": FULL,
    "supervisor": MASKED,
    "auditor": MASKED,
    "informant": NAMES_ONLY,
    "admin": NOTHING,
    "integration": NOTHING,
}


def sight_of(role: str) -> Sight:
    """The role's row of the table; an unknown role sees the least."""
    return SIGHTS.get(role, NOTHING)


def sees_full_identity(role: str) -> bool:
    return sight_of(role).full


def mask_id_number(value: str) -> str:
    """`50****************`: the province only (see the module's reasoning)."""
    if len(value) <= ID_KEPT * 4:
        return MASK * len(value)
    return value[:ID_KEPT] + MASK * (len(value) - ID_KEPT)


def is_masked_id(value: object) -> bool:
    """Whether a value is a masked ID number as shown (a correction form sends it back unchanged)."""
    return isinstance(value, str) and MASK in value


def mask_name(value: str) -> str:
    if len(value) <= 1:
        return MASK
    return value[0] + MASK * (len(value) - 1)


def _shown_person(person: dict[str, Any], sight: Sight) -> dict[str, Any]:
    """A person record (member, joining resident) as `sight` shows it; other fields as they are."""
    shown = dict(person)
    if sight.name == "masked" and isinstance(shown.get("name"), str):
        shown["name"] = mask_name(shown["name"])
    if sight.id_number == "hidden":
        shown.pop("id_number", None)
    elif sight.id_number == "masked" and isinstance(shown.get("id_number"), str):
        shown["id_number"] = mask_id_number(shown["id_number"])
    if sight.birth == "year" and "birth_date" in shown:
        born = shown.pop("birth_date")
        shown["birth_year"] = int(born[:4]) if isinstance(born, str) and born[:4].isdigit() else None
    return shown


def shown_member(member: dict[str, Any], sight: Sight) -> dict[str, Any]:
    return _shown_person(member, sight)


def masked_member(member: dict[str, Any]) -> dict[str, Any]:
    """A member as supervisors and auditors see it."""
    return _shown_person(member, MASKED)


def shown_observation(observation: dict[str, Any], sight: Sight) -> dict[str, Any]:
    """The observation with every person inside its data (members, a joining resident) as `sight` shows it."""
    if sight.full:
        return observation
    return {**observation, "data": _shown(observation.get("data"), sight)}


def masked_observation(observation: dict[str, Any]) -> dict[str, Any]:
    return shown_observation(observation, MASKED)


def _shown(value: Any, sight: Sight) -> Any:
    if isinstance(value, dict):
        person = {"name", "id_number", "birth_date"} & value.keys()
        inner = {k: _shown(v, sight) for k, v in value.items()}
        return _shown_person(inner, sight) if person else inner
    if isinstance(value, list):
        return [_shown(v, sight) for v in value]
    return value


def shown_facts(facts: dict[str, Any], sight: Sight) -> dict[str, Any]:
    """Derived facts without those that move on the birthday, unless the role sees birth dates."""
    if sight.birth == "date":
        return facts
    return {k: v for k, v in facts.items() if k not in BIRTH_FACTS}


# --- corrections: what the informant is not shown, the correction keeps ---------------------------

KEPT_ON_CORRECTION = ("id_number", "birth_date")


def people_of(observation: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The persons an observation records, by resident id: a registration's members, a joining resident."""
    data = observation.get("data") or {}
    if observation.get("kind") == "household.registered":
        return {m["resident"]: m for m in data.get("members") or [] if isinstance(m, dict) and "resident" in m}
    if observation.get("kind") == "resident.joined" and observation.get("resident"):
        return {observation["resident"]: data}
    return {}


def kept_identity(envelope: dict[str, Any], original: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The correction with each stored ID number and birth date put back where it was left empty (or, for
    the number, sent back as its mask), and {path: stored value} of what was kept. The informant's form does not
    show them (`SIGHTS`), so a correction must not need them to keep them."""
    stored, data = people_of(original), envelope.get("data")
    if not stored or not isinstance(data, dict):
        return envelope, {}
    if envelope.get("kind") == "household.registered" and isinstance(data.get("members"), list):
        members, kept = [], {}
        for i, member in enumerate(data["members"]):
            known = stored.get(member.get("resident")) if isinstance(member, dict) else None
            if known is not None:
                member, paths = _keep(member, known, f"data.members[{i}]")
                kept.update(paths)
            members.append(member)
        return {**envelope, "data": {**data, "members": members}}, kept
    if envelope.get("kind") == "resident.joined" and envelope.get("resident") in stored:
        filled, kept = _keep(data, stored[envelope["resident"]], "data")
        return {**envelope, "data": filled}, kept
    return envelope, {}


def _keep(person: dict[str, Any], stored: dict[str, Any], path: str) -> tuple[dict[str, Any], dict[str, str]]:
    filled, kept = dict(person), {}
    for field in KEPT_ON_CORRECTION:
        value, known = filled.get(field), stored.get(field)
        if not isinstance(known, str):
            continue
        left = value is None or (isinstance(value, str) and not value.strip())
        if left or (field == "id_number" and value == mask_id_number(known)):
            filled[field] = known
            kept[f"{path}.{field}"] = known
    return filled, kept
