"""Properties and worked examples for the business-time arithmetic in core.calendars.

Needs neither Django nor a database: plain pytest and hypothesis.

Datetimes are generated as UTC instants (so they always exist) and then handed to the API either
in UTC or in Europe/London. Orderings and real durations are always taken in UTC, because Python
compares and subtracts two datetimes sharing one ZoneInfo by wall clock.
"""

from __future__ import annotations

import dataclasses
import math
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from core.calendars import (
    CalendarSpec,
    add_business_seconds,
    add_business_time,
    business_seconds_between,
    business_time_between,
    is_open,
    next_open,
    open_intervals,
    upcoming_holidays,
)

LONDON = ZoneInfo("Europe/London")
ZERO = timedelta(0)
ONE_US = timedelta(microseconds=1)
ONE_DAY = timedelta(days=1)
HOUR = timedelta(hours=1)


def weekdays(*intervals: tuple[time, time]) -> dict[int, tuple[tuple[time, time], ...]]:
    return dict.fromkeys(range(5), intervals)


STANDARD = CalendarSpec(weekdays((time(8), time(18))), holiday_region="ENG")
EXTENDED = CalendarSpec(weekdays((time(7), time(19))), holiday_region="ENG")
SCOTLAND = CalendarSpec(weekdays((time(9), time(17))), holiday_region="SCT")
SPLIT = CalendarSpec(
    weekdays((time(9), time(12, 30)), (time(13, 30), time(17))),
    holiday_region="NIR",
    closures=frozenset(
        {date(2024, 12, 24), date(2025, 6, 18), date(2026, 12, 24), date(2027, 3, 30)}
    ),
)
ALWAYS = CalendarSpec(dict.fromkeys(range(7), ((time(0), time(0)),)))
SUNDAY_NIGHTS = CalendarSpec({6: ((time(0), time(4)),)})
CALENDARS = [STANDARD, EXTENDED, SCOTLAND, SPLIT, ALWAYS, SUNDAY_NIGHTS]
YEARS = range(2024, 2029)

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)


def utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def local_day(day: date) -> tuple[datetime, datetime]:
    """The instants bounding one whole Europe/London day (local midnight always exists)."""
    return london(day.year, day.month, day.day), london(*(day + ONE_DAY).timetuple()[:3])


def last_sunday(year: int, month: int) -> date:
    day = date(year, month + 1, 1) - ONE_DAY
    return day - timedelta(days=(day.weekday() + 1) % 7)


def bank_holidays(region: str) -> list[date]:
    return sorted(holidays.country_holidays("GB", subdiv=region, years=YEARS))


# --- strategies ------------------------------------------------------------------------------

FIRST = datetime(2024, 1, 1, tzinfo=UTC)
LAST = datetime(2029, 1, 1, tzinfo=UTC)
# Both UK clock changes happen at 01:00 UTC on the last Sunday of March and of October.
CLOCK_CHANGES = [
    datetime.combine(last_sunday(year, month), time(1), tzinfo=UTC)
    for year in YEARS
    for month in (3, 10)
]
HOLIDAY_MIDNIGHTS = [
    utc(local_day(day)[0]) for region in ("ENG", "SCT", "NIR") for day in bank_holidays(region)
]
ANCHORS = CLOCK_CHANGES + HOLIDAY_MIDNIGHTS


def micros(delta: timedelta) -> int:
    return delta // ONE_US


def near(anchors: list[datetime], radius: timedelta, step: timedelta) -> st.SearchStrategy:
    steps = radius // step
    return st.builds(
        lambda anchor, n: anchor + n * step,
        st.sampled_from(anchors),
        st.integers(-steps, steps),
    )


