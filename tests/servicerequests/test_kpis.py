"""Service requests are calls in the KPIs (DESIGN.md section 6: calls are incidents plus
service requests): counted where a definition says "calls", left out where it says
"incidents", and credited to the agent who finished them.

One week (Mon 23 – Sun 29 Nov 2026) in Northshire, on office hours, built by the real actions:
  L  laptop request, portal, approved Mon 09:30, last task done Tue 11:00 by the desk agent:
     fulfilled after 9.5 business hours (the half hour awaiting approval is paused)
  R  laptop request logged by the agent on the phone for the requester, rejected: never
     resolved and not in the backlog
  W  laptop request, portal, still awaiting approval at the week's end: in the backlog
  I  incident, portal, Outlook, reassigned to Infrastructure, resolved Mon 10:00 by the
     engineer after one business hour
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from kpis.metrics import (
    Cut,
    Period,
    PeriodKind,
    Source,
    calls_logged,
    calls_per_agent_per_day,
    first_contact_resolution,
    first_time_fix,
    fixed_within_4_hours,
    resolution_by_category,
    self_service_share,
    team_performance,
)
from kpis.wallboard import wallboard_figures
from servicedesk import actions as desk
from servicedesk.models import Category
from servicerequests import actions
from servicerequests.choices import RequestStatus

from .conftest import LAPTOP_ANSWERS, at, current_step, fresh

WEEK = Period.containing(PeriodKind.WEEK, at(11, 23, 12).date())


@pytest.fixture
def week(cast, submit, freezer_at):
    """The requests and the incident of the module docstring."""
    w = cast.world
    calls = {}
    freezer_at(at(11, 23, 9))
    calls["L"] = submit()
    freezer_at(at(11, 23, 9, 15))
    actions.do_approve(current_step(calls["L"]).pk, actor=cast.line_manager)
    freezer_at(at(11, 23, 9, 30))
    actions.do_approve(current_step(calls["L"]).pk, actor=cast.ict_manager)
    for task in fresh(calls["L"]).tasks.filter(stage=1):
        worker = w.agent if task.team == w.desk else cast.engineer
        actions.do_complete_task(task.pk, actor=worker)
    freezer_at(at(11, 24, 11))
    last = fresh(calls["L"]).tasks.get(stage=2)
    actions.do_complete_task(last.pk, actor=w.agent)

    freezer_at(at(11, 23, 10))
    calls["R"] = actions.do_submit_request(
        actor=w.agent,
        requester=w.requester_north,
        item=cast.laptop,
        answers=LAPTOP_ANSWERS,
        channel="phone",
    )
    actions.do_reject(current_step(calls["R"]).pk, actor=cast.line_manager, reason="Not needed")
    freezer_at(at(11, 24, 9))
    calls["W"] = submit()

    cast.outlook = Category.objects.create(name="Outlook", service=cast.laptops)
    freezer_at(at(11, 23, 9))
    incident = desk.do_log_incident(
        actor=w.requester_north,
        caller=w.requester_north,
        service=cast.laptops,
        short_description="Outlook will not open",
        category=cast.outlook,
    )
    freezer_at(at(11, 23, 9, 10))
    desk.do_assign_incident(incident.pk, actor=w.agent, team=cast.infra)
    desk.do_take_incident(incident.pk, actor=cast.engineer)
    freezer_at(at(11, 23, 10))
    desk.do_resolve_incident(incident.pk, actor=cast.engineer, code="fixed", notes="ok")
    calls["I"] = incident
    freezer_at(at(11, 30, 9))
    cast.calls = {key: fresh(call) for key, call in calls.items()}
    return cast


def source(cast, **cut) -> Source:
    """What the Northshire manager sees under a cut."""
    return Source(cast.world.manager_north, Cut(**cut))


@pytest.mark.django_db
def test_should_store_the_requests_as_the_module_docstring_says(week):
    laptop = week.calls["L"]
    assert laptop.status == RequestStatus.FULFILLED
    assert laptop.business_seconds_to_resolve == 9.5 * 3600
    assert laptop.fulfilled_by == week.world.agent
    assert week.calls["R"].status == RequestStatus.REJECTED
    assert week.calls["W"].status == RequestStatus.AWAITING_APPROVAL
    assert week.calls["I"].business_seconds_to_resolve == 3600


@pytest.mark.django_db
def test_should_count_requests_as_calls_logged_and_in_the_self_service_share(week):
    logged = calls_logged(source(week), WEEK)
    assert logged.value == 4
    assert {row["label"]: row["value"] for row in logged.rows} == {"Portal": 3, "Phone": 1}
    share = self_service_share(source(week), WEEK)
    assert (share.numerator, share.denominator, share.value) == (3, 4, 75.0)


@pytest.mark.django_db
def test_should_count_fulfilled_requests_as_resolved_calls_but_not_in_first_time_fix(week):
    within = fixed_within_4_hours(source(week), WEEK)
    assert (within.numerator, within.denominator, within.value) == (1, 2, 50.0)
    first_contact = first_contact_resolution(source(week), WEEK)
    assert (first_contact.numerator, first_contact.denominator) == (0, 2)
    # The only resolved incident was reassigned: 0 of 1, not 1 of 2 with the request.
    fix = first_time_fix(source(week), WEEK)
    assert (fix.numerator, fix.denominator, fix.value) == (0, 1, 0.0)


@pytest.mark.django_db
def test_should_keep_awaiting_requests_in_the_backlog_and_rejected_ones_out(week):
    teams = team_performance(source(week), WEEK)
    rows = {row["label"]: row for row in teams.rows}
    assert rows["Service Desk"]["value"] == 1  # W; R was rejected
    assert rows["Service Desk"]["resolved"] == 1  # L
    assert rows["Infrastructure"]["resolved"] == 1  # I
    assert teams.value == 1


@pytest.mark.django_db
def test_should_credit_the_agent_who_finished_a_request_and_who_logged_one(week):
    measure = calls_per_agent_per_day(source(week), WEEK)
    rows = {row["key"]: row for row in measure.rows}
    # The agent logged R on the phone and finished L; the engineer resolved I. Five days.
    assert rows[week.world.agent.pk]["calls"] == 2
    assert rows[week.engineer.pk]["calls"] == 1
    assert measure.value == pytest.approx((2 / 5 + 1 / 5) / 2)


@pytest.mark.django_db
def test_should_leave_requests_out_of_a_category_cut_and_group_them_without_one(week):
    assert calls_logged(source(week, category=week.outlook.pk), WEEK).value == 1
    assert calls_logged(source(week, service=week.laptops.pk), WEEK).value == 4
    spread = {row["label"]: row for row in resolution_by_category(source(week), WEEK).rows}
    assert spread["Outlook"]["resolved"] == 1
    assert spread["(none)"]["resolved"] == 1  # the fulfilled laptop
    assert spread["(none)"]["value"] == 9.5


@pytest.mark.django_db
def test_should_not_show_another_councils_requests(week, submit):
    submit(
        requester=week.world.requester_east,
        actor=week.world.agent_east,
        item=week.software,
        answers={"computer": week.east_laptop.pk},
    )
    assert calls_logged(source(week), WEEK).value == 4


@pytest.mark.django_db
def test_should_put_open_requests_on_the_wallboard(week, freezer_at):
    freezer_at(at(11, 24, 12))
    figures = wallboard_figures(week.world.manager_north)
    # Today (Tue 24): W logged; L fulfilled; W open (awaiting approval).
    assert figures["logged_today"] == 1
    assert figures["resolved_today"] == 1
    assert figures["open"] == 1


@pytest.mark.django_db
def test_should_list_the_requests_behind_a_number_beside_the_incidents(week, client):
    client.force_login(week.world.manager_north)
    query = {"period": "week", "day": "2026-11-25"}

    def listed(kpi):
        response = client.get(reverse("kpis:drilldown"), {**query, "kpi": kpi})
        assert response.status_code == 200
        table = response.context.get("request_table")
        incidents = {row.record.pk for row in response.context["table"].rows}
        return incidents, None if table is None else {row.record.pk for row in table.rows}

    calls = week.calls
    assert listed("calls_logged") == ({calls["I"].pk}, {calls[k].pk for k in "LRW"})
    assert listed("fixed_within_4_hours") == ({calls["I"].pk}, {calls["L"].pk})
    assert listed("team_performance") == (set(), {calls["W"].pk})
    # First-time fix counts incidents only: no requests behind it.
    assert listed("first_time_fix") == ({calls["I"].pk}, None)
