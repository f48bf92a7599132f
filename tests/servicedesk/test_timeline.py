"""The bulk seeder's business timeline gives exactly what core.calendars and sla.due_at give."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from hypothesis import example, given, settings
from hypothesis import strategies as st

from core.calendars import CalendarSpec, add_business_seconds, business_seconds_between
from core.management.commands import seed_demo
from servicedesk import sla
from servicedesk.models import Incident
from servicedesk.timeline import BusinessTimeline

LONDON = ZoneInfo("Europe/London")
UTC = dt.UTC
OFFICE = CalendarSpec(
    weekly_hours={
        day: ((dt.time(9), dt.time(12, 30)), (dt.time(13, 15), dt.time(17))) for day in range(5)
    },
    holiday_region="ENG",
    closures=frozenset({dt.date(2026, 3, 30), dt.date(2026, 12, 29)}),
)
LATE = CalendarSpec(  # open past midnight at the weekend: intervals that cross days
    weekly_hours={5: ((dt.time(18), dt.time(0)),), 6: ((dt.time(0), dt.time(2)),)},
)
START = dt.datetime(2025, 12, 1, tzinfo=UTC)
END = dt.datetime(2027, 3, 1, tzinfo=UTC)
TIMELINES = {spec: BusinessTimeline(spec, START, END) for spec in (OFFICE, LATE, sla.ALWAYS_OPEN)}

# Instants inside the span (including either side of the 2026 clock changes), to the second
# and sometimes to the microsecond.
instants = st.datetimes(
    min_value=dt.datetime(2025, 12, 1), max_value=dt.datetime(2027, 2, 1), timezones=st.just(UTC)
)
amounts = st.one_of(
    st.integers(min_value=0, max_value=60 * 3600).map(float),
    st.floats(min_value=0, max_value=60 * 3600, allow_nan=False, allow_infinity=False),
)
specs = st.sampled_from(list(TIMELINES))


def instant(value: dt.datetime | None) -> dt.datetime | None:
    """The same instant in UTC: Python never finds a London time inside the autumn clock
    change equal to a time in another zone (PEP 495), even when it is the same instant."""
    return None if value is None else value.astimezone(UTC)


@settings(max_examples=300, deadline=None)
@given(spec=specs, start=instants, seconds=amounts)
# Due at 01:00 on the night the clocks go back: found by Hypothesis.
@example(
    spec=sla.ALWAYS_OPEN, start=dt.datetime(2026, 10, 22, 15, 25, tzinfo=UTC), seconds=203700.0
)
def test_should_add_business_time_exactly_as_the_calendar_does(spec, start, seconds):
    assert instant(TIMELINES[spec].add_business_seconds(start, seconds)) == instant(
        add_business_seconds(spec, start, seconds)
    )


@settings(max_examples=300, deadline=None)
@given(spec=specs, start=instants, end=instants)
def test_should_measure_business_time_exactly_as_the_calendar_does(spec, start, end):
    assert TIMELINES[spec].business_seconds_between(start, end) == business_seconds_between(
        spec, start, end
    )


@settings(max_examples=200, deadline=None)
@given(
    spec=specs,
    start=instants,
    pause=st.integers(min_value=0, max_value=3 * 86400),
    target=st.integers(min_value=60, max_value=40 * 3600),
    resumed=st.booleans(),
)
def test_should_give_the_deadline_sla_due_at_gives_with_pauses(spec, start, pause, target, resumed):
    pause_start = start + dt.timedelta(seconds=pause)
    pauses = [(pause_start, pause_start + dt.timedelta(hours=20) if resumed else None)]
    assert instant(TIMELINES[spec].due_at(start, pauses, target)) == instant(
        sla.due_at(spec, start, pauses, target)
    )


def test_should_fall_back_to_the_calendar_outside_its_span():
    late = dt.datetime(2027, 2, 26, 16, tzinfo=LONDON)  # Friday; due lands past the span
    assert instant(TIMELINES[OFFICE].add_business_seconds(late, 30 * 3600)) == instant(
        add_business_seconds(OFFICE, late, 30 * 3600)
    )
    early = dt.datetime(2025, 6, 2, 9, tzinfo=LONDON)
    assert TIMELINES[OFFICE].add_business_seconds(early, 3600) == early + dt.timedelta(hours=1)


@pytest.mark.django_db
def test_should_seed_calls_with_the_deadlines_and_measures_the_actions_would_store(
    settings, monkeypatch
):
    import servicedesk.demo

    settings.DEBUG = True
    monkeypatch.setattr(seed_demo, "app_seeders", lambda: [servicedesk.demo])
    call_command("seed_demo")
    call_command("seed_demo", calls=300)
    seeded = Incident.objects.filter(description="Seeded for benchmarks.").select_related(
        "service__calendar", "organisation__calendar"
    )
    assert any(call.service.calendar_id for call in seeded)  # real calendars, not 24×7 only
    specs = {}
    for call in seeded:
        key = (call.service_id, call.organisation_id)
        spec = specs.setdefault(key, call.calendar_spec())
        assert instant(call.response_due) == instant(
            sla.due_at(spec, call.opened_at, [], call.response_target_seconds)
        )
        if call.status in ("new", "assigned", "in_progress"):
            assert instant(call.resolution_due) == instant(
                sla.due_at(spec, call.opened_at, [], call.resolution_target_seconds)
            )
            assert instant(call.sla_warn_at) == instant(
                sla.due_at(spec, call.opened_at, [], call.resolution_target_seconds * 0.75)
            )
        if call.first_response_at is not None:
            assert call.business_seconds_to_respond == int(
                sla.elapsed_seconds(spec, call.opened_at, [], call.first_response_at)
            )
        if call.resolved_at is not None:
            assert call.business_seconds_to_resolve == int(
                sla.elapsed_seconds(spec, call.opened_at, [], call.resolved_at)
            )
