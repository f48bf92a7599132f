"""Background tasks of the asset register, run by Huey."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from assets.discovery.execute import execute_run


@db_task()
def run_discovery_task(run_id: int) -> int:
    """Perform a queued discovery run (from the web page or the schedule)."""
    from assets.models import DiscoveryRun

    run = DiscoveryRun.objects.select_related("range", "organisation").get(pk=run_id)
    return execute_run(run).pk


@db_periodic_task(crontab(minute="*"))
def scheduled_discovery_task(now=None) -> int:
    """Start the runs whose scheduled time has come (checked every minute).

    Ranges whose previous run is still going are skipped for that slot, never doubled.
    """
    from assets.actions.discovery import start_due_runs

    return len(start_due_runs(now=now, enqueue=run_discovery_task))


@db_periodic_task(crontab(hour="6", minute="0"))
def asset_alerts_task() -> int:
    """Email each asset manager the alerts of what they can see (once a day)."""
    from django.contrib.auth import get_user_model

    from assets.queries import alerts
    from core.roles import Role
    from core.tasks import send_email_task

    sent = 0
    managers = (
        get_user_model()
        .objects.filter(groups__name=Role.ASSET_MANAGER, is_active=True)
        .exclude(email="")
    )
    for manager in managers.distinct():
        found = alerts(manager, timezone.localdate())
        if not found:
            continue
        lines = [f"- {a.kind}: {a.subject} ({a.due or 'now'}) {a.detail}".rstrip() for a in found]
        send_email_task([manager.email], f"Asset alerts: {len(found)} to act on", "\n".join(lines))
        sent += 1
    return sent
