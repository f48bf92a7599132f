"""The result every KPI function returns, and helpers to aggregate several call querysets."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Coalesce

from core.calendars import CalendarSpec, open_intervals
from kpis.metrics.source import DIMENSIONS

HOUR = 3600

# Used when no calendar applies: Monday to Friday, 09:00-17:00, English bank holidays.
DEFAULT_WORKING_WEEK = CalendarSpec(
    weekly_hours={day: ((dt.time(9), dt.time(17)),) for day in range(5)}, holiday_region="ENG"
)


@dataclass
class Measure:
    """One KPI's figure for one period and cut: the headline value and its breakdown rows.

    `value` is None when there is no data (an empty denominator): shown as "no data", never
    as 0. `rows` are dicts whose keys are named by `columns` [(key, label), ...].
    """

    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    columns: list[tuple[str, str]] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    extra: dict = field(default_factory=dict)


def ratio(numerator, denominator, scale: float = 100.0) -> float | None:
    """numerator ÷ denominator × scale, or None (no data) when the denominator is 0 or missing."""
    if not denominator or numerator is None:
        return None
    return scale * float(numerator) / float(denominator)


def hours(seconds) -> float | None:
    """Seconds as hours (None stays None)."""
    return None if seconds is None else float(seconds) / HOUR


def group_label(by: str, key, names: dict) -> str:
    """Readable name of a breakdown group."""
    if key is None:
        return "(none)"
    if by == "priority":
        from servicedesk.choices import Priority

        return Priority(key).label
    if by == "channel":
        from servicedesk.choices import Channel

        return Channel(key).label if key in Channel.values else str(key)
    return names.get(key, str(key))


def grouped(querysets: list[models.QuerySet], by: str | None, aggregates: dict) -> dict:
    """Aggregates summed over several querysets: {group key: {name: value}} (key None if no `by`).

    One GROUP BY query per queryset. Only additive aggregates (Count, Sum) may be passed, since
    the figures of the call kinds are added together.
    """
    merged: dict = {}
    names: dict = {}
    for queryset in querysets:
        if by is None:
            rows = [{"kpi_key": None, **queryset.order_by().aggregate(**aggregates)}]
        else:
            key_field, label_field = DIMENSIONS[by]
            # Grouping on an expression, not the bare column, stops SQLite from walking a
            # whole-history index just because it is ordered by that column; the period's
            # range scan then drives the query.
            group = Coalesce(
                F(key_field),
                Value(None),
                output_field=queryset.model._meta.get_field(key_field).target_field
                if queryset.model._meta.get_field(key_field).is_relation
                else queryset.model._meta.get_field(key_field),
            )
            fields = ["kpi_key"] + ([label_field] if label_field else [])
            rows = []
            for row in (
                queryset.order_by().annotate(kpi_key=group).values(*fields).annotate(**aggregates)
            ):
                if label_field:
                    names[row["kpi_key"]] = row.pop(label_field)
                rows.append(row)
        for row in rows:
            key = row.pop("kpi_key")
            target = merged.setdefault(key, dict.fromkeys(aggregates, 0))
            for name, value in row.items():
                target[name] += value or 0
    merged_names = {key: group_label(by, key, names) for key in merged} if by else {}
    return {"rows": merged, "names": merged_names}


def working_days(spec: CalendarSpec, first: dt.date, last: dt.date) -> int:
    """Days from `first` to `last` inclusive on which the calendar opens at all."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(spec.tz)
    count, day = 0, first
    while day <= last:
        start = dt.datetime.combine(day, dt.time(0), tzinfo=zone)
        if any(open_intervals(spec, start, start + dt.timedelta(days=1))):
            count += 1
        day += dt.timedelta(days=1)
    return count


def working_days_before(spec: CalendarSpec, instant: dt.datetime, days: int) -> dt.datetime:
    """The instant `days` working days before `instant` (same local time of day).

    Aged-backlog cut-offs: a call logged before it has been open more than `days` working days.
    """
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(spec.tz)
    local = instant.astimezone(zone)
    day, counted = local.date(), 0
    for _ in range(days * 10 + 60):  # bounded, like servicedesk.sla.add_working_days
        if counted >= days:
            break
        day -= dt.timedelta(days=1)
        start = dt.datetime.combine(day, dt.time(0), tzinfo=zone)
        if any(open_intervals(spec, start, start + dt.timedelta(days=1))):
            counted += 1
    return dt.datetime.combine(day, local.time().replace(tzinfo=None), tzinfo=zone)
