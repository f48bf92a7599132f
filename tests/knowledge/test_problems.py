"""Problems: the life cycle edge by edge, linking calls, resolving them, the known error's
article kept in step, and the candidate problems page."""

import pytest

from core.exceptions import ActionError, ActionForbidden, InvalidInput
from core.models import AuditEvent
from knowledge.actions import (
    do_create_problem,
    do_link_incidents,
    do_resolve_problem,
    do_transition_problem,
    do_update_problem,
)
from knowledge.choices import ArticleStatus
from knowledge.models import KnowledgeArticle, Problem
from knowledge.queries import candidate_problems
from servicedesk.actions import do_cancel_incident

pytestmark = pytest.mark.django_db


@pytest.fixture
def problem(desk):
    return do_create_problem(
        actor=desk.agent, organisation=desk.north, summary="Outlook crashes after update"
    )


def test_reference_comes_from_the_primary_key(problem):
    assert problem.reference == f"PRB{problem.pk:07d}"


def test_raising_is_audited_and_needs_the_right(desk, problem):
    assert AuditEvent.objects.filter(verb="problem.raised", object_id=str(problem.pk)).exists()
    with pytest.raises(ActionForbidden):
        do_create_problem(actor=desk.requester_north, organisation=desk.north, summary="x")


def test_agent_of_another_council_cannot_raise_for_north(desk):
    with pytest.raises(ActionForbidden):
        do_create_problem(actor=desk.agent_east, organisation=desk.north, summary="x")


def test_known_error_needs_root_cause_and_workaround(desk, problem):
    do_transition_problem(problem.pk, actor=desk.agent, name="investigate")
    with pytest.raises(ActionError, match="root cause"):
        do_transition_problem(problem.pk, actor=desk.agent, name="record_known_error")
    assert Problem.objects.get(pk=problem.pk).status == "investigating"


def test_forbidden_edge_is_refused(desk, problem):
    with pytest.raises(ActionError):
        do_transition_problem(problem.pk, actor=desk.agent, name="close")


def test_requester_cannot_move_a_problem(desk, problem):
    with pytest.raises(ActionForbidden):
        do_transition_problem(problem.pk, actor=desk.requester_north, name="investigate")


def test_known_error_publishes_its_workaround_and_keeps_it_in_step(desk, problem):
    do_transition_problem(problem.pk, actor=desk.agent, name="investigate")
    do_update_problem(
        problem.pk,
        actor=desk.agent,
        root_cause="Add-in incompatible with the new build",
        workaround="Start Outlook in safe mode",
    )
    problem = do_transition_problem(problem.pk, actor=desk.agent, name="record_known_error")
    article = KnowledgeArticle.objects.get(pk=problem.workaround_article_id)
    assert article.status == ArticleStatus.PUBLISHED
    assert "Start Outlook in safe mode" in article.body
    assert article.versions.count() == 1

    do_update_problem(problem.pk, actor=desk.agent, workaround="Disable the PDF add-in")
    article = KnowledgeArticle.objects.get(pk=article.pk)
    assert "Disable the PDF add-in" in article.body
    assert "safe mode" not in article.body
    assert article.versions.count() == 2
    assert article.versions.get(number=1).body.count("safe mode") == 1
    assert AuditEvent.objects.filter(
        verb="article.synced_from_problem", object_id=str(article.pk)
    ).exists()


def test_link_incidents_reports_each_call(desk, problem, log_call):
    north_call = log_call()
    east_call = log_call(caller=desk.requester_east)
    report = do_link_incidents(problem.pk, [north_call.pk, east_call.pk, 999999], desk.agent)
    assert [i.pk for i in report.linked] == [north_call.pk]
    refused = dict(report.refused)
    assert refused[east_call.reference] == "belongs to another organisation"
    assert "INC0999999" in refused
    again = do_link_incidents(problem.pk, [north_call.pk], desk.agent)
    assert [i.pk for i in again.already_linked] == [north_call.pk]
    assert list(north_call.problems.all()) == [problem]
    assert AuditEvent.objects.filter(
        verb="incident.problem_linked", object_id=str(north_call.pk)
    ).exists()


