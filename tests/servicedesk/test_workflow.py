"""The incident life cycle, edge by edge: allowed edges, forbidden edges, permissions, audit."""

import datetime as dt

import pytest
from django.utils import timezone

from core.audit import history_of
from core.exceptions import ActionError, ActionForbidden, InvalidInput, StaleRecord
from core.workflow import transitions_for
from servicedesk import actions
from servicedesk.models import Category, Incident

pytestmark = pytest.mark.django_db


def fresh(incident):
    return Incident.objects.get(pk=incident.pk)


def verbs(incident):
    return list(history_of(incident).order_by("id").values_list("verb", flat=True))


def in_progress(log_call, desk):
    incident = log_call()
    return actions.do_take_incident(incident.pk, actor=desk.agent)


def test_should_log_a_new_call_with_reference_priority_team_and_audit(log_call, desk):
    incident = log_call()
    assert incident.status == "new"
    assert incident.reference == f"INC{incident.pk:07d}"
    assert incident.priority == 3  # medium × medium in the default matrix
    assert incident.team == desk.desk
    assert incident.resolution_target_seconds == 8 * 3600
    assert verbs(incident) == ["incident.logged"]


def test_should_give_vip_callers_the_vip_standard(log_call, desk):
    desk.requester_north.is_vip = True
    desk.requester_north.save()
    incident = log_call()
    assert incident.is_vip_audience
    assert (incident.response_target_seconds, incident.resolution_target_seconds) == (900, 14400)


def test_should_assign_new_call_and_count_a_change_of_team(log_call, desk):
    incident = log_call()
    incident = actions.do_assign_incident(incident.pk, actor=desk.agent, team=desk.desk)
    assert incident.status == "assigned" and incident.reassignment_count == 0
    east = log_call(caller=desk.requester_east)
    east = actions.do_assign_incident(east.pk, actor=desk.agent, team=desk.east_team)
    assert east.reassignment_count == 1
    assert "incident.assigned" in verbs(east)


def test_should_refuse_assigning_to_a_team_that_does_not_serve_the_organisation(log_call, desk):
    incident = log_call()
    with pytest.raises(InvalidInput, match="does not serve"):
        actions.do_assign_incident(incident.pk, actor=desk.agent, team=desk.east_team)


def test_should_take_a_new_call_into_progress_and_stop_the_response_clock(log_call, desk):
    incident = in_progress(log_call, desk)
    assert incident.status == "in_progress"
    assert incident.assignee == desk.agent
    assert incident.first_response_at is not None
    assert incident.business_seconds_to_respond is not None


def test_should_start_an_assigned_call(log_call, desk):
    incident = log_call()
    incident = actions.do_assign_incident(
        incident.pk, actor=desk.agent, team=desk.desk, assignee=desk.agent
    )
    incident = actions.do_start_incident(incident.pk, actor=desk.agent)
    assert incident.status == "in_progress"


def test_should_put_on_hold_and_resume(log_call, desk):
    incident = in_progress(log_call, desk)
    incident = actions.do_put_incident_on_hold(
        incident.pk, actor=desk.agent, reason="awaiting_supplier"
    )
    assert incident.status == "pending" and incident.pending_reason == "awaiting_supplier"
    assert incident.resolution_due is None and incident.pauses[-1][1] is None
    incident = actions.do_resume_incident(incident.pk, actor=desk.agent)
    assert incident.status == "in_progress" and incident.pauses[-1][1] is not None
    assert incident.resolution_due is not None


def test_should_resolve_then_caller_confirms(log_call, desk):
    incident = in_progress(log_call, desk)
    incident = actions.do_resolve_incident(
        incident.pk, actor=desk.agent, code="fixed", notes="Rebuilt profile"
    )
    assert incident.status == "resolved"
    assert incident.business_seconds_to_resolve is not None
    assert incident.wall_seconds_to_resolve is not None
    assert incident.auto_close_at > incident.resolved_at
    incident = actions.do_confirm_incident(incident.pk, actor=desk.requester_north)
    assert incident.status == "closed" and incident.closed_at
    assert verbs(incident)[-2:] == ["incident.resolved", "incident.closed"]


