"""The request pages: catalogue, ordering, my requests, approvals, delegation, desk tasks, admin.

Each page answers for the roles that should use it, refuses (403) those who may not, and
hides another council's records (404). Writes go through the actions, so these tests check
what a person relies on from the page: one request with the answers, nothing on invalid
input, decisions and their messages, tasks worked from the desk, the catalogue edited.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from servicerequests import actions
from servicerequests.choices import ApprovalState, DecisionRule, RequestStatus, TaskStatus
from servicerequests.models import (
    ApprovalDelegation,
    ApprovalPolicy,
    FulfilmentTask,
    RequestField,
    ServiceRequest,
)

from .conftest import current_step, fresh

pytestmark = pytest.mark.django_db

R = RequestStatus


def client_for(person) -> Client:
    """A test client signed in as `person`."""
    client = Client()
    client.force_login(person)
    return client


def approve_through(service_request, *people):
    """Approve the current step as each person in turn (through the action)."""
    for person in people:
        actions.do_approve(current_step(service_request).pk, actor=person)


def order_url(item) -> str:
    """The portal's order page of an item."""
    return f"/portal/catalogue/{item.pk}/"


def awaiting(client) -> str:
    """The "awaiting your decision" list of a person's approval queue."""
    page = client.get("/portal/approvals/").content.decode()
    return page.split('id="approvals-awaiting"', 1)[1].split("</section>", 1)[0]


# --- who may open which page --------------------------------------------------------------
def test_should_answer_each_page_for_the_roles_that_use_it_and_refuse_the_others(cast, submit):
    w = cast.world
    service_request = submit()
    step = current_step(service_request)
    pages = {
        "/portal/catalogue/": ([w.requester_north, w.agent], []),
        order_url(cast.laptop): ([w.requester_north], []),
        "/portal/requests/": ([w.requester_north, w.requester_east], []),
        f"/portal/requests/{service_request.pk}/": ([w.requester_north], []),
        "/portal/approvals/": ([cast.line_manager, w.requester_north], []),
        f"/portal/approvals/{step.pk}/": ([cast.line_manager, w.requester_north], []),
        "/portal/approvals/delegation/": ([cast.line_manager], []),
        "/desk/requests/": ([w.agent, w.agent_east], [w.requester_north, cast.line_manager]),
        f"/desk/requests/{service_request.pk}/": ([w.agent], [w.requester_north]),
        "/desk/requests/tasks/": ([w.agent, cast.engineer], [w.requester_north]),
        "/desk/requests/tasks/all/": ([w.agent], [w.requester_north]),
        "/desk/catalogue/requests/": ([w.admin, w.manager_north], [w.agent, w.requester_north]),
        f"/desk/catalogue/requests/{cast.laptop.pk}/": ([w.admin], [w.agent]),
        "/desk/catalogue/approval-policies/": ([w.admin, w.manager_north], [w.agent]),
        f"/desk/catalogue/approval-policies/{w.north.pk}/": ([w.admin], [w.agent]),
        "/desk/catalogue/line-managers/": ([w.admin], [w.agent, cast.line_manager]),
    }
    for url, (allowed, refused) in pages.items():
        for person in allowed:
            assert client_for(person).get(url).status_code == 200, (url, person.username)
        for person in refused:
            assert client_for(person).get(url).status_code == 403, (url, person.username)
        assert Client().get(url).status_code == 302, url  # anonymous: to the login page


def test_should_hide_another_councils_request_approval_and_task(cast, submit):
    w = cast.world
    service_request = submit()
    step = current_step(service_request)
    approve_through(service_request, cast.line_manager, cast.ict_manager)
    task = FulfilmentTask.objects.filter(request=service_request).first()

    east_requester, east_agent = client_for(w.requester_east), client_for(w.agent_east)
    assert east_requester.get(f"/portal/requests/{service_request.pk}/").status_code == 404
    assert east_requester.get(f"/portal/approvals/{step.pk}/").status_code == 404
    assert east_agent.get(f"/desk/requests/{service_request.pk}/").status_code == 404
    assert east_agent.get(f"/desk/requests/tasks/{task.pk}/").status_code == 404
    response = east_agent.post(f"/desk/requests/tasks/{task.pk}/do/start/")
    assert response.status_code == 404
    assert fresh(task).status == TaskStatus.OPEN
    # An approver of the same council who is not on the step sees nothing of it either.
    assert client_for(cast.outsider).get(f"/portal/approvals/{step.pk}/").status_code == 404
    # Nor do agents' lists and exports show it.
    listing = east_agent.get("/desk/requests/").content.decode()
    assert service_request.reference not in listing
    # The portal shows a requester only their own requests, even an agent's portal list.
    assert (
        service_request.reference
        not in client_for(w.agent).get("/portal/requests/").content.decode()
    )


