"""Fixtures of the KPI tests: a catalogue on office hours, a movable clock, and a small set of
calls built through the real service desk actions, whose KPI values are worked out by hand."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from core.models import BusinessCalendar, OpeningHours, Team, TeamKind
from core.roles import Role
from servicedesk import actions
from servicedesk.models import Category, Service, ServiceStandard

LONDON = ZoneInfo("Europe/London")
HOUR = 3600


def at(day, hour, minute=0, month=11, year=2026) -> dt.datetime:
    """An instant in London; November 2026 unless told otherwise (Mon 23 Nov is a Monday)."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=LONDON)


@pytest.fixture
def clock(monkeypatch):
    """Move "now" (django.utils.timezone.now) to a given instant."""
    state = {"now": at(23, 9)}

    def move(instant):
        state["now"] = instant

    monkeypatch.setattr("django.utils.timezone.now", lambda: state["now"])
    return move


@pytest.fixture
def catalogue(world, make_person):
    """Email on office hours (P3: 8 business hours to resolve), Telephony 24×7, a second team."""
    office = BusinessCalendar.objects.create(name="Office", holiday_region="ENG")
    OpeningHours.objects.bulk_create(
        OpeningHours(calendar=office, weekday=day, opens=dt.time(9), closes=dt.time(17))
        for day in range(5)
    )
    world.email = Service.objects.create(name="Email", owner_team=world.desk, calendar=office)
    world.phones = Service.objects.create(name="Telephony", owner_team=world.desk)
    ServiceStandard.objects.create(
        service=world.email, priority=3, response_minutes=60, resolution_minutes=8 * 60
    )
    world.outlook = Category.objects.create(name="Outlook", service=world.email)
    world.infra = Team.objects.create(name="North Infrastructure", kind=TeamKind.SECOND_LINE)
    world.infra.organisations.set([world.north])
    world.infra_agent = make_person("infra", [Role.AGENT], world.north, teams=[world.infra])
    world.office = office
    return world


@pytest.fixture
def week_of_calls(catalogue, clock):
    """Calls of the week of Mon 23 Nov 2026 (plus two older ones), through the real actions.

    business hours to resolve / wall hours / notes:
      A  0 / 0   phone, resolved at first contact by the agent; Outlook
      B  2 / 66  logged Fri 20th 16:00 (last week), resolved Mon 10:00 over the weekend; Outlook
      C 14 / 54  on hold Mon 10:00 to Tue 10:00 (8 paused hours), resolved Wed 15:00; Outlook
      D  2 / 2   reassigned from the desk to North Infrastructure
      E  2 / 4   resolved, reopened by the caller, resolved again
      F  -       logged Tue, never resolved (backlog)
      H  0 / 0   east caller, first contact (not visible to the north manager)
      I  -       logged Fri 30 Oct, never resolved (aged backlog > 20 working days)
    """
    w = catalogue
    agent, caller = w.agent, w.requester_north
    S = actions

    def log(when, **fields):
        clock(when)
        fields.setdefault("caller", caller)
        fields.setdefault("service", w.email)
        fields.setdefault("short_description", "Outlook will not open")
        return S.do_log_incident(actor=fields.pop("actor", fields["caller"]), **fields)

    def step(when, action, incident, **kwargs):
        clock(when)
        kwargs.setdefault("actor", agent)
        return action(incident.pk, **kwargs)

    calls = {}
    calls["I"] = log(at(30, 9, month=10))
    calls["B"] = log(at(20, 16), category=w.outlook)
    step(at(20, 16), S.do_take_incident, calls["B"])
    step(at(23, 10), S.do_resolve_incident, calls["B"], code="fixed", notes="ok")

    calls["A"] = log(
        at(23, 9),
        actor=agent,
        channel="phone",
        category=w.outlook,
        resolve_now=True,
        resolution_code="advice",
        resolution_notes="Told them how",
    )
    calls["C"] = log(at(23, 9), category=w.outlook)
    step(at(23, 9, 30), S.do_take_incident, calls["C"])
    step(at(23, 10), S.do_put_incident_on_hold, calls["C"], reason="awaiting_caller")
    step(at(24, 10), S.do_resume_incident, calls["C"])
    step(at(25, 15), S.do_resolve_incident, calls["C"], code="fixed", notes="ok")

    calls["D"] = log(at(23, 9))
    step(at(23, 9, 10), S.do_assign_incident, calls["D"], team=w.infra)
    step(at(23, 9, 20), S.do_take_incident, calls["D"], actor=w.infra_agent)
    step(
        at(23, 11), S.do_resolve_incident, calls["D"], actor=w.infra_agent, code="fixed", notes="ok"
    )

    calls["E"] = log(at(23, 9))
    step(at(23, 9, 5), S.do_take_incident, calls["E"])
    step(at(23, 10), S.do_resolve_incident, calls["E"], code="fixed", notes="ok")
    step(at(23, 12), S.do_reopen_incident, calls["E"], actor=caller)
    step(at(23, 13), S.do_resolve_incident, calls["E"], code="fixed", notes="again")

    calls["F"] = log(at(24, 9))
    calls["H"] = log(
        at(23, 11),
        actor=w.agent,
        caller=w.requester_east,
        channel="phone",
        resolve_now=True,
        resolution_code="advice",
        resolution_notes="Told them how",
    )
    clock(at(27, 12))
    w.calls = {key: type(call).objects.get(pk=call.pk) for key, call in calls.items()}
    return w
