"""What routes and pages are handed: one provider per service, for `Depends(...)`.

A route names the services it uses in its signature
(`workflow: Annotated[AlertsApp, Depends(alert_workflow)]`, or its alias `workflow: Workflow`), so what
it reaches is plain to read and a test may hand it a stand-in (`app.dependency_overrides`). This module alone reads
what the app factory put on `app.state`: the process's `Services` and its `Runtime` (components).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, Callable

from fastapi import Depends, FastAPI, Request

from domain.alerts.application import AlertsApp
from domain.audit.application import AuditApp
from domain.households.application import HouseholdsApp
from domain.identity.application import IdentityApp
from domain.identity.authorizer import Authorizer
from domain.policy.policy_service import PolicyService
from infra.services import Services
from infra.settings import Settings
from projections.as_of import AsOf
from projections.household_history import HouseholdHistory
from projections.report_cache import ReportCache
from projections.view_store import ViewStore
from rules.assessment import Assessor

from infra.imports.jobs import ImportJobs

if TYPE_CHECKING:
    from infra.runtime import Runtime


def install(app: FastAPI, services: Services | None, runtime: "Runtime | None") -> None:
    """Bind the app to one process (the app factory calls this once)."""
    app.state.services = services
    app.state.runtime = runtime


def services(request: Request) -> Services:
    """The whole bundle: for helpers shared by routes and pages that use several services."""
    return request.app.state.services  # type: ignore[no-any-return]


def _runtime(request: Request) -> "Runtime":
    return request.app.state.runtime  # type: ignore[no-any-return]


def settings(request: Request) -> Settings:
    return services(request).settings


def households(request: Request) -> HouseholdsApp:
    return services(request).households


def alerts(request: Request) -> AlertsApp:
    return services(request).alerts


def views(request: Request) -> ViewStore:
    return services(request).views


def intake(request: Request) -> HouseholdsApp:
    return services(request).intake


def corrections(request: Request) -> HouseholdsApp:
    return services(request).corrections


def policy(request: Request) -> PolicyService:
    return services(request).policy


def alert_workflow(request: Request) -> AlertsApp:
    return services(request).workflow


def assessor(request: Request) -> Assessor:
    return services(request).assessor


def reports(request: Request) -> ReportCache:
    """The process's district reports, kept while nothing they read has changed (`projections.report_cache`)."""
    return services(request).reports


def imports(request: Request) -> "ImportJobs":
    return services(request).imports


def identity(request: Request) -> IdentityApp:
    return services(request).identity


def access_audit(request: Request) -> AuditApp:
    return services(request).audit


def history(request: Request) -> HouseholdHistory:
    return services(request).history


def as_of(request: Request) -> AsOf:
    return services(request).as_of


def authorizer(request: Request) -> Authorizer:
    return services(request).authorizer


def today(request: Request) -> date:
    """The clock's day (the scenario clock when one is set, else the calendar's)."""
    return services(request).assessor.clock() or date.today()


def health_report(request: Request) -> Callable[[], dict[str, Any]]:
    """The process's `health()`: every component up or down, with its lag."""
    return _runtime(request).health


def views_lag(request: Request) -> Callable[[], Any]:
    """How far the read views are behind (falsy when caught up, or when this process runs no projections)."""
    return getattr(_runtime(request), "views_lag", lambda: None)  # a stand-in runtime may have no views


# What a route's parameters are annotated with: `def route(views: Views, today: Today)`.
AllServices = Annotated[Services, Depends(services)]
AppSettings = Annotated[Settings, Depends(settings)]
Households = Annotated[HouseholdsApp, Depends(households)]
Alerts = Annotated[AlertsApp, Depends(alerts)]
Views = Annotated[ViewStore, Depends(views)]
Intake = Annotated[HouseholdsApp, Depends(intake)]
Corrections = Annotated[HouseholdsApp, Depends(corrections)]
Policy = Annotated[PolicyService, Depends(policy)]
Workflow = Annotated[AlertsApp, Depends(alert_workflow)]
Assessment = Annotated[Assessor, Depends(assessor)]
Identity = Annotated[IdentityApp, Depends(identity)]
Imports = Annotated[ImportJobs, Depends(imports)]
Reports = Annotated[ReportCache, Depends(reports)]
Audit = Annotated[AuditApp, Depends(access_audit)]
History = Annotated[HouseholdHistory, Depends(history)]
AsOfQuery = Annotated[AsOf, Depends(as_of)]
Access = Annotated[Authorizer, Depends(authorizer)]
Today = Annotated[date, Depends(today)]
HealthReport = Annotated[Callable[[], dict[str, Any]], Depends(health_report)]
ViewsLag = Annotated[Callable[[], Any], Depends(views_lag)]
