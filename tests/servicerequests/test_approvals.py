"""Approval routing by item and cost, ordered steps, board rules, delegation, rejection, resets."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail

from core.audit import history_of
from core.exceptions import ActionError, ActionForbidden, InvalidInput, StaleRecord
from core.models import AuditEvent
from core.roles import Role
from servicerequests import actions, queries
from servicerequests.choices import ApprovalState, DecisionRule, RequestStatus
from servicerequests.models import Approval, ApprovalVote, ServiceRequest

from .conftest import LAPTOP_ANSWERS, at, current_step, fresh

R = RequestStatus


def steps_of(request) -> list[tuple[str, str]]:
    """(step, state) of each step in force, in order."""
    return list(
        request.approvals.exclude(state=ApprovalState.SUPERSEDED)
        .order_by("sequence")
        .values_list("step", "state")
    )


def approve_through(request, *people):
    """Approve the current step as each person in turn."""
    for person in people:
        actions.do_approve(current_step(request).pk, actor=person)


# --- routing ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_should_need_line_manager_then_ict_manager_for_a_purchase_below_the_threshold(cast, submit):
    request = submit(quantity=20)  # 20 × £1,200 = £24,000: not above £25,000

    assert request.total_cost == Decimal("24000.00")
    assert steps_of(request) == [("line_manager", "pending"), ("ict_manager", "pending")]
    assert current_step(request).step == "line_manager"


@pytest.mark.django_db
def test_should_add_the_board_when_the_total_is_above_the_threshold(cast, submit):
    request = submit(quantity=20, answers={**LAPTOP_ANSWERS, "accessories": "1000.01"})

    assert request.total_cost == Decimal("25000.01")
    assert [step for step, _ in steps_of(request)] == ["line_manager", "ict_manager", "board"]
    board = request.approvals.get(step="board")
    assert set(board.approvers.all()) == set(cast.board)
    assert board.decision_rule == DecisionRule.MAJORITY


@pytest.mark.django_db
def test_should_use_the_organisations_own_threshold(cast, submit):
    actions.do_set_approval_policy(
        cast.world.north,
        actor=cast.world.admin,
        ict_managers=[cast.ict_manager],
        board_members=cast.board,
        board_threshold=Decimal("5000"),
    )

    request = submit(quantity=5)  # £6,000

    assert [step for step, _ in steps_of(request)] == ["line_manager", "ict_manager", "board"]


@pytest.mark.django_db
def test_should_need_only_the_line_manager_for_a_non_purchase(cast, submit):
    actions.do_save_request_item(
        cast.laptop,
        actor=cast.world.admin,
        service=cast.laptops,
        name="Laptop",
        cost=Decimal("0"),
        max_quantity=30,
        approval_rule="line_manager",
        is_ict_purchase=False,
        standard=cast.standard,
        is_published=True,
    )
    cast.laptop.refresh_from_db()

    request = submit()

    assert steps_of(request) == [("line_manager", "pending")]


@pytest.mark.django_db
def test_should_run_the_steps_in_order_and_fulfil_after_the_last(cast, submit):
    request = submit(quantity=25)  # £30,000: line manager, ICT manager, board
    first, second, board = request.approvals.order_by("sequence")

    with pytest.raises(ActionError, match="earlier steps come first"):
        actions.do_approve(second.pk, actor=cast.ict_manager)
    assert queries.approvals_awaiting(cast.ict_manager).count() == 0

    actions.do_approve(first.pk, actor=cast.line_manager)
    assert list(queries.approvals_awaiting(cast.ict_manager)) == [second]
    actions.do_approve(second.pk, actor=cast.ict_manager)
    assert fresh(request).status == R.AWAITING_APPROVAL
    actions.do_approve(board.pk, actor=cast.board[0])
    assert fresh(request).status == R.AWAITING_APPROVAL  # 1 of 3: no majority yet
    actions.do_approve(board.pk, actor=cast.board[1])

    request = fresh(request)
    assert request.status == R.IN_FULFILMENT
    assert steps_of(request) == [
        ("line_manager", "approved"),
        ("ict_manager", "approved"),
        ("board", "approved"),
    ]
    assert fresh(board).decided_by == cast.board[1]


@pytest.mark.django_db
def test_should_let_one_board_member_decide_when_the_policy_says_so(cast, submit):
    actions.do_set_approval_policy(
        cast.world.north,
        actor=cast.world.admin,
        ict_managers=[cast.ict_manager],
        board_members=cast.board,
        board_decision=DecisionRule.ANY_ONE,
    )
    request = submit(quantity=25)
    approve_through(request, cast.line_manager, cast.ict_manager)

    actions.do_approve(current_step(request).pk, actor=cast.board[2])

    assert fresh(request).status == R.IN_FULFILMENT


@pytest.mark.django_db
def test_should_reject_when_a_board_majority_can_no_longer_approve(cast, submit):
    request = submit(quantity=25)
    approve_through(request, cast.line_manager, cast.ict_manager)
    board = current_step(request)

    actions.do_approve(board.pk, actor=cast.board[0])
    actions.do_reject(board.pk, actor=cast.board[1], reason="Too dear")
    assert fresh(request).status == R.AWAITING_APPROVAL  # 1–1: the third vote decides
    actions.do_reject(board.pk, actor=cast.board[2], reason="Use the framework contract")

    request = fresh(request)
    assert request.status == R.REJECTED
    assert request.rejection_reason == "Use the framework contract"
    assert ApprovalVote.objects.filter(approval=board).count() == 3


@pytest.mark.django_db
def test_should_count_each_board_members_vote_once(cast, submit):
    request = submit(quantity=25)
    approve_through(request, cast.line_manager, cast.ict_manager)
    board = current_step(request)
    actions.do_approve(board.pk, actor=cast.board[0])

    with pytest.raises(ActionError, match="already voted"):
        actions.do_approve(board.pk, actor=cast.board[0])
    assert fresh(request).status == R.AWAITING_APPROVAL
    assert board.votes.count() == 1


@pytest.mark.django_db
def test_should_refuse_submitting_when_no_line_manager_is_recorded(cast, submit):
    actions.do_set_line_manager(cast.world.requester_north, actor=cast.world.admin, manager=None)

    with pytest.raises(InvalidInput, match="no line manager is recorded"):
        submit()
    assert ServiceRequest.objects.count() == 0
    assert Approval.objects.count() == 0


# --- rejection ----------------------------------------------------------------------------
@pytest.mark.django_db
def test_should_reject_with_the_reason_shown_to_the_requester(
    cast, submit, django_capture_on_commit_callbacks
):
    request = submit()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        actions.do_reject(current_step(request).pk, actor=cast.line_manager, reason="No budget")

    request = fresh(request)
    assert request.status == R.REJECTED
    assert request.rejection_reason == "No budget"
    assert steps_of(request) == [("line_manager", "rejected")]  # the ICT step never ran
    assert request.approvals.get(step="ict_manager").state == ApprovalState.SUPERSEDED
    assert request.resolution_due is None
    [email] = mail.outbox
    assert email.to == ["req_north@example.gov.uk"]
    assert "rejected" in email.subject
    assert "Reason: No budget" in email.body
    assert f"{settings.SITE_URL}/portal/requests/{request.pk}/" in email.body


@pytest.mark.django_db
def test_should_refuse_a_rejection_without_a_reason(cast, submit):
    request = submit()

    with pytest.raises(InvalidInput, match="Say why"):
        actions.do_reject(current_step(request).pk, actor=cast.line_manager, reason="  ")
    assert current_step(request).state == ApprovalState.PENDING


# --- who may decide -------------------------------------------------------------------------
@pytest.mark.django_db
def test_should_refuse_someone_who_is_not_an_approver(cast, submit):
    request = submit()

    for person in (cast.outsider, cast.ict_manager, cast.world.agent):
        with pytest.raises(ActionForbidden):
            actions.do_approve(current_step(request).pk, actor=person)
    assert current_step(request).votes.count() == 0


@pytest.mark.django_db
def test_should_refuse_an_approver_deciding_their_own_request(cast, submit, make_person):
    # The ICT manager asks for a laptop; a second ICT manager exists, so it can be routed.
    second = make_person("ines", [Role.APPROVER], cast.world.north)
    actions.do_set_approval_policy(
        cast.world.north,
        actor=cast.world.admin,
        ict_managers=[cast.ict_manager, second],
        board_members=cast.board,
    )
    actions.do_set_line_manager(cast.ict_manager, actor=cast.world.admin, manager=cast.line_manager)
    request = submit(requester=cast.ict_manager)
    approve_through(request, cast.line_manager)

    with pytest.raises(ActionForbidden, match="your own request"):
        actions.do_approve(current_step(request).pk, actor=cast.ict_manager)
    assert cast.ict_manager.pk not in queries.approvals_awaiting(cast.ict_manager).values_list(
        "request__requester", flat=True
    )
    actions.do_approve(current_step(request).pk, actor=second)
    assert fresh(request).status == R.IN_FULFILMENT


@pytest.mark.django_db
def test_should_refuse_a_request_only_its_requester_could_approve(cast, submit):
    actions.do_set_line_manager(cast.ict_manager, actor=cast.world.admin, manager=cast.line_manager)

    with pytest.raises(InvalidInput, match="nobody other than you"):
        submit(requester=cast.ict_manager)
    assert ServiceRequest.objects.count() == 0


@pytest.mark.django_db
def test_should_not_count_the_requester_towards_a_board_majority(cast, submit):
    # A board member asks: the other two are the voters, so both must approve.
    board_member = cast.board[0]
    actions.do_set_line_manager(board_member, actor=cast.world.admin, manager=cast.line_manager)
    request = submit(requester=board_member, quantity=25)
    approve_through(request, cast.line_manager, cast.ict_manager)
    board = current_step(request)

    actions.do_approve(board.pk, actor=cast.board[1])
    assert fresh(request).status == R.AWAITING_APPROVAL
    actions.do_approve(board.pk, actor=cast.board[2])
    assert fresh(request).status == R.IN_FULFILMENT


# --- delegation -----------------------------------------------------------------------------
@pytest.mark.django_db
def test_should_let_a_delegate_decide_within_the_window_on_behalf_of_the_approver(
    cast, submit, freezer_at
):
    freezer_at(at(11, 23, 9))
    actions.do_create_delegation(
        actor=cast.line_manager,
        delegator=cast.line_manager,
        delegate=cast.delegate,
        starts_at=at(11, 23, 0),
        ends_at=at(11, 28, 0),
        reason="Annual leave",
    )
    request = submit()
    step = current_step(request)
    assert list(queries.approvals_awaiting(cast.delegate)) == [step]

    actions.do_approve(step.pk, actor=cast.delegate)

    step = fresh(step)
    assert (step.state, step.decided_by, step.on_behalf_of) == (
        ApprovalState.APPROVED,
        cast.delegate,
        cast.line_manager,
    )
    event = history_of(step).get(verb="approval.approved")
    assert event.actor == cast.delegate
    assert event.note == "on behalf of Lena"
    vote = step.votes.get()
    assert (vote.member, vote.cast_by) == (cast.line_manager, cast.delegate)


@pytest.mark.django_db
def test_should_refuse_a_delegate_outside_the_window(cast, submit, freezer_at):
    freezer_at(at(11, 23, 9))
    actions.do_create_delegation(
        actor=cast.line_manager,
        delegator=cast.line_manager,
        delegate=cast.delegate,
        starts_at=at(11, 30, 0),
        ends_at=at(12, 4, 0),
    )
    request = submit()
    step = current_step(request)

    assert queries.approvals_awaiting(cast.delegate).count() == 0
    with pytest.raises(ActionForbidden, match="not in force now"):
        actions.do_approve(step.pk, actor=cast.delegate)
    freezer_at(at(12, 4, 0))  # the end is exclusive
    with pytest.raises(ActionForbidden, match="not in force now"):
        actions.do_approve(step.pk, actor=cast.delegate)
    freezer_at(at(12, 1, 10))
    actions.do_approve(step.pk, actor=cast.delegate)
    assert fresh(step).on_behalf_of == cast.line_manager


@pytest.mark.django_db
def test_should_refuse_delegating_someone_elses_approvals(cast):
    with pytest.raises(ActionForbidden, match="only delegate your own"):
        actions.do_create_delegation(
            actor=cast.delegate,
            delegator=cast.line_manager,
            delegate=cast.delegate,
            starts_at=at(11, 23, 0),
            ends_at=at(11, 28, 0),
        )
    with pytest.raises(InvalidInput, match="end after it starts"):
        actions.do_create_delegation(
            actor=cast.line_manager,
            delegator=cast.line_manager,
            delegate=cast.delegate,
            starts_at=at(11, 28, 0),
            ends_at=at(11, 23, 0),
        )


# --- a changed cost -----------------------------------------------------------------------
@pytest.mark.django_db
def test_should_supersede_approvals_when_the_cost_changes(cast, submit):
    request = submit(quantity=2)
    old_first = current_step(request)
    actions.do_approve(old_first.pk, actor=cast.line_manager)
    assert current_step(request).step == "ict_manager"

    actions.do_update_request(request.pk, actor=cast.world.requester_north, quantity=3)

    request = fresh(request)
    assert request.status == R.AWAITING_APPROVAL
    assert request.total_cost == Decimal("3600.00")
    assert list(request.approvals.order_by("id").values_list("step", "state")) == [
        ("line_manager", "superseded"),
        ("ict_manager", "superseded"),
        ("line_manager", "pending"),
        ("ict_manager", "pending"),
    ]
    assert current_step(request).step == "line_manager"
    assert current_step(request).pk != old_first.pk
    assert AuditEvent.objects.filter(verb="approval.superseded").count() == 2
    assert history_of(request).filter(verb="servicerequest.approvals_reset").exists()


@pytest.mark.django_db
def test_should_keep_approvals_when_only_a_free_text_answer_changes(cast, submit):
    request = submit()
    actions.do_approve(current_step(request).pk, actor=cast.line_manager)

    actions.do_update_request(
        request.pk, actor=cast.world.requester_north, answers={"notes": "Left-handed mouse"}
    )

    request = fresh(request)
    assert request.answers["notes"] == "Left-handed mouse"
    assert steps_of(request) == [("line_manager", "approved"), ("ict_manager", "pending")]


@pytest.mark.django_db
def test_should_refuse_a_cost_change_once_fulfilment_has_started(cast, submit):
    request = submit()
    approve_through(request, cast.line_manager, cast.ict_manager)

    with pytest.raises(ActionError, match="can no longer change"):
        actions.do_update_request(request.pk, actor=cast.world.requester_north, quantity=5)
    assert fresh(request).quantity == 1


# --- the decider's page has moved on ------------------------------------------------------
@pytest.mark.django_db
def test_should_tell_the_second_decider_that_the_step_was_decided(cast, submit, make_person):
    second = make_person("ines", [Role.APPROVER], cast.world.north)
    actions.do_set_approval_policy(
        cast.world.north,
        actor=cast.world.admin,
        ict_managers=[cast.ict_manager, second],
        board_members=cast.board,
    )
    request = submit()
    approve_through(request, cast.line_manager)
    step = current_step(request)
    loaded = step.version

    actions.do_approve(step.pk, actor=cast.ict_manager, expected_version=loaded)
    with pytest.raises(StaleRecord, match="already approved by Ivan"):
        actions.do_reject(step.pk, actor=second, reason="No", expected_version=loaded)
    assert fresh(request).status == R.IN_FULFILMENT


@pytest.mark.django_db
def test_should_keep_the_approver_queue_to_the_steps_awaiting_them(cast, submit, freezer_at):
    freezer_at(at(11, 23, 9))
    request = submit()
    other = submit(item=cast.software, answers={"computer": cast.my_laptop.pk})

    assert [a.request for a in queries.approvals_awaiting(cast.line_manager)] == [request]
    assert queries.approvals_awaiting(cast.ict_manager).count() == 0
    assert queries.approvals_awaiting(cast.world.requester_north).count() == 0
    assert other.approvals.count() == 0
    assert queries.approval_for(cast.outsider, current_step(request).pk) is None
    assert queries.approval_for(cast.line_manager, current_step(request).pk) is not None
    freezer_at(at(11, 23, 9) + dt.timedelta(minutes=1))
    actions.do_approve(current_step(request).pk, actor=cast.line_manager)
    assert queries.approvals_awaiting(cast.line_manager).count() == 0


@pytest.mark.django_db
def test_should_approve_and_fulfil_when_a_lower_cost_needs_no_approval_any_more(cast, submit):
    licences = actions.do_save_request_item(
        None,
        actor=cast.world.admin,
        service=cast.laptops,
        name="Bulk licences",
        cost=Decimal("1000"),
        max_quantity=50,
        is_published=True,
    )
    request = submit(item=licences, answers={}, quantity=30)  # £30,000: the board only
    assert steps_of(request) == [("board", "pending")]

    actions.do_update_request(request.pk, actor=cast.world.requester_north, quantity=20)

    request = fresh(request)
    assert request.status == R.IN_FULFILMENT
    assert request.total_cost == Decimal("20000.00")
    assert list(request.approvals.values_list("state", flat=True)) == ["superseded"]
    assert request.tasks.count() == 1  # the service owner's default task


@pytest.mark.django_db
def test_should_check_the_approval_decision_form_like_the_action(cast):
    from servicerequests.forms import ApprovalDecisionForm, DelegationForm

    assert not ApprovalDecisionForm({"decision": "reject", "reason": " "}).is_valid()
    assert ApprovalDecisionForm({"decision": "approve"}).is_valid()
    form = DelegationForm(delegator=cast.line_manager)
    choices = set(form.fields["delegate"].queryset)
    assert cast.delegate in choices
    assert cast.line_manager not in choices
    assert cast.world.requester_east not in choices  # never another council's people
