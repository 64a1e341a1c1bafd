"""Access records: a refusal says why; a record stored before refusals were recorded still reads (upcast)."""

from __future__ import annotations

from dataclasses import replace

from eventsourcing.application import Application

from domain.audit.access_log import GRANTED, NOTHING, OUTSIDE_JURISDICTION, REFUSED, Access


def test_a_refusal_keeps_who_what_and_why() -> None:
    refused = Access(household="H1", user="cw-2", role="caseworker", route="GET /api/v1/households/{id}",
                     shown=NOTHING, outcome=REFUSED, reason=OUTSIDE_JURISDICTION, alert="a-1")
    assert (refused.outcome, refused.reason, refused.alert, refused.shown) == (REFUSED, OUTSIDE_JURISDICTION, "a-1",
                                                                                NOTHING)
    read = Access(household="H1", user="cw-1", role="caseworker", route="GET /households/{id}", shown="full")
    assert (read.outcome, read.reason, read.alert) == (GRANTED, None, None)


def test_a_record_stored_before_version_2_reads_as_a_granted_read() -> None:
    """Rewrite a stored event as version 1 wrote it (no outcome, reason, alert, no class_version) and load it."""
    app = Application()
    read = Access(household="H1", user="cw-1", role="caseworker", route="GET /api/v1/households/{id}", shown="full")
    app.save(read)
    (stored,) = app.recorder.select_events(read.id)
    state = app.mapper.transcoder.decode(stored.state)
    assert state.pop("class_version") == 2
    for field in ("outcome", "reason", "alert"):
        del state[field]
    old = Application()
    old.recorder.insert_events([replace(stored, state=old.mapper.transcoder.encode(state))])
    loaded = old.repository.get(read.id)
    assert (loaded.household, loaded.user, loaded.shown) == ("H1", "cw-1", "full")
    assert (loaded.outcome, loaded.reason, loaded.alert) == (GRANTED, None, None)
