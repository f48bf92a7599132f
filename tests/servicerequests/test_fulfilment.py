"""Fulfilment stages, the request fulfilled when all tasks are done, emails, queues and tenancy."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core import mail

from core.audit import history_of
from servicerequests import actions, queries
from servicerequests.choices import RequestStatus, TaskStatus
from servicerequests.forms import RequestFormInvalid

from .conftest import current_step, fresh

R = RequestStatus


def approved_laptop(cast, submit):
    """A laptop request approved by both approvers: its tasks exist."""
    request = submit()
    actions.do_approve(current_step(request).pk, actor=cast.line_manager)
    actions.do_approve(current_step(request).pk, actor=cast.ict_manager)
    return fresh(request)


def states(request) -> list[tuple[int, str, str]]:
    """(stage, title, state) of each task."""
    return list(request.tasks.order_by("stage", "id").values_list("stage", "title", "status"))


@pytest.mark.django_db
def test_should_open_the_first_stage_in_parallel_and_the_next_when_it_is_done(cast, submit):
    request = approved_laptop(cast, submit)
    assert request.status == R.IN_FULFILMENT
    assert states(request) == [
        (1, "Order the laptop", "open"),
        (1, "Prepare the account", "open"),
        (2, "Deliver and set up", "waiting"),
    ]
    order = request.tasks.get(title="Order the laptop")
    account = request.tasks.get(title="Prepare the account")

    actions.do_complete_task(order.pk, actor=cast.world.agent, notes="PO 4471")
    assert request.tasks.get(stage=2).status == TaskStatus.WAITING  # stage 1 not all done
    actions.do_start_task(account.pk, actor=cast.engineer)
    actions.do_complete_task(account.pk, actor=cast.engineer)

    assert states(request)[2] == (2, "Deliver and set up", "open")
    assert fresh(request).status == R.IN_FULFILMENT


@pytest.mark.django_db
def test_should_be_fulfilled_when_every_task_is_done_and_store_its_measures(cast, submit):
    request = approved_laptop(cast, submit)
    for task in request.tasks.filter(stage=1):
        actions.do_complete_task(
            task.pk, actor=cast.world.team_lead if task.team == cast.world.desk else cast.engineer
        )
    assert fresh(request).status == R.IN_FULFILMENT

    actions.do_complete_task(request.tasks.get(stage=2).pk, actor=cast.world.agent)

    request = fresh(request)
    assert request.status == R.FULFILLED
    assert request.resolved_at is not None
    assert request.business_seconds_to_resolve is not None
    assert request.wall_seconds_to_resolve is not None
    assert request.first_response_at is not None
    assert history_of(request).filter(verb="servicerequest.fulfilled").count() == 1


@pytest.mark.django_db
def test_should_email_approvers_with_a_link_to_their_approval_page(
    cast, submit, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        request = submit()
    step = current_step(request)

    assert [m.to for m in mail.outbox] == [["lena@example.gov.uk"]]
    assert mail.outbox[0].subject == f"[civicdesk] {request.reference} awaits your approval"
    assert f"{settings.SITE_URL}/portal/approvals/{step.pk}/" in mail.outbox[0].body

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_approve(step.pk, actor=cast.line_manager)
    ict_step = current_step(request)
    assert [m.to for m in mail.outbox] == [["ivan@example.gov.uk"]]
    assert f"{settings.SITE_URL}/portal/approvals/{ict_step.pk}/" in mail.outbox[0].body


@pytest.mark.django_db
def test_should_email_a_delegate_in_force_as_well_as_the_approver(
    cast, submit, django_capture_on_commit_callbacks
):
    from .conftest import at

    actions.do_create_delegation(
        actor=cast.line_manager,
        delegator=cast.line_manager,
        delegate=cast.delegate,
        starts_at=at(1, 1, 0),
        ends_at=at(1, 1, 0, year=2099),
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        submit()

    assert sorted(address for m in mail.outbox for address in m.to) == [
        "dana@example.gov.uk",
        "lena@example.gov.uk",
    ]


@pytest.mark.django_db
def test_should_email_the_requester_at_approval_and_fulfilment(
    cast, submit, django_capture_on_commit_callbacks
):
    request = submit()
    actions.do_approve(current_step(request).pk, actor=cast.line_manager)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_approve(current_step(request).pk, actor=cast.ict_manager)

    to_requester = [m for m in mail.outbox if m.to == ["req_north@example.gov.uk"]]
    assert [m.subject for m in to_requester] == [f"[civicdesk] {request.reference} is approved"]
    assert f"{settings.SITE_URL}/portal/requests/{request.pk}/" in to_requester[0].body
    # The two teams of stage 1 hear of their new tasks.
    assert {address for m in mail.outbox for address in m.to} >= {"infra@example.gov.uk"}

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        for task in fresh(request).tasks.filter(stage=1):
            actor = cast.engineer if task.team == cast.infra else cast.world.agent
            actions.do_complete_task(task.pk, actor=actor)
        actions.do_complete_task(fresh(request).tasks.get(stage=2).pk, actor=cast.world.agent)
    to_requester = [m for m in mail.outbox if m.to == ["req_north@example.gov.uk"]]
    assert [m.subject for m in to_requester] == [f"[civicdesk] {request.reference} is fulfilled"]


@pytest.mark.django_db
def test_should_send_nothing_when_the_submission_is_refused(
    cast, submit, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RequestFormInvalid):
        submit(answers={"model": "Gold-plated"})
    assert mail.outbox == []


# --- queues and tenancy -------------------------------------------------------------------
@pytest.mark.django_db
def test_should_list_a_teams_open_tasks_within_what_each_person_may_see(cast, submit, make_person):
    request = approved_laptop(cast, submit)
    east_request = submit(
        requester=cast.world.requester_east,
        actor=cast.world.agent_east,
        item=cast.software,
        answers={"computer": cast.east_laptop.pk},
    )

    infra_queue = queries.team_open_tasks(cast.infra, cast.engineer)
    assert [(t.request, t.title) for t in infra_queue] == [
        (request, "Prepare the account"),
        (east_request, "Install the software"),
    ]
    # The east team's agent sees only the task of their own council's request.
    assert [t.request for t in queries.team_open_tasks(cast.infra, cast.world.agent_east)] == [
        east_request
    ]
    # A requester sees the tasks of their own request only; a colleague sees none.
    assert [t.request for t in queries.team_open_tasks(cast.infra, cast.world.requester_east)] == [
        east_request
    ]
    colleague = make_person("colleague", ["Requester"], cast.world.north)
    assert queries.team_open_tasks(cast.infra, colleague).count() == 0
    desk_queue = queries.team_open_tasks(cast.world.desk, cast.world.agent)
    assert [t.title for t in desk_queue] == ["Order the laptop"]  # stage 2 still waiting


@pytest.mark.django_db
def test_should_keep_requests_within_their_council(cast, submit):
    north = submit()
    east = submit(
        requester=cast.world.requester_east,
        actor=cast.world.agent_east,
        item=cast.software,
        answers={"computer": cast.east_laptop.pk},
    )

    assert list(queries.requests_visible_to(cast.world.requester_north)) == [north]
    assert list(queries.requests_visible_to(cast.world.requester_east)) == [east]
    assert list(queries.requests_visible_to(cast.world.agent_east)) == [east]
    assert set(queries.requests_visible_to(cast.world.agent)) == {north, east}
    assert list(queries.requests_visible_to(cast.line_manager)) == []
    assert queries.tasks_visible_to(cast.world.agent_east).filter(request=north).count() == 0
    assert list(queries.my_requests(cast.world.requester_north)) == [north]
