"""Periodic tasks: SLA warning at 75% and escalation at breach (once each), auto-closure."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from core.audit import history_of
from servicedesk import actions
from servicedesk.models import Incident
from servicedesk.tasks import auto_close_task, sla_sweep_task, sweep_auto_close, sweep_sla

pytestmark = pytest.mark.django_db


def test_should_warn_the_team_at_75_percent_once(
    desk, log_call, django_capture_on_commit_callbacks
):
    desk.desk.email = "desk@example.gov.uk"
    desk.desk.save()
    incident = log_call()  # 8 h target, 24×7 (no calendar): warning after 6 h
    mail.outbox.clear()
    assert sweep_sla(incident.opened_at + dt.timedelta(hours=5)) == {"warned": 0, "escalated": 0}
    later = incident.opened_at + dt.timedelta(hours=6, minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_sla(later) == {"warned": 1, "escalated": 0}
        assert sweep_sla(later) == {"warned": 0, "escalated": 0}
    assert [m.to for m in mail.outbox] == [["desk@example.gov.uk"]]
    assert "75%" in mail.outbox[0].subject
    assert history_of(incident).first().verb == "incident.sla_warned"


def test_should_escalate_to_the_team_lead_at_breach_once(
    desk, log_call, django_capture_on_commit_callbacks
):
    incident = log_call()
    mail.outbox.clear()
    breach = incident.opened_at + dt.timedelta(hours=8, minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_sla(breach) == {"warned": 1, "escalated": 1}
        assert sweep_sla(breach + dt.timedelta(hours=1)) == {"warned": 0, "escalated": 0}
    escalations = [m for m in mail.outbox if "breached" in m.subject]
    assert len(escalations) == 1 and escalations[0].to == [desk.team_lead.email]
    incident = Incident.objects.get(pk=incident.pk)
    assert incident.sla_escalated and incident.resolution_breached


def test_should_not_warn_about_paused_or_resolved_calls(desk, log_call):
    paused = log_call()
    actions.do_take_incident(paused.pk, actor=desk.agent)
    actions.do_put_incident_on_hold(paused.pk, actor=desk.agent, reason="awaiting_caller")
    done = log_call()
    actions.do_resolve_incident(done.pk, actor=desk.agent, code="fixed", notes="ok")
    assert sweep_sla(timezone.now() + dt.timedelta(days=5)) == {"warned": 0, "escalated": 0}


def test_should_auto_close_after_the_working_days_and_not_before(desk, log_call, settings):
    settings.SERVICEDESK_AUTO_CLOSE_WORKING_DAYS = 3
    incident = log_call()
    incident = actions.do_resolve_incident(incident.pk, actor=desk.agent, code="fixed", notes="ok")
    assert sweep_auto_close(incident.resolved_at + dt.timedelta(days=2)) == 0
    assert sweep_auto_close(incident.resolved_at + dt.timedelta(days=3, minutes=1)) == 1
    incident = Incident.objects.get(pk=incident.pk)
    assert incident.status == "closed"
    assert history_of(incident).first().note.startswith("closed automatically")


def test_should_run_as_huey_periodic_tasks(desk, log_call):
    log_call()
    sla_sweep_task()  # enqueued and, in tests, run at once
    auto_close_task()
    assert sla_sweep_task.call_local() == {"warned": 0, "escalated": 0}
    assert auto_close_task.call_local() == 0
