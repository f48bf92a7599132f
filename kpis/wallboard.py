"""The daily operational view (wallboard): today's calls, backlog, breaches and agents' load.

Plain aggregate queries over the calls a person may see, computed again whenever the
wallboard is told that something changed: each call change a service desk action announces
(after commit), and every minute kpis.tasks.wallboard_tick_task for changes made in bulk.
Each socket coalesces a burst of changes into one recomputation (kpis.consumers).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone

from kpis.metrics import Cut, Period, PeriodKind, Source
from servicedesk.choices import OPEN_STATUSES, IncidentStatus


def wallboard_group(organisation_id: int) -> str:
    """The channel-layer group of wallboards showing one organisation's calls."""
    return f"kpis.wallboard.org.{organisation_id}"


def wallboard_figures(
    user, organisation_id: int | None = None, now: dt.datetime | None = None
) -> dict:
    """Today's figures for the wallboard, limited to what `user` may see (JSON-ready): calls
    are incidents and service requests; unassigned, pending and agents' load are incidents'."""
    now = now or timezone.now()
    today = Period.containing(PeriodKind.DAY, timezone.localdate(now))
    source = Source(user, Cut(organisation=organisation_id))
    figures = {
        "logged_today": 0,
        "resolved_today": 0,
        "open": 0,
        "unassigned": 0,
        "pending": 0,
        "breached": 0,
        "due_next_hour": 0,
    }
    agents: dict[int, dict] = {}
    _add_request_figures(figures, source, today, now)
    calls = source.incidents()
    row = calls.order_by().aggregate(
        logged_today=Count("id", filter=Q(opened_at__gte=today.start, opened_at__lt=today.end)),
        resolved_today=Count(
            "id", filter=Q(resolved_at__gte=today.start, resolved_at__lt=today.end)
        ),
        open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
        unassigned=Count("id", filter=Q(status__in=OPEN_STATUSES, assignee__isnull=True)),
        pending=Count("id", filter=Q(status=IncidentStatus.PENDING)),
        breached=Count("id", filter=Q(status__in=OPEN_STATUSES, resolution_due__lt=now)),
        due_next_hour=Count(
            "id",
            filter=Q(
                status__in=OPEN_STATUSES,
                resolution_due__gte=now,
                resolution_due__lt=now + dt.timedelta(hours=1),
            ),
        ),
    )
    for key, value in row.items():
        figures[key] += value or 0
    load = (
        calls.filter(assignee__isnull=False)
        .filter(
            Q(status__in=OPEN_STATUSES) | Q(resolved_at__gte=today.start, resolved_at__lt=today.end)
        )
        .order_by()
        .values("assignee", "assignee__username", "assignee__first_name", "assignee__last_name")
        .annotate(
            open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
            resolved_today=Count(
                "id", filter=Q(resolved_at__gte=today.start, resolved_at__lt=today.end)
            ),
            breached=Count("id", filter=Q(status__in=OPEN_STATUSES, resolution_due__lt=now)),
        )
    )
    for entry in load:
        name = f"{entry['assignee__first_name']} {entry['assignee__last_name']}".strip()
        agent = agents.setdefault(
            entry["assignee"],
            {
                "name": name or entry["assignee__username"],
                "open": 0,
                "resolved_today": 0,
                "breached": 0,
            },
        )
        for key in ("open", "resolved_today", "breached"):
            agent[key] += entry[key]
    figures["agents"] = sorted(agents.values(), key=lambda agent: (-agent["open"], agent["name"]))
    figures["at"] = timezone.localtime(now).strftime("%H:%M:%S")
    return figures


def _add_request_figures(figures: dict, source: Source, today: Period, now: dt.datetime) -> None:
    """Add today's service requests to the call figures: logged, fulfilled, open (awaiting
    approval or fulfilment), breached and due in the next hour. Unassigned, pending and the
    agents' load are incident measures (a request's work is its fulfilment tasks)."""
    from servicerequests.choices import OPEN_REQUEST_STATUSES

    open_requests = Q(status__in=OPEN_REQUEST_STATUSES)
    row = (
        source.requests()
        .order_by()
        .aggregate(
            logged_today=Count("id", filter=Q(opened_at__gte=today.start, opened_at__lt=today.end)),
            resolved_today=Count(
                "id", filter=Q(resolved_at__gte=today.start, resolved_at__lt=today.end)
            ),
            open=Count("id", filter=open_requests),
            breached=Count("id", filter=open_requests & Q(resolution_due__lt=now)),
            due_next_hour=Count(
                "id",
                filter=open_requests
                & Q(resolution_due__gte=now, resolution_due__lt=now + dt.timedelta(hours=1)),
            ),
        )
    )
    for key, value in row.items():
        figures[key] += value or 0
