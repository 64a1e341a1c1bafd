"""The identity application: users (credential hashes only) and the jurisdiction tree."""

from __future__ import annotations

from eventsourcing.application import Application

import domain.renamed_topics  # noqa: F401 - events stored before the move still load


class IdentityApp(Application):
    """Users (credential hashes only) and the jurisdiction tree; never relayed to Kafka."""

    name = "identity"
