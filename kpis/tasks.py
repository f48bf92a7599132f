"""Background work of kpis: wallboard ticks, survey sampling, and the emailed reports."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from core.exports import XLSX_TYPE
from core.realtime import broadcast
from kpis.actions.surveys import do_invite_monthly_survey, do_invite_post_resolution, subscribers
from kpis.excel import report_workbook
from kpis.metrics import Cut, PeriodKind, last_complete_period
from kpis.reports import build_report, format_value
from kpis.wallboard import wallboard_group

TICK_WINDOW = dt.timedelta(seconds=70)


def wallboard_tick(now: dt.datetime | None = None) -> list[int]:
    """Tell the wallboards of every organisation whose calls changed in the last minute.

    Changes made through the service desk's actions are announced at once; this catches
    the ones made in bulk (sweeps, imports) that announce nothing.
    """
    from servicedesk.models import Incident

    now = now or timezone.now()
    organisations = sorted(
        set(
            Incident.objects.filter(updated_at__gte=now - TICK_WINDOW)
            .order_by()
            .values_list("organisation", flat=True)
            .distinct()
        )
    )
    for organisation_id in organisations:
        # The message carries no figures: each socket recomputes them for its own user.
        broadcast(wallboard_group(organisation_id), {"type": "wallboard.changed"})
    return organisations


@db_periodic_task(crontab(minute="*"))
def wallboard_tick_task() -> list[int]:
    """Every minute: refresh the wallboards of organisations with changed calls."""
    return wallboard_tick()


def sample_resolved_calls(now: dt.datetime | None = None) -> int:
    """Survey a random share of the calls resolved in the hour before `now`."""
    now = now or timezone.now()
    return len(do_invite_post_resolution(resolved_since=now - dt.timedelta(hours=1), now=now))


@db_periodic_task(crontab(minute="15"))
def sample_resolved_calls_task() -> int:
    """Hourly: each resolved call is considered once, in the hour after its resolution."""
    return sample_resolved_calls()


@db_periodic_task(crontab(day="1", hour="9", minute="0"))
def monthly_survey_task() -> int:
    """On the 1st at 09:00: invite this month's random sample of staff to the survey."""
    return len(do_invite_monthly_survey(month=timezone.localdate()))


def email_reports(kind: str, today: dt.date | None = None) -> int:
    """Email the weekly report or the monthly pack of the last complete period to each
    subscribed manager, computed with their own visibility, the workbook attached."""
    period_kind = PeriodKind.WEEK if kind == "weekly" else PeriodKind.MONTH
    period = last_complete_period(period_kind, today)
    title = "Weekly KPI report" if kind == "weekly" else "Monthly KPI pack"
    page = reverse("kpis:weekly_report" if kind == "weekly" else "kpis:monthly_pack")
    # Emails are read outside the site: links must be absolute.
    base_url = settings.SITE_URL.rstrip("/")
    sent = 0
    for subscription in subscribers(kind):
        person = subscription.person
        cut = Cut(organisation=subscription.organisation_id)
        report = build_report(person, period, cut, title=f"{title} {period.label}", breakdowns=True)
        lines = [
            f"{line.kpi.title}: {format_value(line.measure.value, line.kpi.unit)}"
            + (f" (target {line.target.target}, {line.rag.label})" if line.target else "")
            for line in report.lines
        ]
        body = "\n".join(
            [
                f"{report.title}",
                "",
                *lines,
                "",
                f"Printable version: {base_url}{page}?day={period.first}",
            ]
        )
        buffer = BytesIO()
        report_workbook(report).save(buffer)
        message = EmailMessage(f"[civicdesk] {report.title}", body, to=[person.email])
        message.attach(f"{report.title.replace(' ', '-')}.xlsx", buffer.getvalue(), XLSX_TYPE)
        message.send()
        sent += 1
    return sent


@db_periodic_task(crontab(day_of_week="1", hour="7", minute="0"))
def weekly_report_task() -> int:
    """Mondays 07:00: the weekly report of last week to subscribed managers."""
    return email_reports("weekly")


@db_periodic_task(crontab(day="1", hour="7", minute="30"))
def monthly_pack_task() -> int:
    """The 1st of the month, 07:30: the monthly pack of last month to subscribed managers."""
    return email_reports("monthly")
