"""SLA clocks: pure arithmetic on business calendars, and the clocks as the actions keep them."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.calendars import CalendarSpec
from servicedesk import actions, sla
from servicedesk.models import Incident

LONDON = ZoneInfo("Europe/London")
OFFICE = CalendarSpec(
    weekly_hours={day: ((dt.time(9), dt.time(17)),) for day in range(5)}, holiday_region="ENG"
)
EXTENDED = CalendarSpec(
    weekly_hours={day: ((dt.time(7), dt.time(19)),) for day in range(5)}, holiday_region="ENG"
)
HOUR = 3600


def at(day, hour, minute=0, month=11, year=2026):
    return dt.datetime(year, month, day, hour, minute, tzinfo=LONDON)


def test_should_count_only_open_hours_across_a_weekend():
    # Friday 16:00 to Monday 10:00 is one hour on Friday and one on Monday.
    assert sla.elapsed_seconds(OFFICE, at(20, 16), [], at(23, 10)) == 2 * HOUR


def test_should_put_the_deadline_after_the_weekend():
    assert sla.due_at(OFFICE, at(20, 16), [], 2 * HOUR) == at(23, 10)


def test_should_skip_bank_holidays():
    # Christmas Day and Boxing Day 2026 (Fri, and Mon 28th as substitute) are closed.
    start = at(24, 16, month=12)
    assert sla.due_at(OFFICE, start, [], 2 * HOUR) == at(29, 10, month=12)


def test_should_count_extended_hours():
    assert sla.elapsed_seconds(EXTENDED, at(23, 6), [], at(23, 20)) == 12 * HOUR
    assert sla.due_at(EXTENDED, at(23, 18), [], 2 * HOUR) == at(24, 8)


def test_should_not_count_paused_time_and_move_the_deadline():
    pauses = [(at(23, 10), at(23, 12))]
    assert sla.elapsed_seconds(OFFICE, at(23, 9), pauses, at(23, 13)) == 2 * HOUR
    assert sla.due_at(OFFICE, at(23, 9), pauses, 4 * HOUR) == at(23, 15)
    assert sla.paused_seconds(OFFICE, pauses, at(23, 17)) == 2 * HOUR


def test_should_have_no_deadline_while_paused_short_of_the_target():
    pauses = [(at(23, 10), None)]
    assert sla.due_at(OFFICE, at(23, 9), pauses, 4 * HOUR) is None
    # ...but a deadline already passed before the pause stays in the past.
    assert sla.due_at(OFFICE, at(23, 9), pauses, HOUR / 2) == at(23, 9, 30)


def test_should_recompute_deadline_from_the_same_measured_time_when_target_changes():
    pauses = [(at(23, 10), at(24, 10))]  # a day paused, never lost
    start = at(23, 9)
    assert sla.due_at(OFFICE, start, pauses, 4 * HOUR) == at(24, 13)
    assert sla.due_at(OFFICE, start, pauses, 8 * HOUR) == at(24, 17)


def test_should_open_and_close_pauses_idempotently():
    pauses = sla.open_pause([], at(23, 10))
    assert sla.open_pause(pauses, at(23, 11)) == pauses and sla.is_paused(pauses)
    closed = sla.close_pause(pauses, at(23, 12))
    assert closed == [(at(23, 10), at(23, 12))] and sla.close_pause(closed, at(23, 13)) == closed


def test_should_add_working_days_skipping_weekends_and_holidays():
    assert sla.add_working_days(OFFICE, at(20, 15), 3) == at(25, 15)  # Fri -> Wed
    assert sla.add_working_days(OFFICE, at(24, 15, month=12), 1) == at(29, 15, month=12)


@settings(deadline=None, max_examples=60)  # calendar arithmetic is slow on a loaded machine
@given(
    start=st.integers(0, 14 * 24 * 60),
    first=st.integers(0, 5 * 24 * 60),
    second=st.integers(0, 5 * 24 * 60),
    pause_at=st.integers(0, 3 * 24 * 60),
    pause_len=st.integers(0, 3 * 24 * 60),
)
def test_should_measure_additively_and_reach_the_target_at_the_deadline(
    start, first, second, pause_at, pause_len
):
    origin = at(2, 0) + dt.timedelta(minutes=start)
    pause_start = origin + dt.timedelta(minutes=pause_at)
    pauses = [(pause_start, pause_start + dt.timedelta(minutes=pause_len))]
    middle = origin + dt.timedelta(minutes=first)
    end = middle + dt.timedelta(minutes=second)
    whole = sla.elapsed_seconds(OFFICE, origin, pauses, end)
    assert whole >= sla.elapsed_seconds(OFFICE, origin, pauses, middle)  # monotonic
    target = (first % 600 + 1) * 60
    due = sla.due_at(OFFICE, origin, pauses, target)
    assert due is not None
    assert sla.elapsed_seconds(OFFICE, origin, pauses, due) == pytest.approx(target)


# --- the clocks as actions keep them --------------------------------------------------------
@pytest.fixture
def office_call(desk, office_hours, log_call, freezer_at):
    desk.email.calendar = office_hours
    desk.email.save()
    return log_call


@pytest.fixture
def freezer_at(monkeypatch):
    """Move "now" (django.utils.timezone.now) to a given instant."""
    state = {}

    def move(instant):
        state["now"] = instant

    monkeypatch.setattr("django.utils.timezone.now", lambda: state.get("now") or at(23, 9))
    return move


@pytest.mark.django_db
def test_should_pause_while_pending_and_resume_with_time_kept(office_call, desk, freezer_at):
    freezer_at(at(23, 9))  # Monday 09:00, P3: 8 business hours to resolve
    incident = office_call()
    assert incident.resolution_due == at(23, 17)
    freezer_at(at(23, 10))
    actions.do_take_incident(incident.pk, actor=desk.agent)
    freezer_at(at(23, 11))
    incident = actions.do_put_incident_on_hold(
        incident.pk, actor=desk.agent, reason="awaiting_caller"
    )
    assert incident.resolution_due is None
    freezer_at(at(24, 11))  # a whole working day later
    incident = actions.do_resume_incident(incident.pk, actor=desk.agent)
    assert incident.resolution_due == at(24, 17)
    freezer_at(at(24, 12))
    incident = actions.do_resolve_incident(incident.pk, actor=desk.agent, code="fixed", notes="ok")
    assert incident.business_seconds_to_resolve == 3 * HOUR
    assert incident.wall_seconds_to_resolve == 27 * HOUR
    assert incident.business_seconds_to_respond == HOUR
    assert not incident.resolution_breached


@pytest.mark.django_db
def test_should_restart_the_clock_on_reopen_without_counting_resolved_time(
    office_call, desk, freezer_at
):
    freezer_at(at(23, 9))
    incident = office_call()
    freezer_at(at(23, 11))
    actions.do_resolve_incident(incident.pk, actor=desk.agent, code="fixed", notes="ok")
    freezer_at(at(25, 9))  # two working days resolved: not counted
    incident = actions.do_reopen_incident(incident.pk, actor=desk.requester_north)
    assert incident.resolution_due == at(25, 15)  # 6 of 8 hours left
    freezer_at(at(25, 10))
    incident = actions.do_resolve_incident(incident.pk, actor=desk.agent, code="fixed", notes="2")
    assert incident.business_seconds_to_resolve == 3 * HOUR


@pytest.mark.django_db
def test_should_recompute_due_times_when_reprioritised_keeping_paused_time(
    office_call, desk, freezer_at
):
    freezer_at(at(23, 9))
    incident = office_call()
    actions.do_take_incident(incident.pk, actor=desk.agent)
    freezer_at(at(23, 10))
    actions.do_put_incident_on_hold(incident.pk, actor=desk.agent, reason="awaiting_supplier")
    freezer_at(at(23, 14))
    actions.do_resume_incident(incident.pk, actor=desk.agent)
    # Impact high × urgency high: P1, default 4 business hours (no P1 standard on Email).
    incident = actions.do_reprioritise_incident(incident.pk, actor=desk.agent, impact=1, urgency=1)
    assert incident.priority == 1
    assert incident.resolution_due == at(23, 17)  # 1 h before the pause + 3 h after it
    assert Incident.objects.get(pk=incident.pk).sla_pauses == incident.sla_pauses


@pytest.mark.django_db
def test_should_use_the_vip_standard_for_councillors(office_call, desk, freezer_at):
    desk.requester_north.is_vip = True
    desk.requester_north.save()
    freezer_at(at(23, 16))
    incident = office_call()
    assert incident.resolution_due == at(24, 12)  # 4 business hours across the evening
    assert incident.response_due == at(23, 16, 15)
