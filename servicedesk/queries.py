"""Read queries of the service desk: queues and lists shared by views, exports and benchmarks."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from core.visibility import visible_to
from servicedesk.choices import OPEN_STATUSES
from servicedesk.models import Incident

QUEUES = {
    "mine": "My calls",
    "teams": "My teams' calls",
    "unassigned": "Unassigned calls",
    "breaching": "Breaching soon",
    "breached": "Breached",
    "open": "All open calls",
}

# Columns every incident table shows; fetched in the one query that reads the page.
TABLE_RELATED = ("caller", "team", "assignee", "service", "category__parent")


def incidents_for(user) -> QuerySet:
    """Every call the user may see, with what the tables show."""
    return visible_to(Incident.objects.select_related(*TABLE_RELATED), user)


def open_incidents(user) -> QuerySet:
    """The open calls the user may see."""
    return incidents_for(user).filter(status__in=OPEN_STATUSES)


def queue(name: str, user, now: dt.datetime | None = None) -> QuerySet:
    """One of the desk's queues (see QUEUES) as a queryset for `user`."""
    now = now or timezone.now()
    calls = open_incidents(user)
    if name == "mine":
        return calls.filter(assignee=user)
    if name == "teams":
        team_ids = list(user.teams.filter(is_active=True).values_list("pk", flat=True))
        return calls.filter(team_id__in=team_ids)
    if name == "unassigned":
        return calls.filter(assignee__isnull=True)
    if name == "breaching":
        return calls.filter(sla_warn_at__lte=now, resolution_due__gt=now)
    if name == "breached":
        return calls.filter(resolution_due__lte=now)
    if name == "open":
        return calls
    raise KeyError(name)


def my_calls(user) -> QuerySet:
    """The calls a person logged or had logged for them (the portal's list)."""
    return Incident.objects.select_related(*TABLE_RELATED).filter(caller=user)


def open_major_incident_ids() -> list[int]:
    """Primary keys of the open major incidents, from their small partial index.

    Read on their own because combined with a visibility filter (an OR) SQLite walks a
    whole organisation's open calls instead; there are only ever a handful of these.
    """
    return list(
        Incident.objects.filter(is_major=True, status__in=OPEN_STATUSES).values_list(
            "pk", flat=True
        )
    )
