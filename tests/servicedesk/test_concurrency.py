"""Two agents acting on one call at once: one wins, the other is told, nothing is overwritten."""

import threading
import time

import pytest
from django.db import close_old_connections

from core.exceptions import ActionError
from core.workflow import run_transition
from servicedesk import actions
from servicedesk.models import Incident


@pytest.mark.django_db(transaction=True)
def test_should_let_exactly_one_of_two_agents_take_a_call(desk, log_call, monkeypatch):
    incident = log_call()
    seen = incident.version

    def slow_transition(*args, **kwargs):
        # Widen the window between locking and writing: without the lock both would win.
        time.sleep(0.3)
        return run_transition(*args, **kwargs)

    monkeypatch.setattr("servicedesk.actions.incidents.run_transition", slow_transition)
    start = threading.Barrier(2)
    outcomes = {}

    def take(agent):
        try:
            start.wait()
            actions.do_take_incident(incident.pk, actor=agent, expected_version=seen)
            outcomes[agent.username] = "took it"
        except ActionError as exc:
            outcomes[agent.username] = exc.message
        finally:
            close_old_connections()

    threads = [threading.Thread(target=take, args=(a,)) for a in (desk.agent, desk.team_lead)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values())[1] == "took it"
    loser = next(name for name, outcome in outcomes.items() if outcome != "took it")
    assert "changed by someone else" in outcomes[loser]
    winner = next(name for name, outcome in outcomes.items() if outcome == "took it")
    fresh = Incident.objects.get(pk=incident.pk)
    assert fresh.assignee.username == winner and fresh.version == seen + 1
