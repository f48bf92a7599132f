"""Request SLA clocks on the service's business calendar, paused while awaiting approval."""

from __future__ import annotations

import pytest

from servicerequests import actions
from servicerequests.tasks import sweep_request_sla

from .conftest import at, current_step, fresh

HOUR = 3600


@pytest.mark.django_db
def test_should_set_due_times_on_the_business_calendar(cast, submit, freezer_at):
    freezer_at(at(11, 27, 15))  # Friday 15:00; 4 business hours to respond, 40 to fulfil

    request = submit(item=cast.software, answers={"computer": cast.my_laptop.pk})

    assert (request.response_target_seconds, request.resolution_target_seconds) == (
        4 * HOUR,
        40 * HOUR,
    )
    assert request.response_due == at(11, 30, 11)  # Fri 15–17 (2 h) + Mon 09–11 (2 h)
    assert request.resolution_due == at(12, 4, 15)  # 40 business hours = 5 working days later
    assert request.priority == 4


@pytest.mark.django_db
def test_should_pause_the_clock_while_awaiting_approval_when_the_item_says_so(
    cast, submit, freezer_at
):
    freezer_at(at(11, 23, 9))  # Monday 09:00
    request = submit()
    assert request.resolution_due is None  # paused from the start: no deadline yet
    assert request.response_due == at(11, 23, 13)  # the response clock never pauses

    freezer_at(at(11, 24, 9))  # a whole working day later
    actions.do_approve(current_step(request).pk, actor=cast.line_manager)
    freezer_at(at(11, 24, 11))
    actions.do_approve(current_step(request).pk, actor=cast.ict_manager)

    request = fresh(request)
    # Paused Mon 09:00 → Tue 11:00 (10 business hours): 40 hours from Tue 11:00.
    assert request.resolution_due == at(12, 1, 11)
    assert request.sla_pauses == [[at(11, 23, 9).isoformat(), at(11, 24, 11).isoformat()]]

    freezer_at(at(11, 25, 10))  # Wednesday 10:00: the teams finish
    for task in request.tasks.filter(stage=1):
        actor = cast.engineer if task.team == cast.infra else cast.world.agent
        actions.do_complete_task(task.pk, actor=actor)
    actions.do_complete_task(fresh(request).tasks.get(stage=2).pk, actor=cast.world.agent)

    request = fresh(request)
    # Tue 11–17 (6 h) + Wed 09–10 (1 h) ran; the approval wait did not count.
    assert request.business_seconds_to_resolve == 7 * HOUR
    assert request.wall_seconds_to_resolve == 49 * HOUR
    assert request.business_seconds_to_respond == 17 * HOUR  # Mon 8 h + Tue 8 h + Wed 1 h
    assert request.response_breached is True
    assert request.resolution_breached is False


@pytest.mark.django_db
def test_should_keep_the_clock_running_when_the_item_does_not_pause(cast, submit, freezer_at):
    actions.do_save_request_item(
        cast.laptop,
        actor=cast.world.admin,
        service=cast.laptops,
        name="Laptop",
        cost=cast.laptop.cost,
        max_quantity=30,
        approval_rule="line_manager",
        is_ict_purchase=True,
        standard=cast.standard,
        is_published=True,
        pause_sla_while_awaiting_approval=False,
    )
    cast.laptop.refresh_from_db()
    freezer_at(at(11, 23, 9))

    request = submit()

    assert request.resolution_due == at(11, 27, 17)  # 40 business hours from Monday 09:00
    freezer_at(at(11, 24, 9))
    actions.do_approve(current_step(request).pk, actor=cast.line_manager)
    actions.do_approve(current_step(request).pk, actor=cast.ict_manager)
    assert fresh(request).resolution_due == at(11, 27, 17)
    assert fresh(request).sla_pauses == []


@pytest.mark.django_db
def test_should_warn_and_escalate_a_late_request_once(
    cast, submit, freezer_at, django_capture_on_commit_callbacks
):
    from django.core import mail

    freezer_at(at(11, 23, 9))
    request = submit(item=cast.software, answers={"computer": cast.my_laptop.pk})
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        first = sweep_request_sla(at(11, 26, 16))  # 75% of 40 h is Thursday 15:00
        again = sweep_request_sla(at(11, 26, 16, 30))
        late = sweep_request_sla(at(11, 30, 10))

    assert (first, again, late) == (
        {"warned": 1, "escalated": 0},
        {"warned": 0, "escalated": 0},
        {"warned": 0, "escalated": 1},
    )
    request = fresh(request)
    assert request.sla_warned and request.sla_escalated and request.resolution_breached
    assert [m.subject for m in mail.outbox] == [
        f"[civicdesk] {request.reference} has used 75% of its fulfilment time",
        f"[civicdesk] {request.reference} has breached its fulfilment target",
    ]


@pytest.mark.django_db
def test_should_give_a_vip_requester_the_vip_standard_of_the_items_service(cast, submit):
    from servicedesk.models import ServiceStandard

    ServiceStandard.objects.create(
        service=cast.laptops,
        priority=4,
        audience="vip",
        response_minutes=60,
        resolution_minutes=16 * 60,
    )
    councillor = cast.world.requester_north
    councillor.is_vip = True
    councillor.save(update_fields=["is_vip"])

    request = submit(item=cast.software, answers={"computer": cast.my_laptop.pk})

    assert request.is_vip_audience is True
    assert (request.response_target_seconds, request.resolution_target_seconds) == (
        HOUR,
        16 * HOUR,
    )