utc_instants = st.one_of(
    st.integers(0, micros(LAST - FIRST)).map(lambda us: FIRST + timedelta(microseconds=us)),
    near(CLOCK_CHANGES, timedelta(hours=30), ONE_US),
    near(HOLIDAY_MIDNIGHTS, timedelta(hours=40), ONE_US),
    # Whole minutes and quarter hours land exactly on opening and closing times.
    near(ANCHORS, timedelta(days=4), timedelta(minutes=1)),
    st.integers(0, (LAST - FIRST) // timedelta(minutes=15)).map(
        lambda n: FIRST + n * timedelta(minutes=15)
    ),
)


def presented(instant: datetime, in_london: bool) -> datetime:
    return instant.astimezone(LONDON) if in_london else instant


instants = st.builds(presented, utc_instants, st.booleans())
gaps = st.one_of(
    st.just(ZERO),
    st.integers(0, micros(timedelta(days=4))).map(lambda us: timedelta(microseconds=us)),
    st.integers(0, 4 * 24 * 4).map(lambda n: n * timedelta(minutes=15)),
    st.integers(0, micros(timedelta(days=400))).map(lambda us: timedelta(microseconds=us)),
)


@st.composite
def ordered(draw: st.DrawFn, count: int) -> list[datetime]:
    """``count`` non-decreasing instants, each shown in UTC or London time."""
    points = [draw(utc_instants)]
    for _ in range(count - 1):
        points.append(points[-1] + draw(gaps))
    return [presented(point, draw(st.booleans())) for point in points]


amounts = st.one_of(
    st.integers(0, micros(timedelta(hours=2000))).map(lambda us: timedelta(microseconds=us)),
    st.integers(0, 2000).map(lambda hours: timedelta(hours=hours)),
    st.integers(0, 2000 * 60).map(lambda minutes: timedelta(minutes=minutes)),
    st.integers(0, 60).map(lambda minutes: timedelta(minutes=minutes)),
)
calendars = st.sampled_from(CALENDARS)


@st.composite
def closed_days(draw: st.DrawFn) -> tuple[CalendarSpec, date]:
    """A calendar with one local date on which it must be closed all day."""
    kind = draw(st.sampled_from(["weekend", "holiday", "closure"]))
    if kind == "weekend":
        day = draw(st.dates(date(2024, 1, 1), date(2028, 12, 24)))
        day += timedelta(days=5 - day.weekday() + draw(st.integers(0, 1)))  # Sat or Sun
        return draw(st.sampled_from([STANDARD, EXTENDED, SCOTLAND, SPLIT])), day
    if kind == "holiday":
        spec = draw(st.sampled_from([STANDARD, EXTENDED, SCOTLAND, SPLIT]))
        return spec, draw(st.sampled_from(bank_holidays(spec.holiday_region)))
    return SPLIT, draw(st.sampled_from(sorted(SPLIT.closures)))


# --- properties ------------------------------------------------------------------------------


@SETTINGS
@given(spec=calendars, points=ordered(3))
def test_should_add_up_exactly_over_adjacent_ranges(spec, points):
    a, b, c = points
    assert business_time_between(spec, a, b) + business_time_between(
        spec, b, c
    ) == business_time_between(spec, a, c)


@SETTINGS
@given(spec=calendars, points=ordered(3))
def test_should_grow_with_the_range_and_never_exceed_elapsed_time(spec, points):
    a, b, c = points
    ab = business_time_between(spec, a, b)
    assert ZERO <= ab <= utc(b) - utc(a)
    assert business_time_between(spec, a, c) >= ab
    assert business_seconds_between(spec, a, b) == ab.total_seconds()
    if utc(c) > utc(a):
        assert business_time_between(spec, c, a) == ZERO


@SETTINGS
@given(spec=calendars, start=instants, amount=amounts)
def test_should_round_trip_add_and_between(spec, start, amount):
    due = add_business_time(spec, start, amount)
    assert business_time_between(spec, start, due) == amount
    if amount:
        # Earliest such instant: one microsecond sooner is not enough.
        assert business_time_between(spec, start, utc(due) - ONE_US) < amount
        assert due.tzinfo == LONDON
    else:
        assert due is start


