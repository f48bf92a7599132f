"""Periodic work of the service desk, run by Huey: SLA warnings, escalations, auto-closure."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from core.exceptions import ActionError
from servicedesk.actions import (
    do_auto_close_incident,
    do_escalate_incident_breach,
    do_warn_incident_breach,
)
from servicedesk.choices import OPEN_STATUSES, IncidentStatus
from servicedesk.models import Incident


def sweep_sla(now: dt.datetime | None = None) -> dict[str, int]:
    """Warn about calls past 75% of their target and escalate breached ones, once each."""
    now = now or timezone.now()
    open_calls = Incident.objects.filter(status__in=OPEN_STATUSES)
    to_warn = open_calls.filter(sla_warned=False, sla_warn_at__lte=now).values_list("pk", flat=True)
    to_escalate = open_calls.filter(sla_escalated=False, resolution_due__lte=now).values_list(
        "pk", flat=True
    )
    warned = sum(do_warn_incident_breach(pk, at=now) for pk in list(to_warn))
    escalated = sum(do_escalate_incident_breach(pk, at=now) for pk in list(to_escalate))
    return {"warned": warned, "escalated": escalated}


def sweep_auto_close(now: dt.datetime | None = None) -> int:
    """Close resolved calls whose working days for an answer have passed."""
    now = now or timezone.now()
    due = Incident.objects.filter(status=IncidentStatus.RESOLVED, auto_close_at__lte=now)
    closed = 0
    for pk in list(due.values_list("pk", flat=True)):
        try:
            do_auto_close_incident(pk, at=now)
            closed += 1
        except ActionError:
            continue  # reopened or closed by someone else meanwhile
    return closed


@db_periodic_task(crontab(minute="*/5"))
def sla_sweep_task() -> dict[str, int]:
    """Every five minutes: SLA warnings and escalations."""
    return sweep_sla()


@db_periodic_task(crontab(minute="7"))
def auto_close_task() -> int:
    """Hourly: close resolved calls nobody answered."""
    return sweep_auto_close()