def test_resolving_offers_to_resolve_open_calls_and_reports_refusals(desk, problem, log_call):
    open_call, cancelled_call = log_call(), log_call()
    do_cancel_incident(cancelled_call.pk, actor=desk.agent)
    do_link_incidents(problem.pk, [open_call.pk, cancelled_call.pk], desk.agent)
    do_transition_problem(problem.pk, actor=desk.agent, name="investigate")
    with pytest.raises(ActionError, match="permanent fix"):
        do_resolve_problem(problem.pk, actor=desk.agent)
    do_update_problem(problem.pk, actor=desk.agent, permanent_fix="Patched the add-in")
    with pytest.raises(InvalidInput):
        do_resolve_problem(problem.pk, actor=desk.agent, resolve_incidents=True, notes=" ")
    result = do_resolve_problem(
        problem.pk, actor=desk.agent, resolve_incidents=True, code="fixed", notes="Add-in patched"
    )
    assert result.problem.status == "resolved"
    assert [i.pk for i in result.resolved] == [open_call.pk]
    open_call = type(open_call).objects.get(pk=open_call.pk)
    assert open_call.status == "resolved" and open_call.resolution_notes == "Add-in patched"
    assert [ref for ref, _why in result.refused] == [cancelled_call.reference]
    assert AuditEvent.objects.filter(verb="incident.resolved", object_id=str(open_call.pk)).exists()


def test_closing_retires_the_workaround_article(desk, problem):
    do_transition_problem(problem.pk, actor=desk.agent, name="investigate")
    do_update_problem(
        problem.pk, actor=desk.agent, root_cause="r", workaround="w", permanent_fix="f"
    )
    problem = do_transition_problem(problem.pk, actor=desk.agent, name="record_known_error")
    do_resolve_problem(problem.pk, actor=desk.agent)
    do_transition_problem(problem.pk, actor=desk.agent, name="close")
    assert KnowledgeArticle.objects.get(pk=problem.workaround_article_id).status == "retired"


def test_stale_edit_is_refused(desk, problem):
    do_update_problem(problem.pk, actor=desk.agent, summary="New summary")
    with pytest.raises(ActionError, match="changed by someone else"):
        do_update_problem(
            problem.pk, actor=desk.agent, expected_version=problem.version, summary="Old page"
        )


def test_candidate_problems_count_unexplained_calls(desk, log_call):
    calls = [log_call(category=desk.outlook) for _ in range(3)]
    log_call(caller=desk.requester_east, category=desk.outlook)
    found = candidate_problems(desk.agent, min_incidents=3, days=7)
    outlook = [c for c in found if c.kind == "category"]
    assert len(outlook) == 1 and outlook[0].count == 3
    assert outlook[0].incident_ids == sorted(c.pk for c in calls)
    assert outlook[0].organisation == desk.north
    problem = do_create_problem(
        actor=desk.agent,
        organisation=desk.north,
        summary="Outlook",
        incident_ids=[calls[0].pk],
    )
    assert problem.incidents.count() == 1
    found = candidate_problems(desk.agent, min_incidents=3, days=7)
    assert not [c for c in found if c.kind == "category"]
    assert candidate_problems(desk.agent, min_incidents=2, days=7)


def test_candidate_page_links_to_a_prefilled_problem(client, desk, log_call):
    calls = [log_call(category=desk.outlook) for _ in range(2)]
    client.force_login(desk.agent)
    page = client.get("/problems/candidates/?min=2&days=5")
    assert page.status_code == 200
    assert ",".join(str(c.pk) for c in calls) in page.content.decode()
    form = client.get(f"/problems/new/?organisation={desk.north.pk}&incidents={calls[0].pk}")
    assert calls[0].reference in form.content.decode()
    client.force_login(desk.requester_north)
    assert client.get("/problems/candidates/").status_code == 403


def test_problem_page_links_calls_by_reference(client, desk, problem, log_call):
    call = log_call()
    client.force_login(desk.agent)
    response = client.post(
        f"/problems/{problem.pk}/incidents/", {"references": call.reference}, follow=True
    )
    assert f"Linked {call.reference}" in response.content.decode()
    assert problem.incidents.filter(pk=call.pk).exists()
    page = client.get(problem.get_absolute_url())
    assert call.reference in page.content.decode()
