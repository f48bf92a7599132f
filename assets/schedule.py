"""When a range's next scheduled sweep is due: pure functions of the schedule and a time.

Times of day are local (settings.TIME_ZONE), so a 01:30 sweep stays at 01:30 across the
clock changes; a local time that does not exist on the day (the spring-forward hour) is
taken at the same wall-clock reading after the change, as zoneinfo does.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings

HOURLY, DAILY, WEEKLY = "hourly", "daily", "weekly"


def next_run_after(
    frequency: str, run_at: dt.time, weekday: int, after: dt.datetime, tz: dt.tzinfo | None = None
) -> dt.datetime | None:
    """The first scheduled moment strictly after `after` (aware), or None for manual ranges."""
    tz = tz or ZoneInfo(settings.TIME_ZONE)
    local = after.astimezone(tz)
    if frequency == HOURLY:
        candidate = local.replace(minute=run_at.minute, second=0, microsecond=0).astimezone(dt.UTC)
        # Compared and stepped in UTC: aware datetimes sharing a zone compare by wall clock,
        # which would merge the two 01:15s of the night the clocks go back.
        while candidate <= after:
            candidate += dt.timedelta(hours=1)
        return candidate
    if frequency not in (DAILY, WEEKLY):
        return None
    day = local.date()
    for _ in range(9):
        if frequency == DAILY or day.weekday() == weekday:
            candidate = dt.datetime.combine(day, run_at.replace(second=0, microsecond=0), tz)
            # Round-trip through UTC so a non-existent local time becomes a real instant.
            candidate = candidate.astimezone(dt.UTC)
            if candidate > after:
                return candidate
        day += dt.timedelta(days=1)
    raise AssertionError("a daily or weekly schedule always has a slot within 8 days")


def next_run_of(discovery_range, after: dt.datetime) -> dt.datetime | None:
    """The next scheduled run of a range after `after`."""
    return next_run_after(
        discovery_range.frequency, discovery_range.run_at, discovery_range.weekday, after
    )
