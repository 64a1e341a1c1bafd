"""The households application: households, residents, observation receipts, the clock and the policy book."""

from __future__ import annotations

from domain.tracked_application import TrackedApplication

import domain.renamed_topics  # noqa: F401 - events stored before the move still load


class HouseholdsApp(TrackedApplication):
    """Households, residents, observation receipts, the clock and the policy book."""

    name = "households"
