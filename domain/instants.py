"""When an observation happened: its instant, and its calendar date in China Standard Time.

RULES.md § Vocabulary: `observed_at` may carry any offset (field gateways often send UTC), so
observations are ordered by the instant, never by the text, and an observation's date is its date
in China Standard Time whatever the sender's offset (`2026-02-28T20:00:00Z` is 2026-03-01).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from functools import lru_cache

CHINA = timezone(timedelta(hours=8), "CST")


@lru_cache(maxsize=1 << 16)
def instant(observed_at: str) -> datetime:
    """The moment an ISO timestamp names (parsed once per text: folds read the same texts often);
    a timestamp without an offset is taken as China Standard Time."""
    at = datetime.fromisoformat(observed_at)
    return at if at.utcoffset() is not None else at.replace(tzinfo=CHINA)


def china_date(at: datetime) -> date:
    """The calendar date of a moment in China Standard Time (a naive moment is taken as already there)."""
    return at.astimezone(CHINA).date() if at.utcoffset() is not None else at.date()


@lru_cache(maxsize=1 << 16)
def observed_date(observed_at: str) -> date:
    """The calendar date, in China Standard Time, of an `observed_at` text."""
    return china_date(instant(observed_at))
