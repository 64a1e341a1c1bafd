"""Save with optimistic concurrency: on a version conflict, read again and redo the change.

Why: the jurisdiction tree and the user directory are single aggregates that two processes (a
CLI and the API) may change at the same moment; the store refuses the second write
(IntegrityError), and redoing the change on fresh state is all it takes.
"""

from __future__ import annotations

from typing import Callable, Sequence, TypeVar

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

T = TypeVar("T")
ATTEMPTS = 5


def save_retrying(app: Application, change: Callable[[], tuple[T, Sequence[Aggregate]]]) -> T:
    """`change()` reads fresh aggregates, changes them and returns (result, aggregates to save).

    Domain errors raised by `change` propagate at once; a conflict is retried a few times.
    """
    for attempt in range(ATTEMPTS):
        result, aggregates = change()
        try:
            app.save(*aggregates)
            return result
        except IntegrityError:
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")
