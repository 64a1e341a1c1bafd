"""What each user has not opened yet, from the access log and the alerts' workflow: new alerts and returned
visits for the caseworker, escalations for the supervisor, new tasks for the informant; a read clears
them, a later visit or request makes them unread again; the counts hold across two view files projected
from the same stores (two API processes) and after a rebuild."""

from __future__ import annotations

from typing import Any

from domain.alerts.alert import Alert
from domain.alerts.application import AlertsApp
from domain.audit.application import AuditApp
from domain.identity.access import Principal
from projections import unread
from tests.projections.conftest import ViewsOn
from projections.rebuild import rebuild_in_place
from projections.runner import ProjectionRunner
from projections.view_store import ViewStore

GRID = "500103001001-03"
POPO = {"PERSISTENCE_MODULE": "eventsourcing.popo"}
CASEWORKER = Principal("cw-1", "caseworker", "500103")
COLLEAGUE = Principal("cw-2", "caseworker", "500103")
ELSEWHERE = Principal("cw-9", "caseworker", "500104")
SUPERVISOR = Principal("sup-1", "supervisor", "500103001")
INFORMANT = Principal("grid-3", "informant", GRID)
AUDITOR = Principal("aud-1", "auditor", "0")


def alert(household: str) -> Alert:
    return Alert(household=household, slot=f"MISSED.DIBAO|household:{household}", episode=1, rule="MISSED.DIBAO",
                 rule_version=1, category="MISSED", severity="high", subject_kind="household", subject=household,
                 resident=None, region="500103001001", raised_on="2025-08-01",
                 explanation={"title": {"zh": "标题", "en": "title"}}, grid=GRID)


class Stores:
    """The alerts and audit stores, and view files projected from them."""

    def __init__(self) -> None:
        self.alerts, self.audit = AlertsApp(env=POPO), AuditApp(env=POPO)

    def project(self, views: ViewStore) -> ViewStore:
        ProjectionRunner({"alerts": self.alerts, "audit": self.audit}, views).run_once()
        return views

    def opens(self, principal: Principal, a: Alert) -> None:
        self.audit.record_access(principal, a.household, "GET /work/alerts/{id}", "full", alert=str(a.id))


def counts(views: ViewStore, principal: Principal) -> dict[str, int]:
    return unread.counts(views, principal)


def test_new_alerts_and_a_returned_visit_for_the_caseworker(views_on: ViewsOn) -> None:
    stores = Stores()
    first, second = alert("H1"), alert("H2")
    stores.alerts.save(first, second)
    views = stores.project(views_on.open("v"))
    assert counts(views, CASEWORKER) == {"alerts": 2, "returned": 0}
    assert counts(views, ELSEWHERE) == {"alerts": 0, "returned": 0}  # outside the jurisdiction
    assert counts(views, AUDITOR) == {}
    assert unread.marks(views, CASEWORKER, [str(first.id), str(second.id)]) == {
        str(first.id): unread.NEW, str(second.id): unread.NEW}

    stores.opens(CASEWORKER, first)  # the alert page: read
    stores.audit.record_accesses(CASEWORKER, ["H2"], "GET /work", "full")  # a queue row is not an opening
    stores.project(views)
    assert counts(views, CASEWORKER) == {"alerts": 1, "returned": 0}
    assert counts(views, COLLEAGUE) == {"alerts": 2, "returned": 0}  # per user
    assert unread.counts(views, CASEWORKER, opening=str(second.id)) == {"alerts": 0, "returned": 0}

    second.acknowledge(by="cw-2", on="2025-08-02")  # a colleague took it: no longer new to anyone else
    first.acknowledge(by="cw-1", on="2025-08-02")
    first.request_verification(by="cw-1", on="2025-08-02")
    stores.alerts.save(first, second)
    stores.project(views)
    assert counts(views, CASEWORKER) == {"alerts": 0, "returned": 0}
    assert counts(views, COLLEAGUE) == {"alerts": 1, "returned": 0}

    first.record_verification(outcome="found_as_reported", note="属实", by="grid-3", on="2025-08-03")
    stores.alerts.save(first)
    stores.project(views)
    assert counts(views, CASEWORKER) == {"alerts": 0, "returned": 1}  # read before the visit came back
    assert counts(views, COLLEAGUE)["returned"] == 0  # not theirs
    assert unread.marks(views, CASEWORKER, [str(first.id)]) == {str(first.id): unread.RETURNED}
    stores.opens(CASEWORKER, first)
    stores.project(views)
    assert counts(views, CASEWORKER) == {"alerts": 0, "returned": 0}


