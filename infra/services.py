"""The services one process offers its entrypoints: what a request, a page or a command needs.

Built once by the composition root (`infra.bootstrap`) and handed to the HTTP app, which gives each
route only the ones it names (`api.http.dependencies`). No components here: the loops with
start/stop/health are `infra.runtime.Runtime`.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.alerts.application import AlertsApp
from domain.audit.application import AuditApp
from domain.households.application import HouseholdsApp
from domain.identity.application import IdentityApp
from domain.identity.authorizer import Authorizer
from domain.policy.policy_service import PolicyService
from infra.imports.jobs import ImportJobs
from infra.integrity import KeptVerdicts
from infra.settings import Settings
from projections.as_of import AsOf
from projections.household_history import HouseholdHistory
from projections.report_cache import ReportCache
from projections.view_store import ViewStore
from rules.assessment import Assessor


@dataclass(frozen=True)
class Services:
    """The stores' applications and the services over them, shared by every entrypoint of a process."""

    settings: Settings
    households: HouseholdsApp
    alerts: AlertsApp
    views: ViewStore
    intake: HouseholdsApp  # the households application, under the name its callers know it by
    corrections: HouseholdsApp
    policy: PolicyService
    workflow: AlertsApp  # the alerts application's workflow commands
    assessor: Assessor
    identity: IdentityApp
    audit: AuditApp
    history: HouseholdHistory
    as_of: AsOf
    authorizer: Authorizer
    reports: ReportCache  # the district reports, kept per views position (`projections.report_cache`)
    integrity: KeptVerdicts  # each log's hash-chain verdict, kept while its files are unchanged
    imports: ImportJobs  # department imports' progress and reports (`qianshao import`, /imports)
