"""Business-time arithmetic on opening-hours calendars, used by the SLA clocks.

A calendar (:class:`CalendarSpec`) is a set of weekly opening intervals in local wall-clock
time, an optional UK bank-holiday region, extra closure days and a time zone. Business time is
the REAL elapsed time during which the calendar is open, measured with exact ``timedelta``
arithmetic (microsecond resolution), so it is exactly additive over adjacent ranges.

Clock changes:

* Opening hours are wall-clock times, but what they contain is real time. In Europe/London a
  00:00-04:00 interval is 3 real hours on the spring-forward Sunday (01:00 -> 02:00) and
  5 real hours on the autumn Sunday (02:00 -> 01:00).
* A local time that does not exist (inside the spring gap) moves forward past the gap: it
  resolves to the instant the gap ends, i.e. the first instant the wall clock has reached it.
  An interval lying wholly inside the gap is therefore empty that day.
* An ambiguous local time (inside the repeated autumn hour) resolves to its first occurrence
  (``fold=0``), for opening and closing times alike.
* ``is_open``, ``open_intervals`` and the sums all derive from the same resolved instants, so
  they always agree with each other.

Every function takes timezone-aware datetimes (naive ones raise ``ValueError``) in any zone and
returns aware datetimes in the calendar's zone. Beware that subtracting or comparing two aware
datetimes that share one ``ZoneInfo`` uses wall-clock arithmetic in Python; convert to UTC first
when measuring real durations across a clock change.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

__all__ = [
    "CalendarSpec",
    "add_business_seconds",
    "add_business_time",
    "business_seconds_between",
    "business_time_between",
    "is_open",
    "next_open",
    "open_intervals",
    "upcoming_holidays",
]

Interval = tuple[time, time]
WeeklyHours = Mapping[int, Sequence[Interval]] | Sequence[Sequence[Interval]]
UtcInterval = tuple[datetime, datetime]

MIDNIGHT = time(0)
ZERO = timedelta(0)
ONE_DAY = timedelta(days=1)
ONE_MICROSECOND = timedelta(microseconds=1)
FULL_DAY = timedelta(hours=24)
# England and Wales share one set of bank holidays; "WLS" is accepted because the holidays
# library names it, and it yields the same dates as "ENG".
UK_REGIONS = frozenset({"ENG", "NIR", "SCT", "WLS"})
# How long add/next_open search for an opening before giving up on a calendar that is
# effectively always closed (e.g. every open weekday listed as a closure).
MAX_CLOSED_DAYS = 3660


@dataclass(frozen=True)
class CalendarSpec:
    """Opening hours, bank-holiday region, closures and zone of a business calendar."""

    # weekday 0=Monday..6=Sunday -> local (opens, closes) intervals; closes == time(0) means
    # midnight at the end of the day. Stored normalised as a 7-tuple indexed by weekday.
    weekly_hours: WeeklyHours
    holiday_region: str | None = None
    closures: frozenset[date] = frozenset()
    tz: str = "Europe/London"

    def __post_init__(self) -> None:
        # Normalised to tuples so the spec is hashable and can key the per-day caches.
        object.__setattr__(self, "weekly_hours", _normalise_week(self.weekly_hours))
        closures = frozenset(self.closures)
        for day in closures:
            if not isinstance(day, date) or isinstance(day, datetime):
                raise ValueError(f"closures must be dates, got {day!r}")
        object.__setattr__(self, "closures", closures)
        if self.holiday_region is not None and self.holiday_region not in UK_REGIONS:
            raise ValueError(
                f"holiday_region must be one of {sorted(UK_REGIONS)} or None, "
                f"got {self.holiday_region!r}"
            )
        _zone(self.tz)
        # The spec keys per-day lru_caches hit hundreds of times per call; hashing the nested
        # tuples every time would cost more than the cached lookup itself.
        object.__setattr__(
            self,
            "_hash",
            hash((self.weekly_hours, self.holiday_region, self.closures, self.tz)),
        )

    def __hash__(self) -> int:
        return self._hash  # type: ignore[attr-defined]

    @property
    def has_opening_hours(self) -> bool:
        """Whether any weekday has an opening interval at all."""
        return any(self.weekly_hours)


def is_open(spec: CalendarSpec, at: datetime) -> bool:
    """Tell whether the calendar is open at the instant ``at`` (opens inclusive, closes not)."""
    at_utc = _to_utc(at, "at")
    day = _local_date(at_utc, spec.tz)
    # An instant belongs to the day its local date names; the previous day is checked too so
    # the answer stays right even in zones whose clock changes at midnight.
    for candidate in (day - ONE_DAY, day):
        for opens, closes in _day_intervals(spec, candidate):
            if opens <= at_utc < closes:
                return True
    return False


def open_intervals(
    spec: CalendarSpec, start: datetime, end: datetime
) -> Iterator[tuple[datetime, datetime]]:
    """Yield the calendar's open intervals clipped to [start, end), in order."""
    start_utc = _to_utc(start, "start")
    end_utc = _to_utc(end, "end")
    return _merged_intervals(spec, start_utc, end_utc)


