"""Scheduling rules: pure checks, and the same rules enforced by do_schedule_change."""

import datetime as dt

import pytest

from changes import actions
from changes.choices import ChangeType
from changes.models import BlackoutPeriod
from changes.scheduling import (
    Blackout,
    OtherChange,
    WeeklyWindow,
    check_schedule,
    inside_a_window,
)
from core.audit import history_of
from core.exceptions import InvalidInput
from tests.changes.conftest import IN_WINDOW, at, reload

EVENINGS = [WeeklyWindow("Weekday evenings", d, dt.time(18), dt.time(22)) for d in range(5)]
SUNDAY = WeeklyWindow("Sunday mornings", 6, dt.time(6), dt.time(12))
LATE = WeeklyWindow("Late", 4, dt.time(20), dt.time(0))


def check(start, end, **kwargs):
    values = {
        "emergency": False,
        "windows": [*EVENINGS, SUNDAY],
        "blackouts": [],
        "others": [],
        "items": ["Service: Email"],
    }
    values.update(kwargs)
    return check_schedule(start, end, **values)


def test_should_accept_a_window_inside_a_weekday_evening():
    report = check(at(2026, 12, 7, 18), at(2026, 12, 7, 22))
    assert report.ok and not report.warnings


def test_should_accept_a_sunday_morning_across_the_clock_change():
    # 29 March 2026: clocks go forward at 01:00; the window is in local wall-clock time.
    assert inside_a_window(at(2026, 3, 29, 6), at(2026, 3, 29, 12), [SUNDAY], "Europe/London")


def test_should_read_a_midnight_end_as_the_end_of_the_day():
    assert inside_a_window(at(2026, 12, 11, 21), at(2026, 12, 12, 0), [LATE], "Europe/London")
    assert not inside_a_window(
        at(2026, 12, 11, 21), at(2026, 12, 12, 0, 30), [LATE], "Europe/London"
    )


@pytest.mark.parametrize(
    "start,end",
    [
        (at(2026, 12, 7, 17), at(2026, 12, 7, 19)),  # starts before the window opens
        (at(2026, 12, 7, 21), at(2026, 12, 7, 23)),  # runs past its close
        (at(2026, 12, 5, 19), at(2026, 12, 5, 21)),  # a Saturday: no window
        (at(2026, 12, 7, 10), at(2026, 12, 7, 11)),  # core hours
    ],
)
def test_should_warn_outside_every_maintenance_window(start, end):
    report = check(start, end)
    assert report.ok
    assert report.outside_windows
    assert "outside every published maintenance window" in report.warnings[0]


def test_should_refuse_an_end_before_the_start():
    report = check(at(2026, 12, 7, 21), at(2026, 12, 7, 19))
    assert report.errors == ["The planned end must be after the planned start."]
    assert check(at(2026, 12, 7, 21), at(2026, 12, 7, 21)).errors


def test_should_refuse_a_missing_end():
    assert check(at(2026, 12, 7, 21), None).errors


def test_should_refuse_a_blackout_unless_emergency():
    count = Blackout("Election count", at(2026, 12, 7, 0), at(2026, 12, 8, 0))
    refused = check(*IN_WINDOW, blackouts=[count])
    assert not refused.ok
    assert "Election count" in refused.errors[0]
    allowed = check(*IN_WINDOW, blackouts=[count], emergency=True)
    assert allowed.ok
    assert "allowed: emergency" in allowed.warnings[0]


def test_should_not_count_a_blackout_that_ends_as_the_window_starts():
    earlier = Blackout("Year end", at(2026, 12, 6, 0), IN_WINDOW[0])
    assert check(*IN_WINDOW, blackouts=[earlier]).ok


def test_should_warn_of_a_collision_naming_the_other_change():
    other = OtherChange(
        "CHG0000007",
        "Firewall rules",
        at(2026, 12, 7, 20),
        at(2026, 12, 7, 23),
        frozenset({"Service: Email"}),
    )
    elsewhere = OtherChange("CHG0000008", "Payroll", *IN_WINDOW, frozenset({"Service: Payroll"}))
    later = OtherChange(
        "CHG0000009", "Later", at(2026, 12, 7, 21), at(2026, 12, 7, 22), frozenset({"x"})
    )
    report = check(*IN_WINDOW, others=[other, elsewhere, later])
    assert report.ok
    assert [c.reference for c in report.collisions] == ["CHG0000007"]
    assert "CHG0000007" in report.warnings[-1] and "Firewall rules" in report.warnings[-1]