# --- the catalogue and ordering -------------------------------------------------------------
def test_should_show_published_items_under_their_service_with_its_targets(cast):
    hidden = actions.do_save_request_item(
        None, actor=cast.world.admin, service=cast.laptops, name="Prototype tablet"
    )
    page = client_for(cast.world.requester_north).get("/portal/catalogue/").content.decode()

    assert "Laptops and desktops" in page
    assert f'href="{order_url(cast.laptop)}"' in page
    assert f'href="{order_url(cast.software)}"' in page
    assert hidden.name not in page
    assert "Monday: 09:00–17:00" in page
    assert "Saturday: closed" in page
    assert "99.00%" in page
    assert "response 4 h, fix 40 h" in page


def test_should_show_the_approvals_an_order_will_need_for_its_cost(cast):
    client = client_for(cast.world.requester_north)
    page = client.get(order_url(cast.laptop)).content.decode()
    assert "Line manager" in page and "ICT manager" in page
    assert "ICT executive board</span>" not in page
    assert "£1200.00" in page

    # 25 laptops cost £30,000: the preview adds the board, by majority.
    preview = client.post(
        f"/portal/catalogue/{cast.laptop.pk}/approvals/", {"quantity": "25", "model": ""}
    ).content.decode()
    assert "£30000.00" in preview
    assert "ICT executive board</span>" in preview
    assert "3 members; a majority of members" in preview
    assert ServiceRequest.objects.count() == 0


def test_should_create_exactly_one_request_with_the_answers_when_ordering(cast):
    client = client_for(cast.world.requester_north)
    response = client.post(
        order_url(cast.laptop),
        {"model": "Power user", "needed_by": "2026-12-01", "accessories": "45.50", "quantity": "2"},
    )

    service_request = ServiceRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/portal/requests/{service_request.pk}/"
    assert service_request.requester == cast.world.requester_north
    assert service_request.answers == {
        "model": "Power user",
        "needed_by": "2026-12-01",
        "accessories": "45.50",
    }
    assert service_request.quantity == 2
    assert service_request.total_cost == Decimal("2445.50")
    assert service_request.status == R.AWAITING_APPROVAL
    page = client.get(response["Location"]).content.decode()
    assert "Awaiting approval" in page and "£2445.50" in page and "Power user" in page