def business_time_between(spec: CalendarSpec, start: datetime, end: datetime) -> timedelta:
    """Return the open time in [start, end), or zero when end <= start."""
    start_utc = _to_utc(start, "start")
    end_utc = _to_utc(end, "end")
    if end_utc <= start_utc or not spec.has_opening_hours:
        return ZERO
    total = ZERO
    for opens, closes in _clipped_intervals(spec, start_utc, end_utc):
        total += closes - opens
    return total


def business_seconds_between(spec: CalendarSpec, start: datetime, end: datetime) -> float:
    """Return the open time in [start, end) in seconds."""
    return business_time_between(spec, start, end).total_seconds()


def add_business_time(spec: CalendarSpec, start: datetime, amount: timedelta) -> datetime:
    """Return the earliest instant by which ``amount`` of business time has elapsed from start."""
    start_utc = _to_utc(start, "start")
    if not isinstance(amount, timedelta):
        raise TypeError(f"amount must be a timedelta, got {type(amount).__name__}")
    if amount < ZERO:
        raise ValueError(f"amount must not be negative, got {amount}")
    if not amount:
        return start
    remaining = amount
    for opens, closes in _intervals_from(spec, start_utc):
        available = closes - opens
        # "<=" so an amount used up exactly at closing time is due at that closing time,
        # not at the next opening.
        if remaining <= available:
            return (opens + remaining).astimezone(_zone(spec.tz))
        remaining -= available
    raise AssertionError("unreachable: _intervals_from is unbounded or raises")  # pragma: no cover


def add_business_seconds(spec: CalendarSpec, start: datetime, seconds: float) -> datetime:
    """Return the earliest instant by which ``seconds`` of business time have elapsed."""
    if not math.isfinite(seconds):
        raise ValueError(f"seconds must be finite, got {seconds!r}")
    if seconds < 0:
        raise ValueError(f"seconds must not be negative, got {seconds!r}")
    return add_business_time(spec, start, timedelta(seconds=seconds))


def next_open(spec: CalendarSpec, at: datetime) -> datetime:
    """Return the instant business time next starts counting: ``at`` itself if open."""
    at_utc = _to_utc(at, "at")
    for opens, _closes in _intervals_from(spec, at_utc):
        if opens == at_utc:
            return at
        return opens.astimezone(_zone(spec.tz))
    raise AssertionError("unreachable: _intervals_from is unbounded or raises")  # pragma: no cover


# --- internals -------------------------------------------------------------------------------