# --- enforced by the action ----------------------------------------------------------


def test_should_schedule_inside_a_window_without_a_reason(cab, make_change, advance):
    change = advance(make_change(), "approved")
    change, report = actions.do_schedule_change(
        change,
        actor=cab.manager,
        expected_version=None,
        planned_start=IN_WINDOW[0],
        planned_end=IN_WINDOW[1],
    )
    assert change.status == "scheduled" and not report.warnings


def test_should_refuse_outside_a_window_without_a_reason_then_accept_with_one(
    cab, make_change, advance
):
    change = advance(make_change(), "approved")
    start, end = at(2026, 12, 8, 10), at(2026, 12, 8, 11)
    with pytest.raises(InvalidInput, match="give a reason") as refused:
        actions.do_schedule_change(
            change,
            actor=cab.manager,
            expected_version=None,
            planned_start=start,
            planned_end=end,
        )
    assert refused.value.field == "reason"
    assert reload(change).status == "approved"
    change, _ = actions.do_schedule_change(
        change,
        actor=cab.manager,
        expected_version=None,
        planned_start=start,
        planned_end=end,
        reason="Supplier only on site in the day",
    )
    change = reload(change)
    assert change.status == "scheduled"
    assert change.out_of_window_reason == "Supplier only on site in the day"
    assert history_of(change).filter(verb="change.scheduled").exists()


def test_should_refuse_a_blackout_for_a_normal_change_and_change_nothing(
    cab, make_change, advance, world
):
    BlackoutPeriod.objects.create(
        organisation=world.north,
        name="County election count",
        starts_at=at(2026, 12, 7, 0),
        ends_at=at(2026, 12, 8, 0),
    )
    change = advance(make_change(planned_start=None, planned_end=None), "approved")
    with pytest.raises(InvalidInput, match="County election count"):
        actions.do_schedule_change(
            change,
            actor=cab.manager,
            expected_version=None,
            planned_start=IN_WINDOW[0],
            planned_end=IN_WINDOW[1],
        )
    change = reload(change)
    assert change.status == "approved" and change.planned_start is None


def test_should_let_an_emergency_change_into_a_blackout(cab, make_change, advance, world):
    BlackoutPeriod.objects.create(
        organisation=world.north,
        name="Year end",
        starts_at=at(2026, 12, 7, 0),
        ends_at=at(2026, 12, 8, 0),
    )
    change = advance(make_change(change_type=ChangeType.EMERGENCY), "submitted")
    actions.do_record_ecab_approval(change, actor=cab.member)
    change = actions.do_record_ecab_approval(change, actor=cab.manager)
    change, report = actions.do_schedule_change(
        change,
        actor=cab.manager,
        expected_version=None,
        planned_start=IN_WINDOW[0],
        planned_end=IN_WINDOW[1],
    )
    assert change.status == "scheduled"
    assert "Year end" in report.warnings[0]


def test_should_warn_of_a_collision_on_the_same_service(cab, make_change, advance):
    first = advance(make_change(title="Firewall rules"), "scheduled")
    second = advance(make_change(title="Mail patch"), "approved")
    second, report = actions.do_schedule_change(
        second,
        actor=cab.manager,
        expected_version=None,
        planned_start=IN_WINDOW[0],
        planned_end=IN_WINDOW[1],
    )
    assert second.status == "scheduled"
    assert [c.reference for c in report.collisions] == [first.reference]
    assert first.reference in reload(second).schedule_warnings
    payroll = advance(make_change(services=[cab.payroll]), "approved")
    _, report = actions.do_schedule_change(
        payroll,
        actor=cab.manager,
        expected_version=None,
        planned_start=IN_WINDOW[0],
        planned_end=IN_WINDOW[1],
    )
    assert report.collisions == []


def test_should_refuse_a_window_that_ends_before_it_starts(cab, make_change, advance):
    change = advance(make_change(), "approved")
    with pytest.raises(InvalidInput, match="end must be after"):
        actions.do_schedule_change(
            change,
            actor=cab.manager,
            expected_version=None,
            planned_start=IN_WINDOW[1],
            planned_end=IN_WINDOW[0],
        )
    assert reload(change).status == "approved"
    with pytest.raises(InvalidInput, match="end must be after"):
        make_change(planned_start=IN_WINDOW[1], planned_end=IN_WINDOW[0])