@SETTINGS
@given(spec=calendars, start=instants, first=amounts, second=amounts)
def test_should_never_move_due_times_earlier_when_adding_more(spec, start, first, second):
    smaller, larger = sorted((first, second))
    due_smaller = add_business_time(spec, start, smaller)
    due_larger = add_business_time(spec, start, larger)
    assert utc(start) <= utc(due_smaller) <= utc(due_larger)


@SETTINGS
@given(spec=calendars, start=instants, whole_seconds=st.integers(0, 2000 * 3600))
def test_should_round_trip_add_and_between_in_seconds(spec, start, whole_seconds):
    due = add_business_seconds(spec, start, float(whole_seconds))
    assert business_seconds_between(spec, start, due) == whole_seconds


@SETTINGS
@given(
    closed=closed_days(),
    fractions=st.lists(st.floats(0, 1, exclude_max=True), min_size=1, max_size=20),
)
def test_should_count_nothing_on_weekends_bank_holidays_and_closures(closed, fractions):
    spec, day = closed
    day_start, day_end = local_day(day)
    assert business_time_between(spec, day_start, day_end) == ZERO
    assert list(open_intervals(spec, day_start, day_end)) == []
    length = utc(day_end) - utc(day_start)  # 23, 24 or 25 hours
    for fraction in fractions:
        assert not is_open(spec, utc(day_start) + length * fraction)
    assert not is_open(spec, day_start)


@SETTINGS
@given(spec=calendars, at=instants)
# The second 01:00 of the autumn change: wall-clock "+ 1 µs" would step back an hour here.
@example(spec=ALWAYS, at=datetime(2024, 10, 27, 1, fold=1, tzinfo=LONDON))
def test_should_report_open_exactly_when_the_next_moment_counts(spec, at):
    if is_open(spec, at):
        assert business_time_between(spec, at, utc(at) + ONE_US) == ONE_US
        assert business_time_between(spec, at, utc(at) + timedelta(seconds=1)) > ZERO
        assert next_open(spec, at) is at
    else:
        assert business_time_between(spec, at, utc(at) + ONE_US) == ZERO


@SETTINGS
@given(spec=calendars, at=instants)
def test_should_find_the_next_opening_with_no_business_time_before_it(spec, at):
    opening = next_open(spec, at)
    assert utc(opening) >= utc(at)
    assert is_open(spec, opening)
    assert business_time_between(spec, at, opening) == ZERO


@SETTINGS
@given(spec=calendars, points=ordered(2))
def test_should_list_open_intervals_that_sum_to_the_business_time(spec, points):
    start, end = points
    intervals = list(open_intervals(spec, start, end))
    total = ZERO
    previous_end = utc(start)
    for opens, closes in intervals:
        # Ordered, inside the range, and maximal: touching intervals are merged.
        assert previous_end <= utc(opens) < utc(closes) <= utc(end)
        assert opens.tzinfo == closes.tzinfo == LONDON
        assert is_open(spec, opens)
        assert not is_open(spec, closes) or utc(closes) == utc(end)
        total += utc(closes) - utc(opens)
        previous_end = utc(closes) + ONE_US
    assert total == business_time_between(spec, start, end)


@SETTINGS
@given(points=ordered(2), amount=amounts)
def test_should_count_real_elapsed_time_on_a_24x7_calendar(points, amount):
    start, end = points
    assert business_time_between(ALWAYS, start, end) == utc(end) - utc(start)
    assert utc(add_business_time(ALWAYS, start, amount)) == utc(start) + amount


