"""Linking calls to a problem from a desk queue's bulk form."""

import pytest
from django.test import Client

from knowledge.actions import do_create_problem

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-staple"


def test_should_link_the_selected_calls_and_report_those_refused(desk, log_call):
    problem = do_create_problem(actor=desk.agent, organisation=desk.north, summary="Outlook")
    north_calls = [log_call(), log_call()]
    east_call = log_call(caller=desk.requester_east)
    client = Client()
    assert client.login(username=desk.agent.username, password=PASSWORD)
    response = client.post(
        "/desk/calls/bulk/",
        {
            "operation": "problem",
            "problem": problem.reference,
            "pk": [call.pk for call in (*north_calls, east_call)],
            "next": "/desk/queues/open/",
        },
        follow=True,
    )
    text = response.content.decode()
    assert "2 calls linked to the problem." in text
    assert f"{east_call.reference}: belongs to another organisation" in text
    assert set(problem.incidents.values_list("pk", flat=True)) == {c.pk for c in north_calls}


@pytest.mark.parametrize("reference", ["", "not a reference", "PRB9999999"])
def test_should_refuse_a_missing_or_unknown_problem_and_link_nothing(desk, log_call, reference):
    call = log_call()
    client = Client()
    assert client.login(username=desk.agent.username, password=PASSWORD)
    response = client.post(
        "/desk/calls/bulk/",
        {"operation": "problem", "problem": reference, "pk": [call.pk], "next": "/desk/"},
        follow=True,
    )
    text = response.content.decode()
    assert "linked to the problem" not in text
    assert ("Give the problem" in text) or ("does not exist or is not yours to see" in text)
    assert not call.problems.exists()
