"""Periodic work of service requests, run by Huey: SLA warnings and escalations."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from servicerequests.actions import do_escalate_request_breach, do_warn_request_breach
from servicerequests.choices import OPEN_REQUEST_STATUSES
from servicerequests.models import ServiceRequest


def sweep_request_sla(now: dt.datetime | None = None) -> dict[str, int]:
    """Warn about requests past 75% of their target and escalate breached ones, once each."""
    now = now or timezone.now()
    open_requests = ServiceRequest.objects.filter(status__in=OPEN_REQUEST_STATUSES)
    to_warn = open_requests.filter(sla_warned=False, sla_warn_at__lte=now).values_list(
        "pk", flat=True
    )
    to_escalate = open_requests.filter(sla_escalated=False, resolution_due__lte=now).values_list(
        "pk", flat=True
    )
    warned = sum(do_warn_request_breach(pk, at=now) for pk in list(to_warn))
    escalated = sum(do_escalate_request_breach(pk, at=now) for pk in list(to_escalate))
    return {"warned": warned, "escalated": escalated}


@db_periodic_task(crontab(minute="*/5"))
def request_sla_sweep_task() -> dict[str, int]:
    """Every five minutes: request SLA warnings and escalations."""
    return sweep_request_sla()