def _count_open_minutes(spec: CalendarSpec, start: datetime, end: datetime) -> int:
    """Brute-force oracle: walk real minutes and check the local wall clock against the spec."""
    zone = ZoneInfo(spec.tz)
    closed = set(spec.closures)
    if spec.holiday_region:
        closed |= set(
            holidays.country_holidays("GB", subdiv=spec.holiday_region, years=range(2023, 2030))
        )
    minutes = 0
    moment = start
    while moment < end:
        wall = moment.astimezone(zone)
        if wall.date() not in closed:
            for opens, closes in spec.weekly_hours[wall.weekday()]:
                if opens <= wall.time() and (closes == time(0) or wall.time() < closes):
                    minutes += 1
        moment += timedelta(minutes=1)
    return minutes


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    spec=calendars,
    start=near(ANCHORS, timedelta(days=3), timedelta(minutes=1)),
    length=st.integers(0, 3 * 24 * 60),
)
def test_should_agree_with_a_minute_by_minute_wall_clock_count(spec, start, length):
    end = start + timedelta(minutes=length)
    expected = _count_open_minutes(spec, start, end)
    assert business_time_between(spec, start, end) == timedelta(minutes=expected)


# --- worked examples -------------------------------------------------------------------------


def test_should_make_a_friday_afternoon_call_due_on_monday_afternoon():
    # Fri 13 Nov 2026 17:00-18:00 uses 1 h; Mon 16 Nov 08:00 + 7 h = 15:00.
    due = add_business_time(STANDARD, london(2026, 11, 13, 17), timedelta(hours=8))
    assert due == london(2026, 11, 16, 15)
    assert due.tzinfo == LONDON


def test_should_skip_christmas_and_the_boxing_day_substitute():
    # Thu 24 Dec 17:00-18:00 is 1 h; Fri 25 (Christmas), the weekend and Mon 28 (Boxing Day
    # falls on Sat 26, so Monday is the substitute) are closed; Tue 29 08:00 + 1 h = 09:00.
    due = add_business_time(STANDARD, london(2026, 12, 24, 17), 2 * HOUR)
    assert due == london(2026, 12, 29, 9)
    assert not is_open(STANDARD, london(2026, 12, 28, 10))


def test_should_close_on_the_second_of_january_in_scotland_only():
    assert not is_open(SCOTLAND, london(2026, 1, 2, 10))
    assert is_open(STANDARD, london(2026, 1, 2, 10))
    # Wed 31 Dec 16:00-17:00 is 1 h; Thu 1 and Fri 2 Jan are holidays, then the weekend;
    # Mon 5 Jan 09:00 + 1 h = 10:00.
    assert add_business_time(SCOTLAND, london(2025, 12, 31, 16), 2 * HOUR) == london(2026, 1, 5, 10)


def test_should_move_scotlands_second_of_january_to_monday_when_it_is_a_saturday():
    # 2 Jan 2027 is a Saturday, so Scotland takes Mon 4 Jan off; England does not.
    assert business_time_between(SCOTLAND, *local_day(date(2027, 1, 4))) == ZERO
    assert business_time_between(STANDARD, *local_day(date(2027, 1, 4))) == 10 * HOUR


def test_should_close_on_st_andrews_day_in_scotland_only():
    st_andrews = date(2026, 11, 30)  # a Monday
    assert st_andrews in holidays.country_holidays("GB", subdiv="SCT", years=2026)
    assert st_andrews not in holidays.country_holidays("GB", subdiv="ENG", years=2026)
    assert business_time_between(SCOTLAND, *local_day(st_andrews)) == ZERO
    assert business_time_between(STANDARD, *local_day(st_andrews)) == 10 * HOUR


def test_should_close_on_st_patricks_day_in_northern_ireland_only():
    st_patricks = date(2026, 3, 17)  # a Tuesday
    assert business_time_between(SPLIT, *local_day(st_patricks)) == ZERO
    # The split day is 3.5 h + 3.5 h.
    assert business_time_between(SPLIT, *local_day(date(2026, 3, 18))) == 7 * HOUR
    assert business_time_between(STANDARD, *local_day(st_patricks)) == 10 * HOUR


def test_should_skip_closure_days():
    with_closures = dataclasses.replace(
        STANDARD, closures=frozenset({date(2026, 12, 24), date(2026, 12, 29)})
    )
    # Without closures: Wed 23 Dec 17:00-18:00, then Thu 24 08:00 + 1 h.
    assert add_business_time(STANDARD, london(2026, 12, 23, 17), 2 * HOUR) == london(
        2026, 12, 24, 9
    )
    # With them, 24 Dec and 29 Dec join Christmas, the weekend and the substitute Monday.
    assert add_business_time(with_closures, london(2026, 12, 23, 17), 2 * HOUR) == london(
        2026, 12, 30, 9
    )
    assert not is_open(with_closures, london(2026, 12, 24, 10))