def _normalise_week(weekly_hours: WeeklyHours) -> tuple[tuple[Interval, ...], ...]:
    """Turn a weekday mapping (or a 7-sequence) into a validated, sorted 7-tuple."""
    if isinstance(weekly_hours, Mapping):
        items = list(weekly_hours.items())
    elif isinstance(weekly_hours, Sequence) and len(weekly_hours) == 7:
        # Accepting the stored form keeps dataclasses.replace() and copies working.
        items = list(enumerate(weekly_hours))
    else:
        raise ValueError("weekly_hours must map weekdays 0-6 to (opens, closes) intervals")
    week: list[tuple[Interval, ...]] = [()] * 7
    for weekday, intervals in items:
        if isinstance(weekday, bool) or not isinstance(weekday, int) or not 0 <= weekday <= 6:
            raise ValueError(f"weekday keys must be 0 (Monday) to 6 (Sunday), got {weekday!r}")
        week[weekday] = _normalise_day(weekday, intervals)
    return tuple(week)


def _normalise_day(weekday: int, intervals: Sequence[Interval]) -> tuple[Interval, ...]:
    """Validate one weekday's intervals and return them sorted by opening time."""
    checked: list[Interval] = []
    for interval in intervals:
        try:
            opens, closes = interval
        except (TypeError, ValueError):
            raise ValueError(
                f"weekday {weekday}: intervals must be (opens, closes) pairs, got {interval!r}"
            ) from None
        for value in (opens, closes):
            if not isinstance(value, time) or value.tzinfo is not None:
                raise ValueError(
                    f"weekday {weekday}: opening times must be naive datetime.time values, "
                    f"got {value!r}"
                )
        if closes != MIDNIGHT and closes <= opens:
            raise ValueError(
                f"weekday {weekday}: interval {opens}-{closes} must close after it opens "
                "(use time(0) as the closing time for midnight at the end of the day)"
            )
        checked.append((opens, closes))
    checked.sort(key=lambda pair: pair[0])
    for (_, first_closes), (second_opens, second_closes) in zip(checked, checked[1:], strict=False):
        if _offset(first_closes, closing=True) > _offset(second_opens, closing=False):
            raise ValueError(
                f"weekday {weekday}: interval ending {first_closes} overlaps "
                f"interval {second_opens}-{second_closes}"
            )
    return tuple(checked)


def _offset(value: time, *, closing: bool) -> timedelta:
    """Time since local midnight, where a closing time of 00:00 means the end of the day."""
    if closing and value == MIDNIGHT:
        return FULL_DAY
    return timedelta(
        hours=value.hour,
        minutes=value.minute,
        seconds=value.second,
        microseconds=value.microsecond,
    )


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    """Load a time zone, reporting unknown names as ValueError."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


def _to_utc(value: datetime, name: str) -> datetime:
    """Convert an aware datetime to UTC so arithmetic and comparisons use real time."""
    if not isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {value.isoformat()}")
    return value.astimezone(UTC)


def _local_date(instant: datetime, tz: str) -> date:
    return instant.astimezone(_zone(tz)).date()


@lru_cache(maxsize=256)
def _bank_holidays(region: str, year: int) -> frozenset[date]:
    """Bank holidays (substitute days included) of one UK region in one year."""
    return frozenset(holidays.country_holidays("GB", subdiv=region, years=year, observed=True))


def _resolve_local(wall: datetime, zone: ZoneInfo) -> datetime:
    """Return the UTC instant the wall clock first shows ``wall`` (or ends the gap skipping it)."""
    first = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if first.astimezone(zone).replace(tzinfo=None) == wall:
        return first
    # ``wall`` lies in a gap. fold=0 applies the pre-gap offset, landing after the transition;
    # fold=1 applies the post-gap offset, landing before it. The transition is the first
    # instant whose wall time is past ``wall``; bisect for it to the microsecond.
    low = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    high = first
    while high - low > ONE_MICROSECOND:
        middle = low + (high - low) // 2
        if middle.astimezone(zone).replace(tzinfo=None) > wall:
            high = middle
        else:
            low = middle
    return high


@lru_cache(maxsize=32768)
def _day_intervals(spec: CalendarSpec, day: date) -> tuple[UtcInterval, ...]:
    """One local day's open intervals as UTC instants; empty on holidays and closures."""
    intervals = spec.weekly_hours[day.weekday()]
    if not intervals or day in spec.closures:
        return ()
    if spec.holiday_region is not None and day in _bank_holidays(spec.holiday_region, day.year):
        return ()
    zone = _zone(spec.tz)
    resolved: list[UtcInterval] = []
    for opens, closes in intervals:
        closing_day = day + ONE_DAY if closes == MIDNIGHT else day
        start = _resolve_local(datetime.combine(day, opens), zone)
        end = _resolve_local(datetime.combine(closing_day, closes), zone)
        if end <= start:
            continue  # wholly inside a spring-forward gap
        if resolved and resolved[-1][1] == start:
            resolved[-1] = (resolved[-1][0], end)
        else:
            resolved.append((start, end))
    return tuple(resolved)


