"""Two approvers deciding at once: one wins and the other is told; board votes count once each."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import close_old_connections

from core.exceptions import ActionError
from core.roles import Role
from servicerequests import actions, approval_rules
from servicerequests.choices import ApprovalState, RequestStatus
from servicerequests.models import ApprovalVote, FulfilmentTask

from .conftest import current_step, fresh


def race(monkeypatch, deciders) -> dict[str, str]:
    """Run each (person, decide) at the same moment; return each person's outcome."""
    real = approval_rules.acting_for

    def slow_acting_for(*args, **kwargs):
        # Widen the window between reading the step and writing the vote: without the lock
        # both deciders would find it pending here and both would "win".
        time.sleep(0.3)
        return real(*args, **kwargs)

    monkeypatch.setattr(approval_rules, "acting_for", slow_acting_for)
    start = threading.Barrier(len(deciders))
    outcomes: dict[str, str] = {}

    def run(person, decide):
        try:
            start.wait()
            decide(person)
            outcomes[person.username] = "decided"
        except ActionError as exc:
            outcomes[person.username] = exc.message
        finally:
            close_old_connections()

    threads = [threading.Thread(target=run, args=pair) for pair in deciders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_should_let_exactly_one_of_two_ict_managers_decide(cast, submit, make_person, monkeypatch):
    second = make_person("ines", [Role.APPROVER], cast.world.north)
    actions.do_set_approval_policy(
        cast.world.north,
        actor=cast.world.admin,
        ict_managers=[cast.ict_manager, second],
        board_members=cast.board,
    )
    request = submit()
    actions.do_approve(current_step(request).pk, actor=cast.line_manager)
    step = current_step(request)
    seen = step.version

    outcomes = race(
        monkeypatch,
        [
            (
                cast.ict_manager,
                lambda p: actions.do_approve(step.pk, actor=p, expected_version=seen),
            ),
            (
                second,
                lambda p: actions.do_reject(
                    step.pk, actor=p, reason="Buy next year", expected_version=seen
                ),
            ),
        ],
    )

    assert sorted(outcomes) == ["ines", "ivan"]
    winners = [name for name, outcome in outcomes.items() if outcome == "decided"]
    assert len(winners) == 1
    loser = ({"ines", "ivan"} - set(winners)).pop()
    assert outcomes[loser].startswith("This approval was already")
    step = fresh(step)
    assert ApprovalVote.objects.filter(approval=step).count() == 1
    expected = (
        (ApprovalState.APPROVED, RequestStatus.IN_FULFILMENT)
        if winners == ["ivan"]
        else (ApprovalState.REJECTED, RequestStatus.REJECTED)
    )
    assert (step.state, fresh(request).status) == expected


@pytest.mark.django_db(transaction=True)
def test_should_count_simultaneous_board_votes_once_each(cast, submit, monkeypatch):
    request = submit(quantity=25)
    actions.do_approve(current_step(request).pk, actor=cast.line_manager)
    actions.do_approve(current_step(request).pk, actor=cast.ict_manager)
    board = current_step(request)

    outcomes = race(
        monkeypatch,
        [(member, lambda p: actions.do_approve(board.pk, actor=p)) for member in cast.board[:2]],
    )

    assert outcomes == {"bea": "decided", "bill": "decided"}
    board = fresh(board)
    assert board.state == ApprovalState.APPROVED
    assert sorted(board.votes.values_list("member__username", flat=True)) == ["bea", "bill"]
    assert fresh(request).status == RequestStatus.IN_FULFILMENT
    assert FulfilmentTask.objects.filter(request=request).count() == 3  # created once