def test_should_show_each_fields_error_and_create_nothing_on_invalid_input(cast):
    response = client_for(cast.world.requester_north).post(
        order_url(cast.laptop),
        {"model": "Gold plated", "needed_by": "someday", "accessories": "-5", "quantity": "31"},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Select a valid choice. Gold plated is not one of the available choices." in page
    assert "Enter a valid date." in page
    assert "Give an amount of £0 or more." in page
    assert "At most 30 can be asked for at once." in page
    assert ServiceRequest.objects.count() == 0


def test_should_say_why_an_order_cannot_be_submitted_and_create_nothing(cast):
    actions.do_set_line_manager(cast.world.requester_north, actor=cast.world.admin, manager=None)
    client = client_for(cast.world.requester_north)
    response = client.post(
        order_url(cast.laptop), {"model": "Standard", "needed_by": "2026-12-01", "quantity": "1"}
    )
    assert response.status_code == 200
    assert "no line manager is recorded for you" in response.content.decode()
    assert ServiceRequest.objects.count() == 0


def test_should_let_an_agent_order_for_a_caller_on_the_phone(cast):
    agent, caller = cast.world.agent, cast.world.requester_north
    client = client_for(agent)
    assert "Ordering for a caller" in client.get(order_url(cast.laptop)).content.decode()
    response = client.post(
        order_url(cast.laptop),
        {
            "behalf-requester": str(caller.pk),
            "behalf-channel": "phone",
            "model": "Standard",
            "needed_by": "2026-12-01",
            "quantity": "1",
        },
    )

    service_request = ServiceRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/desk/requests/{service_request.pk}/"
    assert (service_request.requester, service_request.logged_by) == (caller, agent)
    assert service_request.channel == "phone"
    # The caller's line manager approves it, as if the caller had ordered it.
    assert current_step(service_request).approvers.get() == cast.line_manager


def test_should_not_let_an_agent_order_for_someone_outside_their_councils(cast):
    requester = cast.world.requester_east
    client = client_for(cast.world.agent_east)
    response = client.post(
        order_url(cast.software),
        {"behalf-requester": str(cast.world.requester_north.pk), "computer": "", "quantity": "1"},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert ServiceRequest.objects.count() == 0
    # A requester cannot order for anyone else: the field is not offered and is ignored.
    client = client_for(requester)
    page = client.get(order_url(cast.software))
    assert page.status_code == 200 and "Ordering for a caller" not in page.content.decode()
    client.post(
        order_url(cast.software),
        {
            "behalf-requester": str(cast.world.agent_east.pk),
            "computer": str(cast.east_laptop.pk),
            "quantity": "1",
        },
    )
    assert ServiceRequest.objects.get().requester == requester


def test_should_not_offer_an_unpublished_item(cast):
    hidden = actions.do_save_request_item(
        None, actor=cast.world.admin, service=cast.laptops, name="Prototype tablet"
    )
    client = client_for(cast.world.requester_north)
    assert client.get(order_url(hidden)).status_code == 404
    assert client.post(order_url(hidden), {"quantity": "1"}).status_code == 404
    assert ServiceRequest.objects.count() == 0


# --- my requests ---------------------------------------------------------------------------
def test_should_show_the_requester_the_rejection_reason_and_who_decided(cast, submit):
    service_request = submit()
    actions.do_reject(
        current_step(service_request).pk,
        actor=cast.line_manager,
        reason="Your laptop was replaced in March.",
    )
    page = (
        client_for(cast.world.requester_north)
        .get(f"/portal/requests/{service_request.pk}/")
        .content.decode()
    )
    assert 'id="request-status">Rejected<' in page
    assert "Your laptop was replaced in March." in page
    assert str(cast.line_manager) in page
    assert "Cancel this request" not in page


def test_should_let_the_requester_cancel_before_fulfilment_only(cast, submit):
    client = client_for(cast.world.requester_north)
    service_request = submit()
    response = client.post(
        f"/requests/{service_request.pk}/do/cancel/",
        {"reason": "Found a spare", "version": fresh(service_request).version},
    )
    assert response.status_code == 302
    assert fresh(service_request).status == R.CANCELLED
    assert fresh(service_request).cancellation_reason == "Found a spare"
    assert not service_request.approvals.filter(state=ApprovalState.PENDING).exists()

    started = submit()
    approve_through(started, cast.line_manager, cast.ict_manager)
    page = client.get(f"/portal/requests/{started.pk}/").content.decode()
    assert "Cancel this request" not in page
    response = client.post(f"/requests/{started.pk}/do/cancel/", follow=True)
    assert "can no longer be cancelled" in response.content.decode()
    assert fresh(started).status == R.IN_FULFILMENT


def test_should_refuse_cancelling_someone_elses_request(cast, submit):
    service_request = submit()
    response = client_for(cast.world.requester_east).post(
        f"/requests/{service_request.pk}/do/cancel/"
    )
    assert response.status_code == 404
    assert fresh(service_request).status == R.AWAITING_APPROVAL


# --- approvals -----------------------------------------------------------------------------
def test_should_approve_from_the_page_and_pass_the_request_to_the_next_approver(cast, submit):
    service_request = submit()
    step = current_step(service_request)
    lena = client_for(cast.line_manager)
    queue = awaiting(lena)
    assert service_request.reference in queue
    assert f'href="/portal/approvals/{step.pk}/"' in queue

    response = lena.post(
        f"/portal/approvals/{step.pk}/", {"decision": "approve", "version": step.version}
    )

    assert response.status_code == 302
    assert fresh(step).state == ApprovalState.APPROVED
    assert fresh(step).decided_by == cast.line_manager
    assert service_request.reference not in awaiting(lena)
    assert service_request.reference in awaiting(client_for(cast.ict_manager))
    assert current_step(service_request).step == "ict_manager"


def test_should_require_a_reason_to_reject_and_keep_the_step_pending_without_one(cast, submit):
    service_request = submit()
    step = current_step(service_request)
    lena = client_for(cast.line_manager)

    response = lena.post(f"/portal/approvals/{step.pk}/", {"decision": "reject", "reason": " "})
    assert response.status_code == 200
    assert "Say why you reject it: the requester is shown your reason." in response.content.decode()
    assert fresh(step).state == ApprovalState.PENDING

    lena.post(
        f"/portal/approvals/{step.pk}/",
        {"decision": "reject", "reason": "Not in this year's budget", "version": step.version},
    )
    assert fresh(step).state == ApprovalState.REJECTED
    assert fresh(service_request).status == R.REJECTED
    assert fresh(service_request).rejection_reason == "Not in this year's budget"


def test_should_tell_the_second_decider_that_someone_else_decided_first(cast, submit):
    service_request = submit()
    step = current_step(service_request)
    now = timezone.now()
    actions.do_create_delegation(
        actor=cast.line_manager,
        delegator=cast.line_manager,
        delegate=cast.delegate,
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(days=7),
    )
    dana = client_for(cast.delegate)
    queue = awaiting(dana)
    assert service_request.reference in queue
    assert f"on behalf of {cast.line_manager}" in queue
    loaded_version = step.version
    # Lena decides herself while Dana has the page open.
    actions.do_approve(step.pk, actor=cast.line_manager)

    response = dana.post(
        f"/portal/approvals/{step.pk}/",
        {"decision": "reject", "reason": "Too dear", "version": loaded_version},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="stale-message"' in page
    assert f"already approved by {cast.line_manager}" in page
    assert fresh(step).state == ApprovalState.APPROVED
    assert fresh(service_request).status == R.AWAITING_APPROVAL
    assert fresh(step).votes.count() == 1


def test_should_let_a_delegate_decide_on_behalf_of_the_approver(cast, submit):
    service_request = submit()
    step = current_step(service_request)
    now = timezone.now()
    actions.do_create_delegation(
        actor=cast.line_manager,
        delegator=cast.line_manager,
        delegate=cast.delegate,
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(days=7),
    )
    dana = client_for(cast.delegate)
    assert (
        f"on behalf of {cast.line_manager}"
        in dana.get(f"/portal/approvals/{step.pk}/").content.decode()
    )

    dana.post(f"/portal/approvals/{step.pk}/", {"decision": "approve", "version": step.version})

    decided = fresh(step)
    assert decided.state == ApprovalState.APPROVED
    assert (decided.decided_by, decided.on_behalf_of) == (cast.delegate, cast.line_manager)
    page = (
        client_for(cast.world.requester_north)
        .get(f"/portal/requests/{service_request.pk}/")
        .content.decode()
    )
    assert f"{cast.delegate} on behalf of {cast.line_manager}" in page


def test_should_refuse_a_decision_from_someone_not_on_the_step(cast, submit):
    service_request = submit()
    step = current_step(service_request)
    # Ivan decides a later step: this one is not his, and the page offers him no form.
    ivan = client_for(cast.ict_manager)
    assert ivan.get(f"/portal/approvals/{step.pk}/").status_code == 404
    assert ivan.post(f"/portal/approvals/{step.pk}/", {"decision": "approve"}).status_code == 404
    # The requester sees the step of their own request but may not decide it.
    requester = client_for(cast.world.requester_north)
    page = requester.get(f"/portal/approvals/{step.pk}/").content.decode()
    assert 'id="decision-form"' not in page
    response = requester.post(f"/portal/approvals/{step.pk}/", {"decision": "approve"})
    assert "You cannot approve or reject your own request." in response.content.decode()
    assert fresh(step).state == ApprovalState.PENDING


def test_should_set_and_end_a_delegation_from_the_page(cast):
    lena = client_for(cast.line_manager)
    response = lena.post(
        "/portal/approvals/delegation/",
        {
            "delegate": cast.delegate.pk,
            "starts_at": "2026-11-30T09:00",
            "ends_at": "2026-11-30T08:00",
        },
    )
    assert "The delegation must end after it starts." in response.content.decode()
    assert not ApprovalDelegation.objects.exists()

    response = lena.post(
        "/portal/approvals/delegation/",
        {
            "delegate": cast.delegate.pk,
            "starts_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "ends_at": "2030-01-10T17:00",
            "reason": "Annual leave",
        },
    )
    assert response.status_code == 302
    delegation = ApprovalDelegation.objects.get()
    assert (delegation.delegator, delegation.delegate) == (cast.line_manager, cast.delegate)

    # Someone else cannot end it; Lena can.
    dana = client_for(cast.delegate)
    dana.post(f"/portal/approvals/delegation/{delegation.pk}/end/")
    assert fresh(delegation).ends_at.year == 2030
    lena.post(f"/portal/approvals/delegation/{delegation.pk}/end/")
    assert fresh(delegation).ends_at <= timezone.now()


# --- the desk: requests and fulfilment tasks -------------------------------------------------
def test_should_let_agents_complete_the_tasks_from_the_desk_until_the_request_is_fulfilled(
    cast, submit
):
    w = cast.world
    service_request = submit()
    approve_through(service_request, cast.line_manager, cast.ict_manager)
    order = service_request.tasks.get(title="Order the laptop")
    account = service_request.tasks.get(title="Prepare the account")
    deliver = service_request.tasks.get(title="Deliver and set up")

    agent, engineer = client_for(w.agent), client_for(cast.engineer)
    desk = agent.get("/desk/").content.decode()
    assert "Fulfilment tasks of Service Desk" in desk
    assert f'href="/desk/requests/tasks/{order.pk}/"' in desk
    assert f'href="/desk/requests/tasks/{deliver.pk}/"' not in desk  # stage 2 waits

    # The agent is not in Infrastructure: the account task offers them nothing and refuses.
    page = agent.get(f"/desk/requests/tasks/{account.pk}/").content.decode()
    assert "Only members of Infrastructure work this task." in page
    agent.post(f"/desk/requests/tasks/{account.pk}/do/complete/")
    assert fresh(account).status == TaskStatus.OPEN

    agent.post(f"/desk/requests/tasks/{order.pk}/do/start/", {"version": order.version})
    assert (fresh(order).status, fresh(order).assignee) == (TaskStatus.IN_PROGRESS, w.agent)
    agent.post(
        f"/desk/requests/tasks/{order.pk}/do/complete/",
        {"notes": "Ordered from the framework", "version": fresh(order).version},
    )
    engineer.post(f"/desk/requests/tasks/{account.pk}/do/complete/", {"notes": "Account ready"})
    assert fresh(deliver).status == TaskStatus.OPEN
    agent.post(f"/desk/requests/tasks/{deliver.pk}/do/complete/")

    assert fresh(service_request).status == R.FULFILLED
    assert fresh(order).notes == "Ordered from the framework"
    page = (
        client_for(w.requester_north)
        .get(f"/portal/requests/{service_request.pk}/")
        .content.decode()
    )
    assert 'id="request-status">Fulfilled<' in page
    assert "3 of 3" in page

    # The requester confirms it: closed.
    client_for(w.requester_north).post(
        f"/requests/{service_request.pk}/do/close/", {"version": fresh(service_request).version}
    )
    assert fresh(service_request).status == R.CLOSED


def test_should_refuse_cancelling_a_task_without_a_reason(cast, submit):
    service_request = submit()
    approve_through(service_request, cast.line_manager, cast.ict_manager)
    order = service_request.tasks.get(title="Order the laptop")
    agent = client_for(cast.world.agent)

    response = agent.post(f"/desk/requests/tasks/{order.pk}/do/cancel/", {"notes": ""}, follow=True)
    assert "Say why this task is not needed." in response.content.decode()
    assert fresh(order).status == TaskStatus.OPEN

    agent.post(f"/desk/requests/tasks/{order.pk}/do/cancel/", {"notes": "Spare in stock"})
    assert fresh(order).status == TaskStatus.CANCELLED


def test_should_refuse_a_task_action_from_a_stale_page(cast, submit):
    service_request = submit()
    approve_through(service_request, cast.line_manager, cast.ict_manager)
    order = service_request.tasks.get(title="Order the laptop")
    agent = client_for(cast.world.agent)
    loaded = order.version
    actions.do_start_task(order.pk, actor=cast.world.team_lead)

    response = agent.post(
        f"/desk/requests/tasks/{order.pk}/do/complete/", {"version": loaded}, follow=True
    )
    assert "changed by someone else" in response.content.decode()
    assert fresh(order).status == TaskStatus.IN_PROGRESS


def test_should_filter_and_export_the_desks_request_list(cast, submit):
    w = cast.world
    waiting = submit()
    started = submit(item=cast.software, answers={"computer": cast.my_laptop.pk})
    east = submit(
        requester=w.requester_east,
        item=cast.software,
        answers={"computer": cast.east_laptop.pk},
    )
    agent = client_for(w.agent)

    page = agent.get("/desk/requests/", {"status": "awaiting_approval"}).content.decode()
    assert waiting.reference in page and started.reference not in page

    page = agent.get("/desk/requests/", {"organisation": w.east.pk}).content.decode()
    assert east.reference in page and waiting.reference not in page

    page = agent.get("/desk/requests/", {"item": cast.software.pk}).content.decode()
    assert started.reference in page and east.reference in page and waiting.reference not in page

    page = agent.get("/desk/requests/", {"q": waiting.reference}).content.decode()
    assert "1 result<" in page

    from io import BytesIO

    from openpyxl import load_workbook

    response = agent.get("/desk/requests/", {"item": cast.software.pk, "export": "xlsx"})
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    sheet = load_workbook(BytesIO(response.content)).active
    references = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(references) == sorted([started.reference, east.reference])

    # An east-only agent's export holds only Eastvale's.
    response = client_for(w.agent_east).get("/desk/requests/", {"export": "xlsx"})
    sheet = load_workbook(BytesIO(response.content)).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [east.reference]


# --- catalogue administration --------------------------------------------------------------
def test_should_let_an_administrator_edit_an_items_fields(cast):
    admin = client_for(cast.world.admin)
    item = cast.laptop
    page = admin.get(f"/desk/catalogue/requests/{item.pk}/").content.decode()
    assert "Needed by" in page and "Order the laptop" in page

    url = f"/desk/catalogue/requests/{item.pk}/fields/new/"
    response = admin.post(
        url, {"label": "Bag", "key": "bag", "kind": "choice", "required": "on", "order": 5}
    )
    assert "Give at least one option, one per line." in response.content.decode()
    response = admin.post(
        url, {"label": "Quantity", "key": "quantity", "kind": "number", "order": 6}
    )
    assert "is asked on every form" in response.content.decode()
    assert not item.fields.filter(key__in=["bag", "quantity"]).exists()

    response = admin.post(
        url,
        {
            "label": "Bag",
            "key": "bag",
            "kind": "choice",
            "required": "on",
            "choices": "Backpack\nSleeve",
            "order": 5,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/desk/catalogue/requests/{item.pk}/"
    bag = item.fields.get(key="bag")
    assert (bag.kind, bag.required, bag.options) == ("choice", True, ["Backpack", "Sleeve"])

    notes = item.fields.get(key="notes")
    admin.post(
        f"/desk/catalogue/requests/fields/{notes.pk}/",
        {"label": "Anything else", "key": "notes", "kind": "text", "order": 9},
    )
    assert RequestField.objects.get(pk=notes.pk).label == "Anything else"
    admin.post(f"/desk/catalogue/requests/fields/{notes.pk}/delete/")
    assert not RequestField.objects.filter(pk=notes.pk).exists()

    # The order form asks the new question, and requires it.
    response = client_for(cast.world.requester_north).post(
        order_url(item), {"model": "Standard", "needed_by": "2026-12-01", "quantity": "1"}
    )
    assert "This field is required." in response.content.decode()
    assert ServiceRequest.objects.count() == 0


def test_should_refuse_catalogue_edits_to_agents_and_keep_the_item(cast):
    agent = client_for(cast.world.agent)
    response = agent.post(
        f"/desk/catalogue/requests/{cast.laptop.pk}/fields/new/",
        {"label": "Bag", "key": "bag", "kind": "text", "order": 5},
    )
    assert response.status_code == 403
    assert (
        agent.post(
            f"/desk/catalogue/requests/fields/{cast.laptop.fields.first().pk}/delete/"
        ).status_code
        == 403
    )
    assert cast.laptop.fields.count() == 4


def test_should_create_an_item_and_add_a_fulfilment_step(cast):
    admin = client_for(cast.world.admin)
    response = admin.post(
        "/desk/catalogue/requests/new/",
        {
            "service": cast.laptops.pk,
            "name": "Docking station",
            "cost": "180.00",
            "max_quantity": 4,
            "approval_rule": "none",
            "is_published": "on",
            "pause_sla_while_awaiting_approval": "on",
        },
    )
    item = cast.laptops.request_items.get(name="Docking station")
    assert response["Location"] == f"/desk/catalogue/requests/{item.pk}/"
    admin.post(
        f"/desk/catalogue/requests/{item.pk}/steps/new/",
        {"stage": 1, "team": cast.infra.pk, "title": "Send a dock"},
    )
    assert list(item.steps.values_list("stage", "team", "title")) == [
        (1, cast.infra.pk, "Send a dock")
    ]
    # Two administrators: the second page's save is refused, nothing overwritten.
    stale = item.version
    admin.post(
        f"/desk/catalogue/requests/{item.pk}/",
        {
            "service": cast.laptops.pk,
            "name": "Dock",
            "cost": "180",
            "max_quantity": 4,
            "approval_rule": "none",
            "version": fresh(item).version,
        },
    )
    response = admin.post(
        f"/desk/catalogue/requests/{item.pk}/",
        {
            "service": cast.laptops.pk,
            "name": "Dock station",
            "cost": "1",
            "max_quantity": 4,
            "approval_rule": "none",
            "version": stale,
        },
    )
    assert "changed by someone else" in response.content.decode()
    assert fresh(item).name == "Dock" and fresh(item).cost == Decimal("180.00")


def test_should_set_an_organisations_approval_policy_and_line_manager(cast):
    w = cast.world
    admin = client_for(w.admin)
    response = admin.post(
        f"/desk/catalogue/approval-policies/{w.north.pk}/",
        {
            "ict_managers": [cast.ict_manager.pk],
            "board_name": "ICT board",
            "board_members": [member.pk for member in cast.board[:2]],
            "board_threshold": "20000",
            "board_decision": DecisionRule.ANY_ONE,
        },
    )
    assert response.status_code == 302
    policy = ApprovalPolicy.objects.get(organisation=w.north)
    assert (policy.board_threshold, policy.board_decision) == (Decimal("20000.00"), "one")
    assert set(policy.board_members.all()) == set(cast.board[:2])

    # People of another council cannot be put on Northshire's board.
    response = admin.post(
        f"/desk/catalogue/approval-policies/{w.north.pk}/",
        {
            "board_name": "ICT board",
            "board_members": [w.requester_east.pk],
            "board_threshold": "20000",
            "board_decision": "one",
        },
    )
    assert response.status_code == 200
    assert set(ApprovalPolicy.objects.get(pk=policy.pk).board_members.all()) == set(cast.board[:2])

    response = admin.post(
        "/desk/catalogue/line-managers/new/",
        {"person": cast.outsider.pk, "manager": cast.line_manager.pk},
    )
    assert response.status_code == 302
    assert cast.outsider.line_manager_link.manager == cast.line_manager
    response = admin.post(
        "/desk/catalogue/line-managers/new/",
        {"person": cast.outsider.pk, "manager": cast.outsider.pk},
    )
    assert "Nobody is their own line manager." in response.content.decode()


def test_should_read_the_desks_lists_in_a_constant_number_of_queries(cast, submit):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    agent = client_for(cast.world.agent)

    def queries_for(url) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert agent.get(url).status_code == 200
        return len(captured)

    first = submit(item=cast.software, answers={"computer": cast.my_laptop.pk})
    one_request = queries_for("/desk/requests/")
    one_task = queries_for("/desk/requests/tasks/all/")
    for _ in range(4):
        submit(item=cast.software, answers={"computer": cast.my_laptop.pk})
    assert queries_for("/desk/requests/") == one_request
    assert queries_for("/desk/requests/tasks/all/") == one_task
    assert first.tasks.count() == 1
