"""The district reports kept and warmed ahead of the pages (`ReportCache`, `ReportWarmer`) equal the same
reports computed from nothing: after the warm-up, after new households and observations, a correction,
a withdrawal, new alert steps and a rebuild of the views. A read recorded in the access log keeps them;
a household event does not."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from api.cli.demo.synthetic import generate_district
from domain.alerts.alert import Alert
from domain.alerts.application import AlertsApp
from domain.audit.application import AuditApp
from domain.households.application import HouseholdsApp
from domain.households.reads import observations_of
from domain.identity.access import Principal
from projections import dashboard
from projections.equity import equity, equity_report
from projections.rebuild import rebuild_in_place
from projections.report_cache import ReportCache
from projections.report_warmer import ReportWarmer
from projections.response_times import alerts_in, response_times, response_times_report
from projections.runner import ProjectionRunner
from projections.view_store import ViewStore

TODAY = date(2025, 11, 30)
POPO = {"PERSISTENCE_MODULE": "eventsourcing.popo"}
AUDITOR = Principal("auditor-1", "auditor", "0")


class District:
    """Stores in memory, views in SQLite, the projections run by hand, one cache and its warmer."""

    def __init__(self, tmp_path: Path) -> None:
        self.envelopes = generate_district(households=30, as_of=TODAY)
        self.households = HouseholdsApp(env=POPO)
        self.alerts = AlertsApp(env=POPO)
        self.audit = AuditApp(env=POPO)
        assert {o.status for o in self.households.accept_batch(self.envelopes)} == {"accepted"}
        self.apps = {"households": self.households, "alerts": self.alerts, "audit": self.audit}
        self.views = ViewStore(tmp_path / "views.sqlite")
        self.reports = ReportCache(self.views, self.households)
        self.warmer = ReportWarmer(self.reports, self.views, lambda: TODAY)
        self.project()

    def project(self) -> None:
        runner = ProjectionRunner(self.apps, self.views)
        while runner.run_once():
            pass

    def warm(self) -> None:
        """Two looks at settled views: the first sees them, the second computes."""
        assert self.warmer.step() is False
        assert self.warmer.step() is True
        assert self.warmer.step() is False  # nothing new since

    def kept(self) -> dict[str, Any]:
        """The reports as the pages read them (from the cache, computed only where the key is new)."""
        return {"equity": equity_report_kept(self), "response_times": response_kept(self),
                **{f"response_times_by_{by}": response_kept(self, by) for by in ("rule", "caseworker")},
                "dashboard": dashboard.dashboard_figures(self.reports, self.views, "", TODAY, 12, None)}

    def fresh(self) -> dict[str, Any]:
        """The same reports computed from the stores and views, nothing kept."""
        read = lambda household: observations_of(self.households, household)  # noqa: E731
        nothing = ReportCache(self.views, self.households)
        return {"equity": equity(self.views, "", read, TODAY),
                "response_times": response_times(alerts_in(self.views, "", None, None), "community", read),
                **{f"response_times_by_{by}": response_times(alerts_in(self.views, "", None, None), by, read)
                   for by in ("rule", "caseworker")},
                "dashboard": dashboard.dashboard_figures(nothing, self.views, "", TODAY, 12, None)}

    def raise_alert(self, household: str, region: str, rule: str = "MISSED.DIBAO") -> Alert:
        alert = Alert(household=household, slot=f"{rule}|household:{household}", episode=1, rule=rule, rule_version=1,
                      category=rule.split(".")[0], severity="high", subject_kind="household", subject=household,
                      resident=None, region=region, raised_on="2025-11-01",
                      explanation={"title": {"zh": "标题", "en": "title"}, "event_ids": []})
        self.alerts.save(alert)
        return alert


def equity_report_kept(district: District) -> dict[str, Any]:
    return equity_report(district.reports, district.views, "", TODAY)


def response_kept(district: District, by: str = "community") -> list[dict[str, Any]]:
    return response_times_report(district.reports, district.views, "", None, None, by)


@pytest.fixture()
def district(tmp_path: Path) -> District:
    return District(tmp_path)


def registered(district: District) -> list[dict[str, Any]]:
    return [e for e in district.envelopes if e["kind"] == "household.registered"]


def sender(district: District, envelope: dict[str, Any]) -> Principal:
    """The informant who sent `envelope`, in the grid of its household (as the intake knew them)."""
    grid = next(e["data"]["grid"] for e in registered(district) if e["household"] == envelope["household"])
    return Principal(envelope["informant"], "informant", grid)


def test_warmed_reports_equal_the_reports_computed_from_nothing(district: District) -> None:
    first = registered(district)[0]
    district.raise_alert(first["household"], first["data"]["region"])
    district.project()
    district.warm()
    assert district.warmer.warmed == 1
    warmed = {key[0] for key in district.reports._reports}  # what a page finds computed already
    assert warmed == {"equity", "response_times", "response_time_stages", "dashboard"}
    assert district.kept() == district.fresh()
    assert district.kept()["equity"]["residents"] > 30


def test_kept_reports_follow_new_events_a_correction_a_withdrawal_and_alert_steps(district: District) -> None:
    district.warm()
    before = district.kept()
    new = dict(registered(district)[0], observation_id="new-1", household="H-NEW-1", informant="t")
    new["data"] = dict(new["data"], members=[dict(m, resident=f"H-NEW-1-{i}")
                                             for i, m in enumerate(new["data"]["members"], 1)])
    assert district.households.accept(new).status == "accepted"
    district.project()
    assert district.kept() == district.fresh()
    assert district.kept()["equity"]["residents"] > before["equity"]["residents"]

    disability = next(e for e in district.envelopes if e["kind"] == "resident.disability_assessed")
    disabled = lambda: {g["group"]: g["residents"] for g in district.kept()["equity"]["groups"]["disability"]}  # noqa: E731
    had = disabled()
    assert district.households.retract(disability["observation_id"], "录错了", sender(district, disability)).status == "retracted"
    district.project()
    assert district.kept() == district.fresh()
    assert disabled()["disabled"] == had["disabled"] - 1

    income = next(e for e in district.envelopes if e["kind"] == "household.income_reported")
    corrected = dict(income, observation_id="corrected-1", data=dict(income["data"], monthly_income=1.0))
    outcome = district.households.correct(income["observation_id"], corrected, sender(district, income))
    assert outcome.status == "accepted"
    district.project()
    assert district.kept() == district.fresh()

    region = registered(district)[1]["data"]["region"]
    alert = district.raise_alert(registered(district)[1]["household"], region)
    alert.acknowledge(by="cw", on="2025-11-03")
    alert.resolve(outcome="enrolled", by="cw", on="2025-11-10", note="已纳入")
    district.alerts.save(alert)
    district.project()
    district.warm()
    kept = district.kept()
    assert kept == district.fresh()
    assert sum(g["alerts"] for g in kept["response_times"]) == 1
    assert kept["dashboard"]["totals"]["open"] == 0


def test_kept_reports_equal_the_recomputation_after_a_rebuild(district: District) -> None:
    first = registered(district)[0]
    district.raise_alert(first["household"], first["data"]["region"])
    district.project()
    district.warm()
    rebuild_in_place(district.apps, district.views)
    assert district.kept() == district.fresh()
    district.views.reset()  # emptied, not yet replayed: the kept reports must not outlive it
    assert district.kept()["equity"]["residents"] == 0
    assert district.kept() == district.fresh()
    district.project()
    assert district.kept() == district.fresh()


def test_a_recorded_read_keeps_the_reports_and_a_household_event_drops_them(district: District) -> None:
    district.warm()
    kept = district.kept()
    district.audit.record_access(AUDITOR, registered(district)[0]["household"], "GET /audit/households/{id}", "full")
    district.project()
    assert district.views.position("audit") > 0
    assert district.kept()["equity"] is kept["equity"]  # the same object: not computed again
    visit = {"observation_id": "visit-1", "informant": "t", "observed_at": "2025-11-29T10:00:00+08:00",
             "kind": "household.visited", "household": registered(district)[0]["household"],
             "data": {"purpose": "routine"}}
    assert district.households.accept(visit).status == "accepted"
    assert district.kept()["equity"] is not kept["equity"]  # the store moved on before the views did
    assert district.kept() == district.fresh()
