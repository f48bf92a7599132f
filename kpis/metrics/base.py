"""The result every KPI function returns, and helpers to aggregate several call querysets."""

from __future__ import annotations

import datetime as dt
import operator
from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet
from django.db import connections, models
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Coalesce

from core.calendars import CalendarSpec, open_intervals
from kpis.metrics.source import DIMENSIONS, dimension_fields, dimension_names

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


def group_key(queryset: models.QuerySet, key_field: str) -> Coalesce:
    """A grouping key (a dimension, an agent) of the queryset's calls as an expression, not
    the bare column.

    Grouping on an expression stops SQLite from walking a whole-history index just because
    it is ordered by that column; the period's range scan then drives the query.
    """
    if key_field in queryset.query.annotations:  # a dimension this kind of call lacks
        return Coalesce(F(key_field), Value(None), output_field=models.IntegerField())
    field = queryset.model._meta.get_field(key_field)
    return Coalesce(
        F(key_field),
        Value(None),
        output_field=field.target_field if field.is_relation else field,
    )


def call_count(condition: Q | None = None) -> models.Count:
    """COUNT of calls (meeting `condition`), as an aggregate the KPI indexes can answer alone.

    It counts the organisation column, never empty and first in every KPI index, rather
    than the primary key: PostgreSQL's indexes do not hold the key, so COUNT(id) made it
    read every call's row from the table instead of scanning the covering index only.
    """
    return models.Count("organisation", filter=condition)


def period_range(time_field: str, periods) -> Q:
    """Instants of `time_field` from the first period's start to the last period's end."""
    return Q(
        **{
            f"{time_field}__gte": min(period.start for period in periods),
            f"{time_field}__lt": max(period.end for period in periods),
        }
    )


def period_bucket(time_field: str, periods) -> Case:
    """The index in `periods` of the period holding the instant (None outside them all).

    Each period keeps its half-open [start, end) test, so a call falls in exactly the bucket
    it would be counted in if each period were queried on its own. For adjacent periods in
    order on instants already limited to `period_range`, the upper bounds alone decide the
    same thing with half the comparisons.
    """
    adjacent = all(
        earlier.end == later.start for earlier, later in zip(periods, periods[1:], strict=False)
    )
    if adjacent:
        return Case(
            *[
                When(Q(**{f"{time_field}__lt": period.end}), then=Value(index))
                for index, period in enumerate(periods)
            ],
            default=Value(None),
            output_field=models.IntegerField(),
        )
    return Case(
        *[
            When(
                Q(**{f"{time_field}__gte": period.start, f"{time_field}__lt": period.end}),
                then=Value(index),
            )
            for index, period in enumerate(periods)
        ],
        default=Value(None),
        output_field=models.IntegerField(),
    )


def add_figures(target: dict, row: dict) -> None:
    """Add a row of additive figures (counts, sums; None for an empty sum) into `target`."""
    for name, value in row.items():
        target[name] += value or 0


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
            key_field, label_field = dimension_fields(queryset, by)
            fields = ["kpi_key"] + ([label_field] if label_field else [])
            rows = []
            for row in (
                queryset.order_by()
                .annotate(kpi_key=group_key(queryset, key_field))
                .values(*fields)
                .annotate(**aggregates)
            ):
                if label_field:
                    names[row["kpi_key"]] = row.pop(label_field)
                rows.append(row)
        for row in rows:
            key = row.pop("kpi_key")
            add_figures(merged.setdefault(key, dict.fromkeys(aggregates, 0)), row)
    merged_names = {key: group_label(by, key, names) for key in merged} if by else {}
    return {"rows": merged, "names": merged_names}


def _raw_rows(rows: models.QuerySet) -> list[tuple]:
    """The rows of a values_list query as the database driver gives them, without Django's
    per-value conversions: for queries of counts, integer sums and keys, which both drivers
    already give as Python ints (and str), where converting thousands of rows cost more
    than reading them. No rows when the queryset is empty by construction (.none())."""
    try:
        sql, params = rows.query.sql_with_params()
    except EmptyResultSet:
        return []
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def grouped_by_period(
    querysets: list[models.QuerySet],
    time_field: str,
    periods: list,
    dimensions: tuple[str, ...],
    aggregates: dict,
) -> dict:
    """`grouped` for each of several periods and each dimension at once, in one query per
    queryset: {(period, by): {"rows": ..., "names": ...}} for `by` None and each of
    `dimensions`.

    The query groups by every dimension together, and by the period bucket of `time_field`
    when there are several periods; each (period, by) result is then the sum of its finest
    groups, which is exactly what `grouped` gives for the querysets filtered to that period,
    as only additive aggregates are allowed.
    """
    keys = {by: f"kpi_{by}" for by in dimensions}
    names_of = list(aggregates)
    # Figures are summed as lists in aggregate order (element-wise, in C through map) and
    # made dicts at the end: the finest groups of a month number thousands, and per-row
    # dicts cost more than the query's own sorting on SQLite.
    by_period = [{by: {} for by in (None, *dimensions)} for _ in periods]
    seen: dict = {by: set() for by in dimensions}
    for queryset in querysets:
        queryset = (
            queryset.filter(period_range(time_field, periods))
            .order_by()
            .annotate(**{keys[by]: group_key(queryset, DIMENSIONS[by][0]) for by in dimensions})
        )
        # One period needs no bucket: grouping by a constant as well cost SQLite a sort key.
        bucket = ["kpi_period"] if len(periods) > 1 else []
        if bucket:
            queryset = queryset.annotate(kpi_period=period_bucket(time_field, periods))
        # Names are looked up afterwards by key: joining the four named tables into this
        # query, which reads every call of the periods, cost more than the query itself.
        rows = (
            queryset.values(*bucket, *keys.values())
            .annotate(**aggregates)
            .values_list(*bucket, *keys.values(), *names_of)
        )
        first = len(bucket) + len(dimensions)
        for row in _raw_rows(rows):
            group = row[len(bucket) : first]
            for by, key in zip(dimensions, group, strict=True):
                seen[by].add(key)
            index = row[0] if bucket else 0
            if index is None:
                continue  # between periods that are not adjacent
            in_period = by_period[index]
            figures = [value or 0 for value in row[first:]]  # an empty Sum is None
            for by, key in ((None, None), *zip(dimensions, group, strict=True)):
                totals = in_period[by].get(key)
                if totals is None:
                    in_period[by][key] = figures[:]
                else:
                    totals[:] = map(operator.add, totals, figures)
    merged = {
        (period, by): {
            key: dict(zip(names_of, totals, strict=True)) for key, totals in rows.items()
        }
        for period, sums in zip(periods, by_period, strict=True)
        for by, rows in sums.items()
    }
    names = {by: dimension_names(by, seen[by]) for by in dimensions}
    result = {}
    for (period, by), rows in merged.items():
        if by is None:
            # As `grouped`: a headline always has its (possibly zero) totals.
            rows.setdefault(None, dict.fromkeys(aggregates, 0))
        result[period, by] = {
            "rows": rows,
            "names": {key: group_label(by, key, names[by]) for key in rows} if by else {},
        }
    return result


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
