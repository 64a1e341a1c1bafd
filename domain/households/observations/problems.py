"""What a refused observation says: every problem at its path, in English and Chinese, and its status."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

UNPROCESSABLE, NOT_FOUND, CONFLICT = 422, 404, 409



@dataclass(frozen=True)
class FieldError:
    """One problem, at a dotted path such as `data.members[1].id_number` ("" = the whole envelope)."""

    field: str
    message: str
    message_zh: str


class InvalidObservation(Exception):
    """The envelope cannot be accepted: every problem found, and the status that sums them up."""

    def __init__(self, errors: list[FieldError], status: int = UNPROCESSABLE) -> None:
        super().__init__("; ".join(f"{e.field or '(envelope)'}: {e.message}" for e in errors))
        self.errors = errors
        self.status = status



@dataclass(frozen=True)
class Problem:
    """A problem at a path relative to the value checked; `status` says what kind of problem."""

    path: str
    message: str
    message_zh: str
    status: int = UNPROCESSABLE


class Bad(Exception):
    """Raised by a check: one problem at the checked value itself, or several below it."""

    def __init__(self, message: str = "", message_zh: str = "", *, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.problems = problems if problems is not None else [Problem("", message, message_zh)]


def _join(prefix: str, path: str) -> str:
    if not path or not prefix:
        return prefix or path
    return prefix + path if path.startswith("[") else f"{prefix}.{path}"


def under(prefix: str, problems: list[Problem]) -> list[Problem]:
    return [Problem(_join(prefix, p.path), p.message, p.message_zh, p.status) for p in problems]


def show(value: Any) -> str:
    """A value quoted for a message, cut short so a huge input does not make a huge error."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__



def summary_status(problems: list[Problem]) -> int:
    statuses = {p.status for p in problems}
    if UNPROCESSABLE in statuses:
        return UNPROCESSABLE
    return NOT_FOUND if NOT_FOUND in statuses else CONFLICT
