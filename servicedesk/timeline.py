"""Exact business-time arithmetic for very many instants on a few calendars (bulk seeding).

`core.calendars` walks a calendar day by day from each start: exact, and fast enough for one
call, but a million seeded calls would each walk several days three times over. A
`BusinessTimeline` lays a calendar's open intervals (from `core.calendars.open_intervals`,
so the same hours, bank holidays, closures and clock changes) over a span once, with the
business time elapsed before each interval; every later question is a binary search.

Answers are identical to `core.calendars.add_business_seconds` and
`business_seconds_between` (integer microseconds throughout, as `timedelta` counts); outside
the span the timeline defers to those functions.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Sequence

from core import calendars
from core.calendars import CalendarSpec

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_ONE = dt.timedelta(microseconds=1)


def _micros(value: dt.datetime | dt.timedelta) -> int:
    """An instant (since the epoch) or a duration in whole microseconds."""
    if isinstance(value, dt.datetime):
        value = value - _EPOCH
    return value // _ONE


class BusinessTimeline:
    """The open intervals of one calendar over [start, end), indexed by elapsed business time."""

    def __init__(self, spec: CalendarSpec, start: dt.datetime, end: dt.datetime):
        self.spec = spec
        self.start, self.end = _micros(start), _micros(end)
        self.opens: list[int] = []
        self.before: list[int] = []  # business microseconds elapsed before interval i
        self.after: list[int] = []  # ... and by its close
        elapsed = 0
        for opens, closes in calendars.open_intervals(spec, start, end):
            opens_at, closes_at = _micros(opens), _micros(closes)
            self.opens.append(opens_at)
            self.before.append(elapsed)
            elapsed += closes_at - opens_at
            self.after.append(elapsed)

    def _covers(self, *instants: int) -> bool:
        return all(self.start <= instant <= self.end for instant in instants)

    def _elapsed_at(self, instant: int) -> int:
        """Business microseconds from the timeline's start to `instant` (inside the span)."""
        index = bisect_right(self.opens, instant) - 1
        if index < 0:
            return 0
        return min(self.before[index] + instant - self.opens[index], self.after[index])

    def business_seconds_between(self, start: dt.datetime, end: dt.datetime) -> float:
        """As core.calendars.business_seconds_between, by two look-ups."""
        start_at, end_at = _micros(start), _micros(end)
        if not self._covers(start_at, end_at):
            return calendars.business_seconds_between(self.spec, start, end)
        if end_at <= start_at:
            return 0.0
        return (self._elapsed_at(end_at) - self._elapsed_at(start_at)) / 10**6

    def add_business_seconds(self, start: dt.datetime, seconds: float) -> dt.datetime:
        """As core.calendars.add_business_seconds: the instant `seconds` of business time on."""
        # The same rounding to microseconds as the calendar function's timedelta.
        amount = _micros(dt.timedelta(seconds=seconds))
        start_at = _micros(start)
        if amount <= 0 or not self._covers(start_at):
            return calendars.add_business_seconds(self.spec, start, seconds)
        target = self._elapsed_at(start_at) + amount
        index = bisect_left(self.after, target)
        if index == len(self.after):
            return calendars.add_business_seconds(self.spec, start, seconds)
        due = self.opens[index] + target - self.before[index]
        return _EPOCH + dt.timedelta(microseconds=due)

    def due_at(
        self, start: dt.datetime, pauses: Sequence[tuple[dt.datetime, dt.datetime | None]], target
    ) -> dt.datetime | None:
        """As servicedesk.sla.due_at: when the clock from `start` reaches `target` seconds,
        pauses excluded; None while a still-open pause holds it short of the target."""
        from servicedesk.sla import _running_segments

        remaining = float(target)
        for segment_start, segment_end in _running_segments(start, pauses):
            if segment_end is None:
                return self.add_business_seconds(segment_start, remaining)
            available = self.business_seconds_between(segment_start, segment_end)
            if remaining <= available:
                return self.add_business_seconds(segment_start, remaining)
            remaining -= available
        return None
