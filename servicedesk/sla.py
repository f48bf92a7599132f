"""SLA clock arithmetic: pure functions on top of core.calendars.

A clock starts at an instant and runs in the business time of a calendar, except during
its pauses. A pause is (start, end) with end None while it lasts. The resolution clock of
an incident pauses while the call is pending and while it is resolved (so a reopened call's
clock runs again from where it stopped: time already measured is kept, the time it sat
resolved is not counted). The response clock never pauses.

The deadline is derived from what was measured (start and pauses) and the target, so a new
target (priority or service changed) gives a new deadline without losing any measured or
paused time: `due_at` is recomputed from the same start and pauses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from core.calendars import (
    CalendarSpec,
    add_business_seconds,
    business_seconds_between,
    open_intervals,
)

Pause = tuple[dt.datetime, dt.datetime | None]

ALWAYS_OPEN = CalendarSpec(weekly_hours={day: ((dt.time(0), dt.time(0)),) for day in range(7)})
WARNING_FRACTION = 0.75


def _running_segments(
    start: dt.datetime, pauses: Sequence[Pause]
) -> Iterable[tuple[dt.datetime, dt.datetime | None]]:
    """The stretches during which the clock runs: between `start` and each pause."""
    cursor = start
    for pause_start, pause_end in sorted(pauses, key=lambda pause: pause[0]):
        if pause_start > cursor:
            yield cursor, pause_start
        if pause_end is None:
            return
        cursor = max(cursor, pause_end)
    yield cursor, None


def elapsed_seconds(
    spec: CalendarSpec, start: dt.datetime, pauses: Sequence[Pause], at: dt.datetime
) -> float:
    """Business seconds the clock has run from `start` to `at`, pauses excluded."""
    total = 0.0
    for seg_start, seg_end in _running_segments(start, pauses):
        if seg_start >= at:
            break
        end = at if seg_end is None else min(seg_end, at)
        total += business_seconds_between(spec, seg_start, end)
    return total


def paused_seconds(spec: CalendarSpec, pauses: Sequence[Pause], at: dt.datetime) -> float:
    """Business seconds spent paused up to `at` (an open pause counts up to `at`)."""
    return sum(business_seconds_between(spec, start, min(end or at, at)) for start, end in pauses)


def due_at(
    spec: CalendarSpec, start: dt.datetime, pauses: Sequence[Pause], target_seconds: float
) -> dt.datetime | None:
    """The instant the clock reaches `target_seconds`, or None while paused short of it."""
    remaining = float(target_seconds)
    for seg_start, seg_end in _running_segments(start, pauses):
        if seg_end is None:
            return add_business_seconds(spec, seg_start, remaining)
        available = business_seconds_between(spec, seg_start, seg_end)
        if remaining <= available:
            return add_business_seconds(spec, seg_start, remaining)
        remaining -= available
    # The last pause is still open and the target has not been reached: no deadline yet.
    return None


def open_pause(pauses: Sequence[Pause], at: dt.datetime) -> list[Pause]:
    """The pauses with a new one starting at `at` (unchanged if one is already open)."""
    if pauses and pauses[-1][1] is None:
        return list(pauses)
    return [*pauses, (at, None)]


def close_pause(pauses: Sequence[Pause], at: dt.datetime) -> list[Pause]:
    """The pauses with the open one ended at `at` (unchanged if none is open)."""
    if not pauses or pauses[-1][1] is not None:
        return list(pauses)
    return [*pauses[:-1], (pauses[-1][0], at)]


def is_paused(pauses: Sequence[Pause]) -> bool:
    """True while the last pause has not ended."""
    return bool(pauses) and pauses[-1][1] is None


def add_working_days(spec: CalendarSpec, start: dt.datetime, days: int) -> dt.datetime:
    """The same local time of day `days` working days (days the calendar opens) after `start`.

    Used for automatic closure; a calendar that never opens counts every day.
    """
    zone = ZoneInfo(spec.tz)
    local = start.astimezone(zone)
    counted = 0
    day = local.date()
    # Bounded: a calendar closed for years must not loop for ever.
    for _ in range(days * 10 + 60):
        if counted >= days:
            break
        day += dt.timedelta(days=1)
        day_start = dt.datetime.combine(day, dt.time(0), tzinfo=zone)
        if not spec.has_opening_hours or any(
            open_intervals(spec, day_start, day_start + dt.timedelta(days=1))
        ):
            counted += 1
    return dt.datetime.combine(day, local.time(), tzinfo=zone)


# The clock fields every kind of call stores (SlaClocks' state), in one list for the actions
# that save and audit them and for the history import that writes them.
CLOCK_FIELDS = (
    "response_due",
    "resolution_due",
    "sla_warn_at",
    "sla_pauses",
    "business_seconds_to_respond",
    "business_seconds_to_resolve",
    "wall_seconds_to_resolve",
    "response_breached",
    "resolution_breached",
    "sla_warned",
    "sla_escalated",
)


class SlaClocks:
    """The clock behaviour incidents and service requests share, over the SLA fields both
    declare (opened_at, targets, deadlines, sla_pauses, first response, breach flags)."""

    @property
    def pauses(self) -> list[Pause]:
        """The resolution clock's pauses as datetimes."""
        return [
            (dt.datetime.fromisoformat(start), dt.datetime.fromisoformat(end) if end else None)
            for start, end in self.sla_pauses
        ]

    @pauses.setter
    def pauses(self, value: list[Pause]) -> None:
        self.sla_pauses = [
            [start.isoformat(), end.isoformat() if end else None] for start, end in value
        ]

    def calendar_spec(self):
        """The calendar the clocks count in: the service's, else the organisation's, else 24×7."""
        calendar = self.service.calendar or self.organisation.calendar
        return calendar.spec() if calendar else ALWAYS_OPEN

    def record_response(self, at: dt.datetime, spec) -> None:
        """Stop the response clock at the first response (an agent's, or work on a request)."""
        if self.first_response_at is None:
            self.first_response_at = at
            self.business_seconds_to_respond = int(elapsed_seconds(spec, self.opened_at, [], at))
            self.response_breached = self.business_seconds_to_respond > self.response_target_seconds

    def recompute_due(self, spec, at: dt.datetime) -> None:
        """Derive the deadlines from the measured start, the pauses and the current targets."""
        pauses = self.pauses
        self.response_due = due_at(spec, self.opened_at, [], self.response_target_seconds)
        self.resolution_due = due_at(spec, self.opened_at, pauses, self.resolution_target_seconds)
        self.sla_warn_at = due_at(
            spec, self.opened_at, pauses, self.resolution_target_seconds * WARNING_FRACTION
        )
        if is_paused(pauses) and self.resolution_due is not None and self.resolution_due > at:
            self.resolution_due = None
        # A new, later deadline may be warned about and escalated again.
        if self.sla_warn_at is None or self.sla_warn_at > at:
            self.sla_warned = False
        if self.resolution_due is None or self.resolution_due > at:
            self.sla_escalated = False
            self.resolution_breached = False


@dataclass(frozen=True)
class ClockReading:
    """What a clock shows at one instant, for the call page."""

    target_seconds: int
    elapsed_seconds: float
    due: dt.datetime | None
    paused: bool
    stopped: bool

    @property
    def percent(self) -> int:
        """Share of the target used, capped at 100 for the bar."""
        if not self.target_seconds:
            return 0
        return min(100, int(100 * self.elapsed_seconds / self.target_seconds))

    @property
    def breached(self) -> bool:
        """True when more business time was used than the target allows."""
        return self.elapsed_seconds > self.target_seconds

    @property
    def colour(self) -> str:
        """Bootstrap colour of the bar: green, amber past 75%, red when breached."""
        if self.breached:
            return "danger"
        return "warning" if self.percent >= WARNING_FRACTION * 100 else "success"
