"""Pure checks of a proposed change window: order, maintenance windows, blackouts, collisions.

No database access here: callers pass plain values (see changes.queries.schedule_inputs), so
the rules can be tested directly and shown to the person before the action enforces them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

MIDNIGHT = dt.time(0)


@dataclass(frozen=True)
class WeeklyWindow:
    """A weekly maintenance slot in local wall-clock time; ends 00:00 means midnight."""

    name: str
    weekday: int
    starts: dt.time
    ends: dt.time


@dataclass(frozen=True)
class Blackout:
    """A period when only emergency changes may be made."""

    name: str
    starts_at: dt.datetime
    ends_at: dt.datetime


@dataclass(frozen=True)
class Affected:
    """A service or asset a change affects: compared by what it is, shown by its name.

    Two assets may share a host name across organisations, so collisions must compare the
    records themselves, never their labels.
    """

    kind: str
    pk: int
    label: str = field(compare=False)

    def __str__(self) -> str:
        return self.label


@dataclass(frozen=True)
class OtherChange:
    """Another change's window and what it affects, for collision checks."""

    reference: str
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    items: frozenset


@dataclass
class ScheduleReport:
    """What the checks found: errors refuse the schedule, warnings need acknowledging."""

    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    outside_windows: bool = False
    collisions: list[OtherChange] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing refuses the schedule."""
        return not self.errors


def overlaps(a_start: dt.datetime, a_end: dt.datetime, b_start: dt.datetime, b_end: dt.datetime):
    """True if two half-open intervals [start, end) share any instant."""
    return a_start < b_end and b_start < a_end


def window_occurrences(
    window: WeeklyWindow, first_day: dt.date, last_day: dt.date, tz: str
) -> Iterable[tuple[dt.datetime, dt.datetime]]:
    """The aware (start, end) instants of a weekly window on days first_day..last_day."""
    zone = ZoneInfo(tz)
    day = first_day
    while day <= last_day:
        if day.weekday() == window.weekday:
            start = dt.datetime.combine(day, window.starts, zone)
            end_day = day + dt.timedelta(days=1) if window.ends == MIDNIGHT else day
            end = dt.datetime.combine(end_day, window.ends, zone)
            yield start, end
        day += dt.timedelta(days=1)


def inside_a_window(
    start: dt.datetime, end: dt.datetime, windows: Sequence[WeeklyWindow], tz: str
) -> bool:
    """True if [start, end) lies wholly inside one occurrence of one maintenance window."""
    zone = ZoneInfo(tz)
    first = start.astimezone(zone).date() - dt.timedelta(days=1)
    last = end.astimezone(zone).date()
    for window in windows:
        for w_start, w_end in window_occurrences(window, first, last, tz):
            if w_start <= start and end <= w_end:
                return True
    return False


def check_schedule(
    start: dt.datetime | None,
    end: dt.datetime | None,
    *,
    emergency: bool,
    windows: Sequence[WeeklyWindow],
    blackouts: Sequence[Blackout],
    others: Sequence[OtherChange],
    items: Iterable,
    tz: str = "Europe/London",
) -> ScheduleReport:
    """Check a proposed window against every scheduling rule of the change calendar.

    - no start or end, or end not after start: refused;
    - inside a blackout: refused unless the change is an emergency (then a warning);
    - not wholly inside a maintenance window: a warning (allowed with a reason);
    - another change on the same service or asset (`items`: Affected, or any hashable with a
      readable str) in an overlapping window: a warning naming that change.
    """
    report = ScheduleReport()
    if start is None or end is None:
        report.errors.append("Give both a planned start and a planned end.")
        return report
    if end <= start:
        report.errors.append("The planned end must be after the planned start.")
        return report
    for blackout in blackouts:
        if overlaps(start, end, blackout.starts_at, blackout.ends_at):
            message = f"The window falls in the blackout period “{blackout.name}”"
            if emergency:
                report.warnings.append(message + " (allowed: emergency change).")
            else:
                report.errors.append(message + "; only emergency changes may be made then.")
    if windows and not inside_a_window(start, end, windows, tz):
        report.outside_windows = True
        names = ", ".join(sorted({w.name for w in windows}))
        report.warnings.append(
            f"The window is outside every published maintenance window ({names}); "
            "give a reason to go ahead."
        )
    elif not windows:
        report.outside_windows = True
        report.warnings.append("No maintenance window is published here; give a reason.")
    wanted = frozenset(items)
    for other in others:
        shared = wanted & other.items
        if shared and overlaps(start, end, other.starts_at, other.ends_at):
            report.collisions.append(other)
            report.warnings.append(
                f"Collides with {other.reference} “{other.title}” on "
                f"{', '.join(sorted(map(str, shared)))}."
            )
    return report