def test_should_count_three_hours_on_the_spring_forward_sunday():
    assert business_time_between(SUNDAY_NIGHTS, *local_day(date(2026, 3, 22))) == 4 * HOUR
    # 00:00 GMT (00:00 UTC) to 04:00 BST (03:00 UTC): the hour 01:00-02:00 never happens.
    assert business_time_between(SUNDAY_NIGHTS, *local_day(date(2026, 3, 29))) == 3 * HOUR
    assert list(open_intervals(SUNDAY_NIGHTS, *local_day(date(2026, 3, 29)))) == [
        (london(2026, 3, 29, 0), london(2026, 3, 29, 4))
    ]
    # Two hours from midnight: 00:00-01:00 GMT, then 02:00-03:00 BST.
    due = add_business_time(SUNDAY_NIGHTS, london(2026, 3, 29, 0), 2 * HOUR)
    assert utc(due) == datetime(2026, 3, 29, 2, tzinfo=UTC)
    assert due.replace(tzinfo=None) == datetime(2026, 3, 29, 3)


def test_should_count_five_hours_on_the_fall_back_sunday():
    # 00:00 BST (Sat 23:00 UTC) to 04:00 GMT (04:00 UTC): 01:00-02:00 happens twice.
    assert business_time_between(SUNDAY_NIGHTS, *local_day(date(2026, 10, 25))) == 5 * HOUR
    due = add_business_time(SUNDAY_NIGHTS, london(2026, 10, 25, 0), 2 * HOUR)
    assert utc(due) == datetime(2026, 10, 25, 1, tzinfo=UTC)
    assert (due.hour, due.fold) == (1, 1)  # the second 01:00, in GMT
    due = add_business_time(SUNDAY_NIGHTS, london(2026, 10, 25, 0), 5 * HOUR)
    assert utc(due) == datetime(2026, 10, 25, 4, tzinfo=UTC)


def test_should_move_opening_times_in_the_spring_gap_to_the_end_of_the_gap():
    gap_opening = CalendarSpec({6: ((time(1, 30), time(3)),)})
    # 01:30 does not exist on 29 Mar 2026; the wall clock first reaches it at 02:00 BST.
    assert list(open_intervals(gap_opening, *local_day(date(2026, 3, 29)))) == [
        (london(2026, 3, 29, 2), london(2026, 3, 29, 3))
    ]
    assert business_time_between(gap_opening, *local_day(date(2026, 3, 29))) == HOUR
    assert not is_open(gap_opening, datetime(2026, 3, 29, 0, 59, tzinfo=UTC))
    assert is_open(gap_opening, datetime(2026, 3, 29, 1, tzinfo=UTC))
    inside_gap = CalendarSpec({6: ((time(1, 15), time(1, 45)),)})
    assert business_time_between(inside_gap, *local_day(date(2026, 3, 29))) == ZERO
    assert business_time_between(inside_gap, *local_day(date(2026, 3, 22))) == HOUR / 2


def test_should_use_the_first_occurrence_of_ambiguous_opening_times():
    repeated = CalendarSpec({6: ((time(1), time(1, 30)),)})
    # 01:00-01:30 BST is 00:00-00:30 UTC; the repeat in GMT (01:00-01:30 UTC) stays closed.
    assert business_time_between(repeated, *local_day(date(2026, 10, 25))) == HOUR / 2
    assert is_open(repeated, datetime(2026, 10, 25, 0, 15, tzinfo=UTC))
    assert not is_open(repeated, datetime(2026, 10, 25, 1, 15, tzinfo=UTC))


