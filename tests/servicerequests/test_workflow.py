"""Every edge of the request and task life cycles: who may take it, from where, and what it does."""

from __future__ import annotations

import pytest

from core.audit import history_of
from core.exceptions import ActionError, ActionForbidden
from core.workflow import run_transition
from servicerequests import actions
from servicerequests.choices import ApprovalState, RequestStatus, TaskStatus
from servicerequests.models import ServiceRequest

from .conftest import current_step, fresh

R = RequestStatus


@pytest.mark.django_db
def test_should_go_straight_to_fulfilment_when_the_item_needs_no_approval(cast, submit):
    request = submit(item=cast.software, answers={"computer": cast.my_laptop.pk})

    assert request.status == R.IN_FULFILMENT
    assert request.approvals.count() == 0
    assert [(t.title, t.team, t.status) for t in request.tasks.all()] == [
        ("Install the software", cast.infra, TaskStatus.OPEN)
    ]
    verbs = [event.verb for event in history_of(request)][::-1]
    assert verbs == [
        "servicerequest.submitted",
        "servicerequest.approved",
        "servicerequest.tasks_created",
        "servicerequest.fulfilment_started",
    ]


@pytest.mark.django_db
def test_should_wait_for_the_line_manager_first_when_submitted(cast, submit):
    request = submit()

    assert request.status == R.AWAITING_APPROVAL
    assert request.reference == f"REQ{request.pk:07d}"
    step = current_step(request)
    assert step.step == "line_manager"
    assert list(step.approvers.all()) == [cast.line_manager]
    assert request.tasks.count() == 0


@pytest.mark.django_db
def test_should_let_the_requester_cancel_while_awaiting_approval(cast, submit):
    request = submit()

    actions.do_cancel_request(request.pk, actor=cast.world.requester_north, reason="Not needed")

    request = fresh(request)
    assert request.status == R.CANCELLED
    assert request.cancellation_reason == "Not needed"
    assert set(request.approvals.values_list("state", flat=True)) == {ApprovalState.SUPERSEDED}
    assert request.resolution_due is None


@pytest.mark.django_db
def test_should_let_an_agent_cancel_for_the_requester(cast, submit):
    request = submit()

    actions.do_cancel_request(request.pk, actor=cast.world.agent)

    assert ServiceRequest.objects.get(pk=request.pk).status == R.CANCELLED


@pytest.mark.django_db
def test_should_refuse_cancelling_someone_elses_request(cast, submit, make_person):
    request = submit()
    colleague = make_person("colleague", ["Requester"], cast.world.north)

    for stranger in (colleague, cast.world.requester_east, cast.world.agent_east):
        with pytest.raises(ActionForbidden):
            actions.do_cancel_request(request.pk, actor=stranger)
    assert ServiceRequest.objects.get(pk=request.pk).status == R.AWAITING_APPROVAL


@pytest.mark.django_db
def test_should_refuse_cancelling_once_fulfilment_has_started(cast, submit):
    request = submit(item=cast.software, answers={"computer": cast.my_laptop.pk})

    with pytest.raises(ActionError, match="Fulfilment of this request has started"):
        actions.do_cancel_request(request.pk, actor=cast.world.requester_north)
    assert ServiceRequest.objects.get(pk=request.pk).status == R.IN_FULFILMENT


@pytest.mark.django_db
def test_should_refuse_cancelling_a_rejected_or_closed_request(cast, submit):
    rejected = submit()
    actions.do_reject(current_step(rejected).pk, actor=cast.line_manager, reason="Budget frozen")
    closed = submit(item=cast.software, answers={"computer": cast.my_laptop.pk})
    task = closed.tasks.get()
    actions.do_complete_task(task.pk, actor=cast.engineer)
    actions.do_close_request(closed.pk, actor=cast.world.requester_north)

    for request, label in ((rejected, "Rejected"), (closed, "Closed")):
        with pytest.raises(ActionError, match=f"is {label}: it cannot be cancel"):
            actions.do_cancel_request(request.pk, actor=cast.world.requester_north)


@pytest.mark.django_db
def test_should_close_a_fulfilled_request_for_the_requester_only(cast, submit, make_person):
    request = submit(item=cast.software, answers={"computer": cast.my_laptop.pk})
    with pytest.raises(ActionError, match="is In fulfilment: it cannot be close"):
        actions.do_close_request(request.pk, actor=cast.world.requester_north)
    actions.do_complete_task(request.tasks.get().pk, actor=cast.engineer)
    colleague = make_person("colleague", ["Requester"], cast.world.north)
    with pytest.raises(ActionForbidden):
        actions.do_close_request(request.pk, actor=colleague)
    # An approver with no desk rights sees nothing of it either.
    with pytest.raises(ActionForbidden):
        actions.do_close_request(request.pk, actor=cast.outsider)

    actions.do_close_request(request.pk, actor=cast.world.requester_north)

    request = fresh(request)
    assert request.status == R.CLOSED
    assert request.closed_at is not None