def test_should_reopen_resolved_call_counted_by_caller(log_call, desk):
    incident = in_progress(log_call, desk)
    actions.do_resolve_incident(incident.pk, actor=desk.agent, code="fixed", notes="done")
    incident = actions.do_reopen_incident(
        incident.pk, actor=desk.requester_north, reason="Still broken"
    )
    assert incident.status == "in_progress" and incident.reopen_count == 1
    assert incident.resolved_at is None
    assert incident.comments.get().body == "Reopened: Still broken"


def test_should_refuse_reopen_after_the_window(log_call, desk, settings):
    settings.SERVICEDESK_REOPEN_DAYS = 2
    incident = in_progress(log_call, desk)
    actions.do_resolve_incident(incident.pk, actor=desk.agent, code="fixed", notes="done")
    Incident.objects.filter(pk=incident.pk).update(
        resolved_at=timezone.now() - dt.timedelta(days=3)
    )
    with pytest.raises(ActionError, match="reopen window"):
        actions.do_reopen_incident(incident.pk, actor=desk.requester_north)


def test_should_let_caller_cancel_own_new_call_but_not_once_taken(log_call, desk):
    incident = log_call()
    incident = actions.do_cancel_incident(incident.pk, actor=desk.requester_north)
    assert incident.status == "cancelled"
    other = in_progress(log_call, desk)
    with pytest.raises(ActionForbidden, match="right to cancel"):
        actions.do_cancel_incident(other.pk, actor=desk.requester_north)
    assert actions.do_cancel_incident(other.pk, actor=desk.agent).status == "cancelled"


def test_should_auto_close_only_as_the_system(log_call, desk):
    incident = in_progress(log_call, desk)
    actions.do_resolve_incident(incident.pk, actor=desk.agent, code="fixed", notes="done")
    assert "auto_close" not in [t.name for t in transitions_for(fresh(incident), desk.agent)]
    incident = actions.do_auto_close_incident(incident.pk)
    assert incident.status == "closed"
    event = history_of(incident).first()
    assert event.verb == "incident.closed" and event.actor is None


@pytest.mark.parametrize(
    ("setup", "action"),
    [
        ("new", lambda pk, w: actions.do_start_incident(pk, actor=w.agent)),
        ("new", lambda pk, w: actions.do_resume_incident(pk, actor=w.agent)),
        ("new", lambda pk, w: actions.do_confirm_incident(pk, actor=w.requester_north)),
        ("new", lambda pk, w: actions.do_reopen_incident(pk, actor=w.agent)),
        (
            "new",
            lambda pk, w: actions.do_put_incident_on_hold(
                pk, actor=w.agent, reason="awaiting_caller"
            ),
        ),  # noqa: E501
        ("closed", lambda pk, w: actions.do_take_incident(pk, actor=w.agent)),
        (
            "closed",
            lambda pk, w: actions.do_resolve_incident(pk, actor=w.agent, code="fixed", notes="x"),
        ),  # noqa: E501
        ("closed", lambda pk, w: actions.do_reopen_incident(pk, actor=w.agent)),
        ("closed", lambda pk, w: actions.do_cancel_incident(pk, actor=w.agent)),
        ("cancelled", lambda pk, w: actions.do_take_incident(pk, actor=w.agent)),
        (
            "resolved",
            lambda pk, w: actions.do_put_incident_on_hold(
                pk, actor=w.agent, reason="awaiting_caller"
            ),
        ),  # noqa: E501
        ("resolved", lambda pk, w: actions.do_cancel_incident(pk, actor=w.agent)),
        ("resolved", lambda pk, w: actions.do_assign_incident(pk, actor=w.agent, team=w.desk)),
    ],
)
def test_should_refuse_forbidden_edges_with_a_clear_message(log_call, desk, setup, action):
    incident = log_call()
    if setup in ("resolved", "closed"):
        actions.do_resolve_incident(incident.pk, actor=desk.agent, code="fixed", notes="done")
    if setup == "closed":
        actions.do_confirm_incident(incident.pk, actor=desk.requester_north)
    if setup == "cancelled":
        actions.do_cancel_incident(incident.pk, actor=desk.agent)
    before = fresh(incident)
    events = history_of(incident).count()
    with pytest.raises(ActionError, match="cannot be"):
        action(incident.pk, desk)
    after = fresh(incident)
    assert (after.status, after.version) == (before.status, before.version)
    assert history_of(incident).count() == events