def _clipped_intervals(
    spec: CalendarSpec, start_utc: datetime, end_utc: datetime
) -> Iterator[UtcInterval]:
    """Per-day UTC intervals clipped to [start_utc, end_utc), not merged across days."""
    # Start a day early: cheap, and keeps intervals right in zones that change at midnight.
    day = _local_date(start_utc, spec.tz) - ONE_DAY
    last = _local_date(end_utc, spec.tz)
    while day <= last:
        for opens, closes in _day_intervals(spec, day):
            if opens < start_utc:
                opens = start_utc
            if closes > end_utc:
                closes = end_utc
            if closes > opens:
                yield opens, closes
        day += ONE_DAY


def _merged_intervals(
    spec: CalendarSpec, start_utc: datetime, end_utc: datetime
) -> Iterator[tuple[datetime, datetime]]:
    """Clipped intervals with touching ones joined (e.g. across midnight), in the spec's zone."""
    if end_utc <= start_utc or not spec.has_opening_hours:
        return
    zone = _zone(spec.tz)
    pending: UtcInterval | None = None
    for opens, closes in _clipped_intervals(spec, start_utc, end_utc):
        if pending is not None and pending[1] == opens:
            pending = (pending[0], closes)
            continue
        if pending is not None:
            yield pending[0].astimezone(zone), pending[1].astimezone(zone)
        pending = (opens, closes)
    if pending is not None:
        yield pending[0].astimezone(zone), pending[1].astimezone(zone)


def _intervals_from(spec: CalendarSpec, start_utc: datetime) -> Iterator[UtcInterval]:
    """Unbounded per-day UTC intervals from start_utc on; ValueError if openings run out."""
    if not spec.has_opening_hours:
        raise ValueError("calendar has no opening hours, so business time never elapses")
    day = _local_date(start_utc, spec.tz) - ONE_DAY
    closed_days = 0
    while True:
        found = False
        for opens, closes in _day_intervals(spec, day):
            if closes <= start_utc:
                continue
            found = True
            yield max(opens, start_utc), closes
        if found:
            closed_days = 0
        else:
            closed_days += 1
            if closed_days > MAX_CLOSED_DAYS:
                raise ValueError(
                    f"calendar has no opening in the {MAX_CLOSED_DAYS} days up to {day}"
                )
        day += ONE_DAY


def upcoming_holidays(spec: CalendarSpec, start: date, count: int) -> list[tuple[date, str]]:
    """The next `count` bank holidays on or after `start` in the spec's region, with names."""
    if spec.holiday_region is None:
        return []
    found: list[tuple[date, str]] = []
    # Two years always hold at least the next eight UK bank holidays.
    for year in (start.year, start.year + 1, start.year + 2):
        named = holidays.country_holidays("GB", subdiv=spec.holiday_region, years=year)
        found.extend((day, name) for day, name in sorted(named.items()) if day >= start)
        if len(found) >= count:
            break
    return found[:count]
