"""The leads' use cases, run by the households application (leads live in the households store, so the
relay and the projections read them with the households): raise a batch of leads, dispatch one to a grid's
informant, dismiss one. Finding is not a command: the registration naming the person closes the lead
(`domain.households.indexing`)."""

from __future__ import annotations

from typing import Any, Callable, Sequence

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from domain.households.id_index import IdNumberEntry
from domain.identity.access import Action, Principal, allowed, covers, is_grid
from domain.leads.errors import LeadRefused, unknown_lead
from domain.leads.lead import Lead, LeadDraft

ATTEMPTS = 2  # the first try and one after a concurrent writer


def _get(app: Any, aggregate_id: Any) -> Aggregate | None:
    try:
        return app.repository.get(aggregate_id)  # type: ignore[no-any-return]
    except AggregateNotFoundError:
        return None


def raise_leads(app: Any, drafts: Sequence[LeadDraft], on: str) -> list[str]:
    """Raise each draft not raised before ("raised"; "duplicate" for a lead id seen already, in the store or
    earlier in `drafts`), all in one transaction, each noted on its keyed ID number's index entry."""
    for attempt in range(ATTEMPTS):
        statuses, touched = _staged(app, drafts, on)
        pending = [a for a in touched.values() if a.pending_events]
        try:
            if pending:
                app.save(*pending)
            return statuses
        except IntegrityError:
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _staged(app: Any, drafts: Sequence[LeadDraft], on: str) -> tuple[list[str], dict[Any, Aggregate]]:
    touched: dict[Any, Aggregate] = {}
    statuses = []
    for draft in drafts:
        lead_id = Lead.id_for(draft.lead_id)
        if lead_id in touched or _get(app, lead_id) is not None:
            statuses.append("duplicate")
            continue
        lead = Lead.from_draft(draft, on)
        entry_id = IdNumberEntry.id_for(draft.keyed_id)
        entry = touched.get(entry_id) or _get(app, entry_id) or IdNumberEntry(draft.keyed_id)
        entry.note_lead(draft.lead_id)  # type: ignore[attr-defined]
        touched[lead_id], touched[entry_id] = lead, entry
        statuses.append("raised")
    return statuses, touched


def lead_in_reach(app: Any, lead_id: str, principal: Principal) -> Lead:
    """The lead, when the principal may act on leads and its region is theirs (403 / 404 otherwise)."""
    if not allowed(principal.role, Action.ACT_ON_LEAD):
        raise LeadRefused(f"role {principal.role} may not act on leads", f"当前角色（{principal.role}）无权处理线索", 403)
    lead = _get(app, Lead.id_for(lead_id))
    if not isinstance(lead, Lead) or not covers(principal, lead.region, None):
        raise unknown_lead(lead_id)
    return lead


def dispatch_lead(app: Any, lead_id: str, grid: str, principal: Principal, on: str) -> Lead:
    """Send the lead to the informant of `grid` (a grid of the principal's jurisdiction) as a task."""
    if not is_grid(grid) or not covers(principal, grid.split("-")[0], grid):
        lead_in_reach(app, lead_id, principal)  # an unknown lead is a 404 whatever the grid
        raise LeadRefused(f"{grid} is not a grid of your jurisdiction", f"{grid} 不是您辖区内的网格", 422, "grid")
    return _applied(app, lead_id, principal, lambda lead: lead.dispatch(grid, principal.name, on))


def dismiss_lead(app: Any, lead_id: str, reason: str, principal: Principal, on: str) -> Lead:
    """Close the lead without a household: not found, moved away, already known, other."""
    return _applied(app, lead_id, principal, lambda lead: lead.dismiss(reason, principal.name, on))


def _applied(app: Any, lead_id: str, principal: Principal, change: Callable[[Lead], None]) -> Lead:
    """Load, change, save; a concurrent writer (a registration closing the lead) makes the change be tried once
    more on a fresh load, so it applies to the current lead or is refused for it."""
    for attempt in range(ATTEMPTS):
        lead = lead_in_reach(app, lead_id, principal)
        change(lead)
        try:
            app.save(lead)
            return lead
        except IntegrityError:
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")