@pytest.mark.parametrize(
    "action",
    [
        lambda pk, w: actions.do_take_incident(pk, actor=w.requester_north),
        lambda pk, w: actions.do_assign_incident(pk, actor=w.requester_north, team=w.desk),
        lambda pk, w: actions.do_resolve_incident(
            pk, actor=w.requester_north, code="fixed", notes="self-fixed"
        ),
        lambda pk, w: actions.do_reprioritise_incident(
            pk, actor=w.requester_north, impact=1, urgency=1
        ),
    ],
)
def test_should_refuse_agent_edges_to_a_requester(log_call, desk, action):
    incident = log_call()
    with pytest.raises(ActionForbidden):
        action(incident.pk, desk)
    assert fresh(incident).status == "new"


def test_should_refuse_agents_who_do_not_serve_the_organisation(log_call, desk):
    incident = log_call()  # a northshire call; agent_east serves only eastvale
    with pytest.raises(ActionForbidden, match="not yours to see"):
        actions.do_take_incident(incident.pk, actor=desk.agent_east)


def test_should_refuse_confirm_by_an_agent_without_the_close_right(log_call, desk):
    incident = log_call()
    actions.do_resolve_incident(incident.pk, actor=desk.agent, code="fixed", notes="done")
    with pytest.raises(ActionForbidden):
        actions.do_confirm_incident(incident.pk, actor=desk.agent)
    assert actions.do_confirm_incident(incident.pk, actor=desk.team_lead).status == "closed"


def test_should_refuse_a_stale_page_and_keep_the_winner(log_call, desk):
    incident = log_call()
    seen = incident.version
    actions.do_take_incident(incident.pk, actor=desk.agent, expected_version=seen)
    with pytest.raises(StaleRecord, match="changed by someone else"):
        actions.do_assign_incident(
            incident.pk, actor=desk.team_lead, team=desk.desk, expected_version=seen
        )
    assert fresh(incident).assignee == desk.agent


def test_should_offer_only_the_edges_the_user_may_take(log_call, desk):
    incident = log_call()
    assert {t.name for t in transitions_for(incident, desk.agent)} == {
        "assign",
        "take",
        "resolve",
        "cancel",
    }
    assert {t.name for t in transitions_for(incident, desk.requester_north)} == {"cancel"}
    actions.do_resolve_incident(incident.pk, actor=desk.agent, code="fixed", notes="done")
    assert {t.name for t in transitions_for(fresh(incident), desk.requester_north)} == {
        "reopen",
        "confirm",
    }


def test_should_resolve_on_first_contact_when_logging_a_phone_call(log_call, desk):
    incident = log_call(
        actor=desk.agent,
        channel="phone",
        resolve_now=True,
        resolution_code="advice",
        resolution_notes="Talked through it",
    )
    assert incident.status == "resolved" and incident.resolved_first_contact
    assert incident.logged_by == desk.agent
    assert verbs(incident) == ["incident.logged", "incident.resolved"]


def test_should_refuse_requester_logging_for_someone_else(log_call, desk):
    with pytest.raises(ActionForbidden):
        log_call(actor=desk.requester_east, caller=desk.requester_north)
    assert not Incident.objects.exists()


def test_should_refuse_unknown_category_without_partial_records(log_call, desk):
    with pytest.raises(InvalidInput, match="category"):
        log_call(category=Category.objects.create(name="Desk phone", service=desk.phones))
    assert not Incident.objects.exists()