def test_should_count_fifty_hours_in_a_standard_week():
    # Mon 9 - Sun 15 Nov 2026 has no bank holiday: 5 x 10 h.
    week = (london(2026, 11, 9), london(2026, 11, 16))
    assert business_time_between(STANDARD, *week) == 50 * HOUR
    assert business_seconds_between(STANDARD, *week) == 180_000.0
    assert business_time_between(EXTENDED, *week) == 60 * HOUR
    assert business_time_between(SCOTLAND, *week) == 40 * HOUR
    assert business_time_between(SPLIT, *week) == 35 * HOUR
    assert business_time_between(SUNDAY_NIGHTS, *week) == 4 * HOUR
    assert business_time_between(ALWAYS, *week) == 7 * 24 * HOUR


def test_should_count_a_years_working_hours():
    # 2026 starts on a Thursday: 261 weekdays, less 8 English bank holidays on weekdays
    # (1 Jan, 3 and 6 Apr, 4 and 25 May, 31 Aug, 25 and 28 Dec) = 253 days of 10 h.
    year = (london(2026, 1, 1), london(2027, 1, 1))
    assert business_time_between(STANDARD, *year) == 2530 * HOUR


def test_should_be_due_at_closing_time_when_the_target_runs_out_then():
    monday = london(2026, 11, 16, 8)
    assert add_business_time(STANDARD, monday, 10 * HOUR) == london(2026, 11, 16, 18)
    assert add_business_seconds(STANDARD, monday, 36_000) == london(2026, 11, 16, 18)
    assert add_business_time(STANDARD, london(2026, 11, 13, 17), HOUR) == london(2026, 11, 13, 18)
    assert add_business_time(STANDARD, monday, 10 * HOUR + ONE_US) == london(
        2026, 11, 17, 8, 0, 0, 1
    )


def test_should_return_the_start_unchanged_when_adding_nothing():
    saturday = london(2026, 11, 14, 12)
    assert add_business_time(STANDARD, saturday, ZERO) is saturday
    assert add_business_seconds(STANDARD, saturday, 0.0) is saturday


def test_should_start_counting_at_the_next_opening():
    saturday = london(2026, 11, 14, 12)
    assert next_open(STANDARD, saturday) == london(2026, 11, 16, 8)
    assert add_business_time(STANDARD, saturday, HOUR) == london(2026, 11, 16, 9)
    open_now = london(2026, 11, 16, 8)
    assert next_open(STANDARD, open_now) is open_now


def test_should_return_results_in_the_calendar_zone_for_utc_input():
    start = datetime(2026, 7, 3, 16, tzinfo=UTC)  # Fri 17:00 BST
    due = add_business_time(STANDARD, start, 2 * HOUR)
    assert due == london(2026, 7, 6, 9)
    assert due.tzinfo == LONDON


def test_should_merge_open_time_across_midnight():
    assert list(open_intervals(ALWAYS, london(2026, 3, 28, 10), london(2026, 3, 30, 10))) == [
        (london(2026, 3, 28, 10), london(2026, 3, 30, 10))
    ]


def test_should_reject_naive_datetimes():
    naive = datetime(2026, 11, 16, 9)
    aware = london(2026, 11, 16, 9)
    calls = [
        lambda: is_open(STANDARD, naive),
        lambda: next_open(STANDARD, naive),
        lambda: list(open_intervals(STANDARD, naive, aware)),
        lambda: open_intervals(STANDARD, aware, naive),
        lambda: business_time_between(STANDARD, naive, aware),
        lambda: business_seconds_between(STANDARD, aware, naive),
        lambda: add_business_time(STANDARD, naive, HOUR),
        lambda: add_business_seconds(STANDARD, naive, 3600),
    ]
    for call in calls:
        with pytest.raises(ValueError, match="timezone-aware"):
            call()


@pytest.mark.parametrize("seconds", [-1.0, -1e-3, math.nan, math.inf])
def test_should_reject_negative_or_non_finite_seconds(seconds):
    with pytest.raises(ValueError):
        add_business_seconds(STANDARD, london(2026, 11, 16, 9), seconds)


