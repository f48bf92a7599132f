"""Bulk seeding of service requests for the KPI benchmark (seed_demo --requests N).

On the demo (catalogue, sample requests made by the actions, 100 bulk incidents), 400
requests are bulk-seeded over two years: they must be whole, consistent with their states,
in their requesters' organisations, counted by the KPIs as calls, and leave the tables
ready for the next real submission.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from core.management.commands import seed_demo
from core.models import AuditEvent, User
from kpis.metrics import Period, Source, calls_logged
from servicedesk import sla
from servicedesk.models import Incident
from servicerequests import actions
from servicerequests.choices import RequestStatus
from servicerequests.models import RequestItem, ServiceRequest

pytestmark = pytest.mark.django_db

R = RequestStatus


@pytest.fixture
def seeded(settings, monkeypatch):
    """The demo with its request catalogue, then 100 bulk incidents and 400 bulk requests;
    returns the highest request id before the bulk seed."""
    import servicedesk.demo
    import servicerequests.demo

    settings.DEBUG = True
    monkeypatch.setattr(seed_demo, "app_seeders", lambda: [servicedesk.demo, servicerequests.demo])
    call_command("seed_demo")
    before = ServiceRequest.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    call_command("seed_demo", calls=100, requests=400)
    return before


def bulk(before: int):
    """The bulk-seeded requests, in id order."""
    return ServiceRequest.objects.filter(pk__gt=before).order_by("pk")


def test_should_seed_exactly_n_requests_in_time_order_over_two_years(seeded):
    requests = list(bulk(seeded))
    assert len(requests) == 400
    opened = [r.opened_at for r in requests]
    assert opened == sorted(opened)
    now = timezone.now()
    assert opened[0] >= now - dt.timedelta(days=731)
    assert opened[-1] <= now
    # Old ones mostly closed, recent ones still moving: a realistic mix, not one state.
    states = {r.status for r in requests}
    assert {R.CLOSED, R.FULFILLED, R.IN_FULFILMENT, R.AWAITING_APPROVAL, R.REJECTED} <= states
    old = [r for r in requests if r.opened_at < now - dt.timedelta(days=60)]
    assert sum(r.status == R.CLOSED for r in old) > 0.8 * len(old)
    channels = [r.channel for r in requests]
    assert 0.75 < channels.count("portal") / 400 < 0.95
    # One submission audit event per request, by the person who logged it.
    events = AuditEvent.objects.filter(
        verb="servicerequest.submitted", object_id__in=[str(r.pk) for r in requests]
    )
    assert sorted((int(e.object_id), e.actor_id) for e in events) == [
        (r.pk, r.logged_by_id) for r in requests
    ]


def test_should_give_every_state_the_fields_the_workflow_would_have_set(seeded):
    requests = list(bulk(seeded).select_related("item", "service__owner_team", "team"))
    published = set(RequestItem.objects.filter(is_published=True).values_list("pk", flat=True))
    for r in requests:
        assert r.item_id in published
        assert r.service_id == r.item.service_id
        assert r.team_id == r.service.owner_team_id
        assert r.total_cost == r.quantity * r.item.cost
        if r.channel == "portal":
            assert r.logged_by_id == r.requester_id
        else:
            assert r.logged_by.teams.exists(), r.reference
        if r.status in (R.FULFILLED, R.CLOSED):
            assert r.resolved_at >= r.opened_at, r.reference
            assert r.business_seconds_to_resolve <= r.wall_seconds_to_resolve, r.reference
            assert r.wall_seconds_to_resolve == int((r.resolved_at - r.opened_at).total_seconds())
            assert r.resolution_breached == (
                r.business_seconds_to_resolve > r.resolution_target_seconds
            )
            # An agent of the owning team (any agent where the team has no members yet).
            if r.team.members.exists():
                assert r.fulfilled_by.teams.filter(pk=r.team_id).exists(), r.reference
            else:
                assert r.fulfilled_by.teams.exists(), r.reference
            assert r.approved_at <= r.fulfilment_started_at <= r.resolved_at
            assert r.resolution_due is None
            # The measured time is the calendar's, the approval pause left out.
            spec = r.calendar_spec()
            assert r.business_seconds_to_resolve == pytest.approx(
                sla.elapsed_seconds(spec, r.opened_at, r.pauses, r.resolved_at), abs=1
            ), r.reference
        else:
            assert r.resolved_at is None and r.business_seconds_to_resolve is None, r.reference
            assert r.fulfilled_by_id is None
        if r.status == R.CLOSED:
            assert r.closed_at >= r.resolved_at
        if r.status == R.REJECTED:
            assert r.rejection_reason and r.closed_at is not None
        if r.status == R.CANCELLED:
            assert r.cancellation_reason and r.closed_at is not None
        if r.status in (R.REJECTED, R.CANCELLED):
            assert r.resolution_due is None and r.approved_at is None
        if r.status == R.IN_FULFILMENT:
            # The clock runs: a deadline on the service's calendar, the approval pause left out.
            assert r.resolution_due == sla.due_at(
                r.calendar_spec(), r.opened_at, r.pauses, r.resolution_target_seconds
            ), r.reference
        if r.status == R.AWAITING_APPROVAL:
            assert r.approved_at is None
            assert sla.is_paused(r.pauses) == r.item.pause_sla_while_awaiting_approval


def test_should_keep_every_request_in_its_requesters_organisation(seeded):
    mismatched = bulk(seeded).exclude(organisation=F("requester__organisation"))
    assert list(mismatched.values_list("pk", flat=True)) == []


def test_should_let_the_next_real_submission_take_a_fresh_id(seeded):
    top = ServiceRequest.objects.order_by("-pk").values_list("pk", flat=True).first()
    requester = User.objects.get(username="requester")
    item = RequestItem.objects.get(name="Mobile data bundle")
    made = actions.do_submit_request(
        actor=requester, requester=requester, item=item, answers={"number": "07700 900456"}
    )
    assert made.pk == top + 1
    assert ServiceRequest.objects.get(pk=made.pk).status == R.AWAITING_APPROVAL
    assert AuditEvent.objects.filter(
        verb="servicerequest.submitted", object_id=str(made.pk)
    ).exists()


def test_should_count_incidents_and_requests_as_calls_logged_over_two_years(seeded):
    admin = User.objects.get(username="admin")
    today = timezone.localdate()
    period = Period.custom(today - dt.timedelta(days=731), today)
    measure = calls_logged(Source(admin), period, by=None)
    assert Incident.objects.count() == 103
    assert measure.value == 103 + ServiceRequest.objects.count()
    assert ServiceRequest.objects.count() > 400
