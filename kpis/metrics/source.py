"""What a KPI is computed over: the calls (and changes, surveys, manual measures) a person may
see, narrowed by a cut (organisation, team, service, category, priority, channel).

"Calls" are incidents plus service requests (DESIGN.md section 6). `call_querysets` gives one
queryset per kind, each presenting the same call fields, so every call KPI counts both kinds:
KPIs only use the stored measure fields the kinds share (`opened_at`, `resolved_at`,
`business_seconds_to_resolve`, ...) and combine the querysets' aggregates (counts and sums
add; percentiles use UNION ALL in one query). A service request has no category, is never
reassigned, reopened or fulfilled at first contact, and its "assignee" (resolver) is whoever
finished its last fulfilment task; `kpi_incident` tells the kinds apart where a definition
counts incidents only (first-time fix).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from fractions import Fraction

from django.core.exceptions import EmptyResultSet
from django.db import connections, models
from django.db.models.functions import Cast

from core.models import Organisation
from core.visibility import scope_for, visible_to

# Dimensions a KPI can be cut and broken down by: name -> (field, label field or None).
DIMENSIONS: dict[str, tuple[str, str | None]] = {
    "organisation": ("organisation", "organisation__name"),
    "team": ("team", "team__name"),
    "service": ("service", "service__name"),
    "category": ("category", "category__name"),
    "priority": ("priority", None),
    "channel": ("channel", None),
}


def dimension_names(by: str, keys) -> dict:
    """{key: name} of the records behind the keys of a named dimension (organisation, team,
    service, category); empty for the others, whose labels come from their choices."""
    from servicedesk.models import Incident

    key_field, label_field = DIMENSIONS[by]
    keys = [key for key in keys if key is not None]
    if label_field is None or not keys:
        return {}
    related = Incident._meta.get_field(key_field).related_model
    name_field = label_field.split("__", 1)[1]
    return dict(related._base_manager.filter(pk__in=keys).values_list("pk", name_field))


@dataclass(frozen=True)
class Cut:
    """Narrowing of the calls a KPI counts; None in a field means "all"."""

    organisation: int | None = None
    team: int | None = None
    service: int | None = None
    category: int | None = None
    priority: int | None = None
    channel: str | None = None

    def filters(self) -> dict:
        """The ORM filters of this cut, on the call fields of DIMENSIONS."""
        return {
            DIMENSIONS[name][0]: value
            for name, value in self.__dict__.items()
            if value is not None and value != ""
        }

    def with_(self, **changes) -> Cut:
        """A copy with some fields changed."""
        return replace(self, **changes)


def _scoped_calls(model, user) -> models.QuerySet:
    """The calls of `model` for KPIs: those of the organisations the person serves.

    For service staff this is `visible_to` without its "own calls" branch (their own calls
    belong to their own organisation, which they serve), so the database can range-scan
    the (organisation, opened_at / resolved_at) indexes instead of an OR of two indexes.
    It never shows more than `visible_to` would.
    """
    scope = scope_for(user)
    if scope.sees_everything:
        # Every organisation, named: the same index range scans as for one (a bare period
        # filter left SQLite walking a whole-history index, ten times slower on 1M calls).
        return model.objects.filter(
            organisation__in=sorted(Organisation.objects.values_list("pk", flat=True))
        )
    if scope.organisation_ids:
        return model.objects.filter(organisation__in=sorted(scope.organisation_ids))
    return visible_to(model.objects.all(), user)


# States in which a call ended without a resolution: never resolved, never in the backlog.
ENDED_UNRESOLVED = ("cancelled", "rejected")


def call_querysets(user) -> list[models.QuerySet]:
    """Every kind of call `user` may see, one queryset per kind: incidents, service requests.

    A request presents the incident fields the KPIs read under the same names (see the module
    docstring), as annotations, so one KPI query serves both kinds.
    """
    from servicedesk.models import Incident
    from servicerequests.models import ServiceRequest

    return [
        _scoped_calls(Incident, user).annotate(kpi_incident=models.Value(True)),
        _scoped_calls(ServiceRequest, user).annotate(
            kpi_incident=models.Value(False),
            caller=models.F("requester"),
            assignee=models.F("fulfilled_by"),
            # Typed, so PostgreSQL can UNION it with the incidents' category ids.
            category=Cast(models.Value(None), models.BigIntegerField()),
            resolved_first_contact=models.Value(False),
            reassignment_count=models.Value(0),
            reopen_count=models.Value(0),
        ),
    ]


def dimension_fields(queryset: models.QuerySet, by: str) -> tuple[str, str | None]:
    """The key field and label field of dimension `by` on this kind of call; no label field
    where the kind lacks the dimension (a request's category is always empty)."""
    key_field, label_field = DIMENSIONS[by]
    if key_field in queryset.query.annotations:
        return key_field, None
    return key_field, label_field


@dataclass
class Source:
    """The records one person may see under one cut; KPI functions read only through this."""

    user: object
    cut: Cut = field(default_factory=Cut)
    _cache: dict = field(default_factory=dict, repr=False)

    def calls(self) -> list[models.QuerySet]:
        """The visible calls under the cut, one queryset per kind of call."""
        filters = self.cut.filters()
        # The scoped querysets are built once per source: building them reads the person's
        # organisations, and a report asks for the calls once per period and aggregate.
        scoped = self.memo(("calls",), lambda: call_querysets(self.user))
        return [queryset.filter(**filters) for queryset in scoped]

    def incidents(self) -> models.QuerySet:
        """The visible incidents under the cut (major incidents, first-time fix)."""
        from servicedesk.models import Incident

        return _scoped_calls(Incident, self.user).filter(**self.cut.filters())

    def requests(self) -> models.QuerySet:
        """The visible service requests under the cut (none under a category: they have none)."""
        from servicerequests.models import ServiceRequest

        queryset = _scoped_calls(ServiceRequest, self.user)
        if self.cut.category:
            return queryset.none()
        return queryset.filter(**self.cut.filters())

    def organisations(self) -> models.QuerySet:
        """The organisations in scope: those the person may see, narrowed to the cut's."""
        queryset = visible_to(Organisation.objects.all(), self.user)
        if self.cut.organisation:
            queryset = queryset.filter(pk=self.cut.organisation)
        return queryset

    def organisation_ids(self) -> list[int]:
        """Primary keys of organisations(), cached for the life of the source."""
        if "org_ids" not in self._cache:
            self._cache["org_ids"] = list(self.organisations().values_list("pk", flat=True))
        return self._cache["org_ids"]

    def memo(self, key, compute):
        """Compute a shared aggregate once per source (several KPIs read one grouped query)."""
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def prime(self, key, value) -> None:
        """Store an aggregate computed ahead (for several periods at once) unless already known;
        `memo` then returns it instead of querying."""
        self._cache.setdefault(key, value)


def _values_union(
    querysets: list[models.QuerySet], value_field: str, columns: dict
) -> tuple[str, list]:
    """One UNION ALL query (SQL and parameters) of the non-empty values of `value_field` as
    `kpi_v`, beside the named `columns` ({name: expression}), over every queryset; ("", [])
    when all of them are empty. Percentiles rank the values of all kinds of call together."""
    names = [*columns, "kpi_v"]
    parts, params = [], []
    for queryset in querysets:
        rows = (
            queryset.filter(**{f"{value_field}__isnull": False})
            .annotate(**columns, kpi_v=models.F(value_field))
            .values_list(*names)
        )
        try:
            sql, part_params = rows.order_by().query.sql_with_params()
        except EmptyResultSet:
            continue  # e.g. .none(): contributes no values
        parts.append(f"SELECT {', '.join(names)} FROM ({sql}) AS part")
        params.extend(part_params)
    return " UNION ALL ".join(parts), params


def _percentile_rows(
    querysets: list[models.QuerySet],
    value_field: str,
    group_field: str | None,
    fractions: tuple[float, ...],
) -> list[tuple] | None:
    """Rows (0, group, p1, p2, ...) of nearest-rank percentiles per group, in one SQL query;
    None when every queryset is empty."""
    using = querysets[0].db
    group = models.Value(0) if group_field is None else models.F(group_field)
    union, params = _values_union(
        querysets, value_field, {"kpi_b": models.Value(0), "kpi_g": group}
    )
    if not union:
        return None
    picks = ", ".join(f"MIN(CASE WHEN cd >= {float(p)!r} THEN v END)" for p in fractions)
    sql = (
        f"SELECT b, g, {picks} FROM ("
        "SELECT kpi_b AS b, kpi_g AS g, kpi_v AS v, "
        "CUME_DIST() OVER (PARTITION BY kpi_b, kpi_g ORDER BY kpi_v) AS cd "
        f"FROM ({union}) AS u"
        ") AS ranked GROUP BY b, g"
    )
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def percentiles(
    querysets: list[models.QuerySet],
    value_field: str,
    group_field: str | None = None,
    fractions: tuple[float, ...] = (0.5, 0.9),
) -> dict:
    """Nearest-rank percentiles of `value_field`, per group, in one SQL query.

    The p-th percentile is the smallest value v such that at least p of the values are ≤ v
    (CUME_DIST ≥ p). Rows with no value are ignored. Returns {group: (p1, p2, ...)}; the
    group is None when `group_field` is None.
    """
    if not querysets:
        return {}
    rows = _percentile_rows(querysets, value_field, group_field, fractions)
    if rows is None:
        return {None: tuple(None for _ in fractions)} if group_field is None else {}
    result = {row[1]: tuple(row[2:]) for row in rows}
    if group_field is None:
        return {None: result.get(0, tuple(None for _ in fractions))}
    return result


def nearest_rank(
    querysets: list[models.QuerySet],
    value_field: str,
    count: int,
    fractions: tuple[float, ...] = (0.5, 0.9),
) -> tuple:
    """`percentiles` without a group, for querysets holding `count` values of `value_field`
    between them: the value at each nearest rank, ceil(p × count), picked by one sorted read
    per fraction that stops at the rank (ORDER BY ... LIMIT 1 OFFSET, from whichever end is
    nearer) instead of a window over every value, which cost seconds on a month's calls.
    """
    if not count:
        return tuple(None for _ in fractions)
    union, params = _values_union(querysets, value_field, {})
    if not union:
        return tuple(None for _ in fractions)
    picked = []
    with connections[querysets[0].db].cursor() as cursor:
        for fraction in fractions:
            # Exact arithmetic: 0.9 × 10 must be rank 9, as CUME_DIST ≥ 0.9 picks it.
            rank = min(max(math.ceil(Fraction(str(fraction)) * count), 1), count)
            if rank - 1 <= count - rank:
                order, offset = "ASC", rank - 1
            else:
                order, offset = "DESC", count - rank
            cursor.execute(
                f"SELECT kpi_v FROM ({union}) AS u ORDER BY kpi_v {order} LIMIT 1 OFFSET {offset}",
                params,
            )
            row = cursor.fetchone()
            picked.append(row[0] if row else None)
    return tuple(picked)


def percentile_grid(
    querysets: list[models.QuerySet],
    time_field: str,
    periods: list,
    value_field: str,
    groupings: dict[str, tuple[str | None, tuple[float, ...]]],
) -> dict[str, dict]:
    """`percentiles` for each of several periods (by `time_field`) and several groupings at
    once, over one scan of the calls: for each named grouping (group field or None,
    fractions), {name: {period: what `percentiles` returns for the calls of that period}}.

    Each grouping gets its own CUME_DIST window over the same rows; the outer query keeps,
    per finest group (bucket and every group field), the smallest value at or past each
    fraction, and the minimum of those over the finest groups inside a grouping's group is
    its nearest-rank percentile, since MIN composes.
    """
    from kpis.metrics.base import period_bucket, period_range

    fields = sorted({field for field, _ in groupings.values() if field is not None})
    column = {field: f"g{index}" for index, field in enumerate(fields)}
    union, params = _values_union(
        [queryset.filter(period_range(time_field, periods)) for queryset in querysets],
        value_field,
        {
            "kpi_b": period_bucket(time_field, periods),
            **{f"kpi_{column[field]}": models.F(field) for field in fields},
        },
    )
    result: dict[str, dict] = {name: {period: {} for period in periods} for name in groupings}
    if union:
        groups = [column[field] for field in fields]
        windows, picks = [], []
        for index, (field, fractions) in enumerate(groupings.values()):
            partition = ", ".join(["kpi_b", *([f"kpi_{column[field]}"] if field else [])])
            windows.append(
                f"CUME_DIST() OVER (PARTITION BY {partition} ORDER BY kpi_v) AS cd{index}"
            )
            picks += [f"MIN(CASE WHEN cd{index} >= {float(p)!r} THEN v END)" for p in fractions]
        named = ", ".join(["kpi_b AS b", "kpi_v AS v", *(f"kpi_{g} AS {g}" for g in groups)])
        keys = ", ".join(["b", *groups])
        sql = (
            f"SELECT {keys}, {', '.join(picks)} FROM ("
            f"SELECT {named}, {', '.join(windows)} "
            f"FROM ({union}) AS u WHERE kpi_b IS NOT NULL"
            f") AS ranked GROUP BY {keys}"
        )
        with connections[querysets[0].db].cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        for row in rows:
            period = periods[row[0]]
            values = row[1 + len(groups) :]
            offset = 0
            for name, (field, fractions) in groupings.items():
                key = row[1 + fields.index(field)] if field else None
                mine = values[offset : offset + len(fractions)]
                offset += len(fractions)
                known = result[name][period].get(key)
                result[name][period][key] = (
                    mine
                    if known is None
                    else tuple(
                        a if b is None else b if a is None else min(a, b)
                        for a, b in zip(known, mine, strict=True)
                    )
                )
    for name, (field, fractions) in groupings.items():
        if field is None:
            for period in periods:
                result[name][period].setdefault(None, tuple(None for _ in fractions))
    return result
