"""The service-request part of the demo seed: a catalogue, policies and requests, seeded once."""

import pytest
from django.core.management import call_command

from core.management.commands import seed_demo
from servicerequests.choices import RequestStatus
from servicerequests.models import (
    Approval,
    ApprovalPolicy,
    FulfilmentTask,
    LineManager,
    RequestField,
    RequestItem,
    ServiceRequest,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings, monkeypatch):
    """Core's demo plus the service desk's catalogue and this app's seeder."""
    import servicedesk.demo
    import servicerequests.demo

    settings.DEBUG = True
    monkeypatch.setattr(seed_demo, "app_seeders", lambda: [servicedesk.demo, servicerequests.demo])
    call_command("seed_demo")


def counts() -> tuple[int, ...]:
    """How many of each seeded record exist."""
    return tuple(
        model.objects.count()
        for model in (
            RequestItem,
            RequestField,
            ApprovalPolicy,
            LineManager,
            ServiceRequest,
            Approval,
            FulfilmentTask,
        )
    )


def test_should_seed_a_catalogue_policies_and_requests_in_several_states_once(demo):
    assert RequestItem.objects.filter(is_published=True).count() == 9
    assert all(item.steps.exists() and item.fields.exists() for item in RequestItem.objects.all())
    for policy in ApprovalPolicy.objects.all():
        assert str(policy.board_threshold) == "25000.00"
        assert sorted(policy.board_members.values_list("username", flat=True)) == [
            "approver",
            "changemanager",
            "manager",
        ]
    assert ApprovalPolicy.objects.count() == 2
    states = set(ServiceRequest.objects.values_list("status", flat=True))
    assert {
        RequestStatus.AWAITING_APPROVAL,
        RequestStatus.IN_FULFILMENT,
        RequestStatus.REJECTED,
        RequestStatus.CANCELLED,
        RequestStatus.FULFILLED,
    } <= states
    board = Approval.objects.get(step="board")
    # One of three board members has approved the £27,500 refresh: the majority is pending.
    assert (board.state, board.votes.count(), board.activated_at is not None) == (
        "pending",
        1,
        True,
    )
    before = counts()

    call_command("seed_demo")

    assert counts() == before
