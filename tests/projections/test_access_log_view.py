"""The access log view: refusals listed and filtered beside reads; a view file from before refusals were
recorded is given the new columns in place, its rows read as granted (no rebuild needed)."""

from __future__ import annotations


from domain.audit.access_log import NOTHING, REFUSED, ROLE_NOT_ALLOWED, Access
from projections import access_log
from projections.view_store import VIEWS_VERSION
from tests.projections.conftest import ViewsOn

OLD_TABLE = """CREATE TABLE access_log (access_id TEXT PRIMARY KEY, at TEXT NOT NULL, household TEXT NOT NULL,
    "user" TEXT NOT NULL, role TEXT NOT NULL, route TEXT NOT NULL, shown TEXT NOT NULL);
CREATE TABLE tracking (source TEXT PRIMARY KEY, position INTEGER NOT NULL);"""


def test_an_older_view_file_keeps_its_reads_as_granted(views_on: ViewsOn) -> None:
    with views_on.raw() as db:
        db.script(OLD_TABLE)
        db.execute("INSERT INTO access_log VALUES ('a-1', '2026-11-01T01:00:00+00:00', 'H1', 'cw-1', 'caseworker',"
                   " 'GET /api/v1/households/{id}', 'full')")
        db.set_version(VIEWS_VERSION)
    views = views_on.open()
    try:
        (row,) = views.query("SELECT * FROM access_log")
        assert (row["household"], row["outcome"], row["reason"], row["alert"]) == ("H1", "granted", None, None)
    finally:
        views.close()


def test_refusals_are_filtered_by_outcome_reason_and_alert(views_on: ViewsOn) -> None:
    views = views_on.open()
    read = Access(household="H1", user="cw-1", role="caseworker", route="GET /households/{id}", shown="full")
    refused = Access(household="", user="grid-3", role="informant", route="GET /work/alerts/{id}", shown=NOTHING,
                     outcome=REFUSED, reason=ROLE_NOT_ALLOWED, alert="a-9")
    try:
        with views.transaction() as db:
            for event in (*read.collect_events(), *refused.collect_events()):
                access_log.apply(db, event)
        assert access_log.query(views, None, None, 10, 0)[0] == 2
        total, rows = access_log.query(views, None, None, 10, 0, outcome=REFUSED)
        assert total == 1 and (rows[0]["user"], rows[0]["reason"], rows[0]["alert"]) == ("grid-3", ROLE_NOT_ALLOWED,
                                                                                          "a-9")
        assert access_log.query(views, None, None, 10, 0, alert="a-9")[0] == 1
        assert access_log.query(views, "H1", None, 10, 0, outcome="granted")[0] == 1
    finally:
        views.close()
