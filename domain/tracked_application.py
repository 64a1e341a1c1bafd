"""The base of the event-sourced applications: each has its own store (one SQLite file each, since
eventsourcing's SQLite table names are fixed; on PostgreSQL, tables named after the application)."""

from __future__ import annotations

from eventsourcing.application import Application


class TrackedApplication(Application):
    """An application with a larger notification-log section (readers tail it in big steps)."""

    log_section_size = 1000