def test_should_reject_negative_amounts():
    with pytest.raises(ValueError, match="negative"):
        add_business_time(STANDARD, london(2026, 11, 16, 9), -ONE_US)


def test_should_refuse_to_add_time_on_a_calendar_with_no_opening_hours():
    empty = CalendarSpec({})
    start = london(2026, 11, 16, 9)
    with pytest.raises(ValueError, match="no opening hours"):
        add_business_time(empty, start, HOUR)
    with pytest.raises(ValueError, match="no opening hours"):
        next_open(empty, start)
    assert business_time_between(empty, start, start + 400 * ONE_DAY) == ZERO
    assert not is_open(empty, start)


def test_should_give_up_when_no_opening_comes_within_ten_years():
    mondays = [date(2026, 11, 16) + timedelta(weeks=n) for n in range(600)]
    never_open = CalendarSpec({0: ((time(9), time(17)),)}, closures=frozenset(mondays))
    with pytest.raises(ValueError, match="no opening"):
        add_business_time(never_open, london(2026, 11, 16, 9), HOUR)
    with pytest.raises(ValueError, match="no opening"):
        next_open(never_open, london(2026, 11, 16, 9))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"weekly_hours": {0: ((time(9), time(12)), (time(11), time(17)))}}, "overlaps"),
        ({"weekly_hours": {0: ((time(9), time(0)), (time(20), time(21)))}}, "overlaps"),
        ({"weekly_hours": {0: ((time(17), time(9)),)}}, "close after"),
        ({"weekly_hours": {0: ((time(9), time(9)),)}}, "close after"),
        ({"weekly_hours": {7: ((time(9), time(17)),)}}, "weekday"),
        ({"weekly_hours": {0: (("09:00", "17:00"),)}}, "time"),
        ({"weekly_hours": {}, "holiday_region": "XYZ"}, "holiday_region"),
        ({"weekly_hours": {}, "tz": "Mars/Olympus_Mons"}, "time zone"),
    ],
)
def test_should_reject_invalid_calendars(kwargs, message):
    with pytest.raises(ValueError, match=message):
        CalendarSpec(**kwargs)


def test_should_normalise_calendars_into_hashable_equal_values():
    unsorted = CalendarSpec(
        {0: [(time(13, 30), time(17)), (time(9), time(12, 30))]}, closures={date(2026, 1, 2)}
    )
    tidy = CalendarSpec(
        {0: ((time(9), time(12, 30)), (time(13, 30), time(17)))},
        closures=frozenset({date(2026, 1, 2)}),
    )
    assert unsorted == tidy
    assert hash(unsorted) == hash(tidy)
    assert {unsorted: "x"}[tidy] == "x"
    assert tidy.weekly_hours[0] == ((time(9), time(12, 30)), (time(13, 30), time(17)))
    assert tidy.weekly_hours[6] == ()
    assert dataclasses.replace(tidy, holiday_region="ENG").weekly_hours == tidy.weekly_hours
    assert CalendarSpec({d: ((time(0), time(0)),) for d in range(7)}) == ALWAYS


def test_should_list_the_next_bank_holidays_of_a_region_with_their_names():
    england = CalendarSpec(
        weekly_hours={d: ((time(8), time(18)),) for d in range(5)}, holiday_region="ENG"
    )
    upcoming = upcoming_holidays(england, date(2026, 12, 1), 4)
    # Boxing Day falls on a Saturday in 2026: the day itself and its Monday substitute.
    assert [day for day, _name in upcoming] == [
        date(2026, 12, 25),
        date(2026, 12, 26),
        date(2026, 12, 28),
        date(2027, 1, 1),
    ]
    assert "Christmas" in upcoming[0][1]
    assert "observed" in upcoming[2][1].lower()
    no_region = CalendarSpec(weekly_hours={0: ((time(9), time(17)),)})
    assert upcoming_holidays(no_region, date(2026, 12, 1), 3) == []