def test_a_task_is_new_to_the_informant_until_seen_and_again_when_asked_anew(views_on: ViewsOn) -> None:
    stores = Stores()
    a = alert("H3")
    a.acknowledge(by="cw-1", on="2025-08-02")
    stores.alerts.save(a)
    views = stores.project(views_on.open("v"))
    assert counts(views, INFORMANT) == {"tasks": 0}
    a.request_verification(by="cw-1", on="2025-08-02")
    stores.alerts.save(a)
    stores.project(views)
    assert counts(views, INFORMANT) == {"tasks": 1}
    assert counts(views, Principal("grid-4", "informant", "500103001001-04")) == {"tasks": 0}  # another grid

    stores.audit.record_alert_accesses(INFORMANT, [("H3", str(a.id))], "GET /field/tasks", "masked")
    stores.project(views)
    assert counts(views, INFORMANT) == {"tasks": 0}
    a.record_verification(outcome="could_not_reach", note="无人", by="grid-3", on="2025-08-03")
    a.request_verification(by="cw-1", on="2025-08-04")  # another visit: a new task
    stores.alerts.save(a)
    stores.project(views)
    assert counts(views, INFORMANT) == {"tasks": 1}
    assert unread.marks(views, INFORMANT, [str(a.id)]) == {str(a.id): unread.NEW}


def test_an_escalation_is_new_to_the_supervisor_and_a_refusal_opens_nothing(views_on: ViewsOn) -> None:
    stores = Stores()
    a = alert("H4")
    stores.alerts.save(a)
    views = stores.project(views_on.open("v"))
    stores.opens(SUPERVISOR, a)  # read before it was escalated
    stores.project(views)
    assert counts(views, SUPERVISOR) == {"alerts": 0, "returned": 0}
    a.escalate(on="2025-08-12", to="500103001", deadline="2025-08-08")
    stores.alerts.save(a)
    stores.audit.record_refusal(CASEWORKER, "GET /work/alerts/{id}", "outside_jurisdiction", "H4", str(a.id))
    stores.project(views)
    assert counts(views, SUPERVISOR) == {"alerts": 1, "returned": 0}
    assert counts(views, CASEWORKER)["alerts"] == 1  # a refused attempt is no reading
    stores.opens(SUPERVISOR, a)
    stores.project(views)
    assert counts(views, SUPERVISOR) == {"alerts": 0, "returned": 0}


def test_two_view_files_of_the_same_stores_agree_and_a_rebuild_keeps_the_counts(views_on: ViewsOn) -> None:
    """Two API processes each read their views: what one user opened through one is unread in neither."""
    stores = Stores()
    a, b = alert("H5"), alert("H6")
    stores.alerts.save(a, b)
    stores.opens(CASEWORKER, a)
    one, other = views_on.open("one"), views_on.open("other")
    stores.project(one)
    stores.project(other)
    assert counts(one, CASEWORKER) == counts(other, CASEWORKER) == {"alerts": 1, "returned": 0}
    rebuild_in_place({"alerts": stores.alerts, "audit": stores.audit}, one)
    assert counts(one, CASEWORKER) == {"alerts": 1, "returned": 0}


def test_a_view_file_of_the_previous_version_is_rebuilt_with_the_new_tables(views_on: ViewsOn) -> None:
    views_on.open("old").close()
    with views_on.raw("old") as db:
        db.execute("INSERT INTO tracking (source, position) VALUES ('audit', 7)")
        db.set_version(2)
    views: Any = views_on.open("old")
    assert views.position("audit") == 0  # replayed from the start: the opened alerts are filled in
    assert views.query("SELECT COUNT(*) AS n FROM alert_opened")[0]["n"] == 0
