"""core models: tenancy, people, teams, calendars, audit and notifications."""

from core.models.audit import AuditEvent, AuditImmutableError
from core.models.calendars import (
    BusinessCalendar,
    CalendarClosure,
    HolidayRegion,
    OpeningHours,
    Weekday,
)
from core.models.notifications import Notification
from core.models.organisations import Department, Organisation, OrganisationKind, Site
from core.models.people import Team, TeamKind, User

__all__ = [
    "AuditEvent",
    "AuditImmutableError",
    "BusinessCalendar",
    "CalendarClosure",
    "Department",
    "HolidayRegion",
    "Notification",
    "OpeningHours",
    "Organisation",
    "OrganisationKind",
    "Site",
    "Team",
    "TeamKind",
    "User",
    "Weekday",
]
