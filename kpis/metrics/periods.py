"""Reporting periods (day, ISO week, month, quarter, custom range) as half-open local-time spans.

A period covers whole local days (Europe/London by default) from its first day at 00:00 up
to, not including, the day after its last day. Every KPI compares a stored instant
(`opened_at`, `resolved_at`, ...) with `start <= instant < end`, so adjacent periods never
count a call twice, and clock changes are handled by the database's UTC instants.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.utils import timezone


class PeriodKind(models.TextChoices):
    """The lengths a report can cover."""

    DAY = "day", "Day"
    WEEK = "week", "ISO week"
    MONTH = "month", "Month"
    QUARTER = "quarter", "Quarter"
    CUSTOM = "custom", "Custom range"


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _month_start(day: dt.date, months_back: int = 0) -> dt.date:
    index = day.year * 12 + day.month - 1 - months_back
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """A span of whole local days, `first` to `last` inclusive, of a given kind."""

    kind: str
    first: dt.date
    last: dt.date

    @classmethod
    def containing(cls, kind: str, day: dt.date) -> Period:
        """The day, ISO week, month or quarter that contains `day`."""
        if kind == PeriodKind.DAY:
            return cls(kind, day, day)
        if kind == PeriodKind.WEEK:
            monday = day - dt.timedelta(days=day.weekday())
            return cls(kind, monday, monday + dt.timedelta(days=6))
        if kind == PeriodKind.MONTH:
            first = _month_start(day)
            return cls(kind, first, _month_start(first, -1) - dt.timedelta(days=1))
        if kind == PeriodKind.QUARTER:
            first = dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
            return cls(kind, first, _month_start(first, -3) - dt.timedelta(days=1))
        raise ValueError(f"A {kind!r} period needs explicit first and last days.")

    @classmethod
    def custom(cls, first: dt.date, last: dt.date) -> Period:
        """A custom range of whole days, `first` to `last` inclusive."""
        if last < first:
            raise ValueError("A period cannot end before it starts.")
        return cls(PeriodKind.CUSTOM, first, last)

    @property
    def start(self) -> dt.datetime:
        """The first instant of the period (local midnight of the first day)."""
        return dt.datetime.combine(self.first, dt.time(0), tzinfo=_zone())

    @property
    def end(self) -> dt.datetime:
        """The first instant after the period (local midnight after the last day)."""
        return dt.datetime.combine(self.last + dt.timedelta(days=1), dt.time(0), tzinfo=_zone())

    @property
    def days(self) -> int:
        """Number of calendar days covered."""
        return (self.last - self.first).days + 1

    @property
    def label(self) -> str:
        """A short human name: "23 Nov 2026", "2026-W48", "Nov 2026", "2026 Q4" or a range."""
        if self.kind == PeriodKind.DAY:
            return f"{self.first:%-d %b %Y}"
        if self.kind == PeriodKind.WEEK:
            year, week, _ = self.first.isocalendar()
            return f"{year}-W{week:02d}"
        if self.kind == PeriodKind.MONTH:
            return f"{self.first:%b %Y}"
        if self.kind == PeriodKind.QUARTER:
            return f"{self.first.year} Q{(self.first.month - 1) // 3 + 1}"
        return f"{self.first:%-d %b %Y} – {self.last:%-d %b %Y}"

    def previous(self) -> Period:
        """The period of the same kind (or, for a custom range, the same length) just before."""
        if self.kind == PeriodKind.CUSTOM:
            return Period.custom(
                self.first - dt.timedelta(days=self.days), self.first - dt.timedelta(days=1)
            )
        return Period.containing(self.kind, self.first - dt.timedelta(days=1))

    def trend(self, count: int) -> list[Period]:
        """This period and the `count - 1` before it, oldest first (for trend charts)."""
        periods = [self]
        while len(periods) < count:
            periods.append(periods[-1].previous())
        return periods[::-1]

    def months(self) -> list[dt.date]:
        """First days of the calendar months this period touches (manual measures are monthly)."""
        months, month = [], _month_start(self.first)
        while month <= self.last:
            months.append(month)
            month = _month_start(month, -1)
        return months

    def contains(self, instant: dt.datetime) -> bool:
        """True if the instant lies in [start, end)."""
        return self.start <= instant < self.end


def current_period(kind: str, today: dt.date | None = None) -> Period:
    """The period of `kind` that contains today (local date)."""
    return Period.containing(kind, today or timezone.localdate())


def last_complete_period(kind: str, today: dt.date | None = None) -> Period:
    """The most recent period of `kind` that has fully ended (for scheduled reports)."""
    return current_period(kind, today).previous()