@pytest.mark.parametrize(
    "edge",
    [
        "route_for_approval",
        "approve_without_approval",
        "approve",
        "reject",
        "reset_approvals",
        "start_fulfilment",
        "fulfil",
    ],
)
@pytest.mark.django_db
def test_should_refuse_a_person_taking_an_automatic_edge_directly(cast, submit, edge):
    request = submit()
    request = ServiceRequest.objects.get(pk=request.pk)
    actor = cast.world.admin  # even an administrator: these edges follow from other changes

    with pytest.raises(ActionError):
        run_transition(request, edge, actor=actor, verb="test")
    assert ServiceRequest.objects.get(pk=request.pk).status == R.AWAITING_APPROVAL


@pytest.mark.django_db
def test_should_refuse_submitting_for_someone_else_without_the_right(cast, submit, make_person):
    colleague = make_person("colleague", ["Requester"], cast.world.north)

    with pytest.raises(ActionForbidden, match="on someone else's behalf"):
        submit(actor=colleague)
    with pytest.raises(ActionForbidden, match="do not serve"):
        submit(actor=cast.world.agent_east)
    assert ServiceRequest.objects.count() == 0


@pytest.mark.django_db
def test_should_record_the_agent_and_channel_of_a_phoned_in_request(cast, submit):
    request = submit(actor=cast.world.agent, channel="phone")

    assert (request.requester, request.logged_by, request.channel) == (
        cast.world.requester_north,
        cast.world.agent,
        "phone",
    )


@pytest.mark.django_db
def test_should_refuse_an_unpublished_item(cast, submit):
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
        is_published=False,
    )
    cast.laptop.refresh_from_db()

    with pytest.raises(ActionError, match="not offered"):
        submit()


# --- fulfilment tasks ---------------------------------------------------------------------
@pytest.mark.django_db
def test_should_let_only_the_tasks_team_start_and_finish_it(cast, submit, make_person):
    request = submit(item=cast.software, answers={"computer": cast.my_laptop.pk})
    task = request.tasks.get()
    desk_agent = cast.world.agent  # serves north, but is not in Infrastructure

    with pytest.raises(ActionForbidden, match="right to start"):
        actions.do_start_task(task.pk, actor=desk_agent)
    with pytest.raises(ActionForbidden):
        actions.do_start_task(task.pk, actor=cast.world.requester_north)
    with pytest.raises(ActionForbidden, match="not yours to see"):
        actions.do_start_task(task.pk, actor=cast.world.agent_east)

    actions.do_start_task(task.pk, actor=cast.engineer)
    task = fresh(task)
    assert (task.status, task.assignee) == (TaskStatus.IN_PROGRESS, cast.engineer)
    with pytest.raises(ActionError, match="is In progress: it cannot be start"):
        actions.do_start_task(task.pk, actor=cast.engineer)


@pytest.mark.django_db
def test_should_refuse_working_a_task_of_a_later_stage_before_its_turn(cast, submit):
    request = submit()
    actions.do_approve(current_step(request).pk, actor=cast.line_manager)
    actions.do_approve(current_step(request).pk, actor=cast.ict_manager)
    later = request.tasks.get(stage=2)

    assert later.status == TaskStatus.WAITING
    with pytest.raises(ActionError, match="Waiting for an earlier stage: it cannot be mark done"):
        actions.do_complete_task(later.pk, actor=cast.world.agent)


@pytest.mark.django_db
def test_should_require_a_reason_to_cancel_a_task(cast, submit):
    request = submit(item=cast.software, answers={"computer": cast.my_laptop.pk})
    task = request.tasks.get()

    with pytest.raises(ActionError, match="not needed"):
        actions.do_cancel_task(task.pk, actor=cast.engineer, notes=" ")
    actions.do_cancel_task(task.pk, actor=cast.engineer, notes="Already installed")

    request = fresh(request)
    assert request.status == R.FULFILLED


@pytest.mark.django_db
def test_should_refuse_a_person_opening_a_waiting_task_directly(cast, submit):
    request = submit()
    actions.do_approve(current_step(request).pk, actor=cast.line_manager)
    actions.do_approve(current_step(request).pk, actor=cast.ict_manager)
    waiting = fresh(request).tasks.get(stage=2)

    with pytest.raises(ActionForbidden, match="right to open"):
        run_transition(waiting, "open_task", actor=cast.world.admin, verb="test")
    assert fresh(waiting).status == TaskStatus.WAITING


@pytest.mark.django_db
def test_should_refuse_completing_or_cancelling_another_teams_task(cast, submit):
    request = submit(item=cast.software, answers={"computer": cast.my_laptop.pk})
    task = request.tasks.get()  # Infrastructure's

    with pytest.raises(ActionForbidden, match="right to mark done"):
        actions.do_complete_task(task.pk, actor=cast.world.agent)
    with pytest.raises(ActionForbidden, match="right to cancel"):
        actions.do_cancel_task(task.pk, actor=cast.world.agent, notes="Not ours")
    assert fresh(task).status == TaskStatus.OPEN
    assert fresh(request).status == R.IN_FULFILMENT


@pytest.mark.django_db
def test_should_refuse_a_stale_task_page(cast, submit):
    from core.exceptions import StaleRecord

    request = submit(item=cast.software, answers={"computer": cast.my_laptop.pk})
    task = request.tasks.get()
    seen = task.version
    actions.do_start_task(task.pk, actor=cast.engineer, expected_version=seen)

    with pytest.raises(StaleRecord):
        actions.do_complete_task(task.pk, actor=cast.engineer, expected_version=seen)
    assert fresh(task).status == TaskStatus.IN_PROGRESS
