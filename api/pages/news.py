"""The header's unread counts on every page: new alerts and returned visits for caseworkers and supervisors,
new tasks for informants (who is told what: `projections/unread.py`).

Read from the views like any page, so every API process shows the same counts; the alert this very page
shows (`request.state.opened_alert`, set when its read is recorded) is not counted, though the access log
has not been projected yet.
"""

from __future__ import annotations

from fastapi import Request

from api.http.dependencies import services
from domain.identity.access import Principal
from projections import unread

# Where each count leads: the queue filtered to what it counts, or the task list.
LINKS = {"tasks": "/field/tasks", "alerts": "/work?unread=new", "returned": "/work?unread=returned"}


def header_counts(request: Request, principal: Principal | None) -> dict[str, int]:
    """The counts for the signed-in user (empty when none, or for a role told nothing)."""
    bundle = services(request)  # None in an app that only describes itself (the OpenAPI document)
    if principal is None or bundle is None:
        return {}
    return unread.counts(bundle.views, principal, opening=getattr(request.state, "opened_alert", None))
