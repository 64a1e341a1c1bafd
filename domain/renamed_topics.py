"""Old topics of moved modules, so that events stored before the restructuring still load.

A stored event names its class by topic (`domain.alert:Alert.Raised`); issue 15 moved the modules
into one folder per application, so each old module name is registered for its new module.
"""

from __future__ import annotations

from eventsourcing.utils import register_topic

from domain.alerts import alert
from domain.audit import access_log
from domain.households import clock, household, receipt, resident
from domain.identity import jurisdiction, user
from domain.policy import book

MOVED = {
    "domain.alert": alert,
    "domain.access_log": access_log,
    "domain.clock": clock,
    "domain.household": household,
    "domain.receipt": receipt,
    "domain.resident": resident,
    "domain.jurisdiction": jurisdiction,
    "domain.user": user,
    "domain.policy": book,
}

for old_module, new_module in MOVED.items():
    register_topic(old_module, new_module)
