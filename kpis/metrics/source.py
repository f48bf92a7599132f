"""What a KPI is computed over: the calls (and changes, surveys, manual measures) a person may
see, narrowed by a cut (organisation, team, service, category, priority, channel).

"Calls" are incidents plus service requests (DESIGN.md section 6). `call_querysets` gives one
queryset per kind, each presenting the same call fields, so every call KPI counts both kinds:
KPIs only use the stored measure fields the kinds share (`opened_at`, `resolved_at`,
`business_seconds_to_resolve`, ...) and combine the querysets' aggregates (counts and sums
add; percentiles count the values of all kinds together, see _ranked). A service request has
no category, is never reassigned, reopened or fulfilled at first contact, and its "assignee"
(resolver) is whoever finished its last fulfilment task; `kpi_incident` tells the kinds apart
where a definition counts incidents only (first-time fix).
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

        scoped = self.memo(("scoped", "incidents"), lambda: _scoped_calls(Incident, self.user))
        return scoped.filter(**self.cut.filters())

    def requests(self) -> models.QuerySet:
        """The visible service requests under the cut (none under a category: they have none)."""
        from servicerequests.models import ServiceRequest

        if self.cut.category:
            return ServiceRequest.objects.none()
        scoped = self.memo(("scoped", "requests"), lambda: _scoped_calls(ServiceRequest, self.user))
        return scoped.filter(**self.cut.filters())

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

    def cached(self, key):
        """What the memo holds under `key`, or None when nothing was computed for it yet."""
        return self._cache.get(key)

    def prime(self, key, value) -> None:
        """Store an aggregate computed ahead (for several periods at once) unless already known;
        `memo` then returns it instead of querying."""
        self._cache.setdefault(key, value)


def _value_parts(
    querysets: list[models.QuerySet], value_field: str, columns: dict
) -> list[tuple[str, list]]:
    """Per queryset, a query (SQL and parameters) of the non-empty values of `value_field` as
    `kpi_v`, beside the named `columns` ({name: expression}); empty querysets (e.g. .none())
    give none. Percentiles rank the values of all kinds of call together: their counts are
    added up in Python, as one UNION ALL of the kinds cannot be flattened into the grouping
    query on SQLite and cost it two thirds more than grouping each kind on its own."""
    names = [*columns, "kpi_v"]
    parts = []
    for queryset in querysets:
        rows = (
            queryset.filter(**{f"{value_field}__isnull": False})
            .annotate(**columns, kpi_v=models.F(value_field))
            .values_list(*names)
        )
        try:
            sql, params = rows.order_by().query.sql_with_params()
        except EmptyResultSet:
            continue  # e.g. .none(): contributes no values
        parts.append((f"SELECT {', '.join(names)} FROM ({sql}) AS part", list(params)))
    return parts


def _grouped_counts(using: str | None, parts: list[tuple[str, list]], keys: str, where: str = ""):
    """{(key, ...): how many rows} of the value queries `parts` grouped by the SQL `keys`
    (optionally only rows matching `where`), added up over the parts: one query each."""
    counts: dict = {}
    with connections[using].cursor() as cursor:
        for sql, params in parts:
            cursor.execute(
                f"SELECT {keys}, COUNT(*) FROM ({sql}) AS u {where} GROUP BY {keys}", params
            )
            for *key, count in cursor.fetchall():
                counts[tuple(key)] = counts.get(tuple(key), 0) + count
    return counts


# Width of the histogram bins (in the value's unit: seconds) a percentile is first located
# in: a month's 40,000 resolution times fall in a few hundred bins of a quarter of an hour.
PERCENTILE_BIN = 900


def _nearest_ranks(count: int, fractions: tuple[float, ...]) -> list[int]:
    """The nearest rank of each fraction among `count` sorted values: ceil(p × count), at
    least 1. Exact arithmetic: 0.9 of 10 values must be rank 9, as CUME_DIST ≥ 0.9 has it."""
    return [min(max(math.ceil(Fraction(str(p)) * count), 1), count) for p in fractions]


# Attempts at reading both passes of the percentiles from the same data (see _ranked).
RANK_ATTEMPTS = 3


def _ranked(
    querysets: list[models.QuerySet],
    value_field: str,
    groupings: dict[str, tuple[str | None, tuple[float, ...]]],
) -> dict[str, dict]:
    """Nearest-rank percentiles of `value_field` over the querysets, for each named grouping
    (group field or None, fractions): {name: {group: (p1, p2, ...)}}. A grouping without a
    field has the one group None, with (None, ...) when there is no value. The values must be
    whole numbers, not negative (seconds), as their bins are found by integer division in SQL.

    Two passes, both GROUP BY queries (one per kind of call, their counts added up), instead
    of sorting or ranking every value:
    1. per grouping, how many values fall in each PERCENTILE_BIN-wide bin of each group; the
       running count over the bins locates the bin holding each wanted rank and the rank's
       position inside it;
    2. over the located bins only, how many times each value occurs, per group; the wanted
       rank's value is read off those counts.
    Both are exact counts, so the result is the value a sort of all of them would give. Each
    pass reads on its own: when calls changed between them (the second pass finds other
    counts in a located bin than the first), both are read again, up to RANK_ATTEMPTS times.
    """
    for _ in range(RANK_ATTEMPTS):
        result, consistent = _ranked_once(querysets, value_field, groupings)
        if consistent:
            break
    return result


def _ranked_once(
    querysets: list[models.QuerySet],
    value_field: str,
    groupings: dict[str, tuple[str | None, tuple[float, ...]]],
) -> tuple[dict[str, dict], bool]:
    """One reading of _ranked's two passes: (result, whether the second pass found in each
    located bin as many values as the first counted there)."""
    consistent = True
    fields = sorted({by for by, _ in groupings.values() if by is not None})
    result: dict[str, dict] = {name: {} for name in groupings}
    # Each wanted rank: (grouping name, group, fraction index, bin, rank within the bin,
    # values the bin held in the first pass).
    wanted: list[tuple] = []
    using = querysets[0].db if querysets else None
    grouped_histogram: dict | None = None
    # Groupings by a field first: the histogram of all values is the sum of any of theirs
    # over its groups (every value is in exactly one), so it costs no scan of its own.
    for name, (group_field, fractions) in sorted(
        groupings.items(), key=lambda item: item[1][0] is None
    ):
        if group_field is None and grouped_histogram is not None:
            histograms = {None: {}}
            for bins in grouped_histogram.values():
                for bin_, count in bins.items():
                    histograms[None][bin_] = histograms[None].get(bin_, 0) + count
        else:
            # No constant group column when ungrouped: a second sort key for every value cost
            # SQLite two thirds more than the grouping by the bin alone.
            columns = {"kpi_g": models.F(group_field)} if group_field else {}
            parts = _value_parts(querysets, value_field, columns)
            if not parts:
                break  # no queryset can hold a value: every grouping is empty
            histograms = {}
            keys = ", ".join([*columns, f"kpi_v / {PERCENTILE_BIN}"])
            for (*key, bin_), count in _grouped_counts(using, parts, keys).items():
                histograms.setdefault(key[0] if key else None, {})[bin_] = count
            if group_field is not None:
                grouped_histogram = histograms
        for key, bins in histograms.items():
            ranks = _nearest_ranks(sum(bins.values()), fractions)
            before = 0
            for bin_ in sorted(bins):
                for position, rank in enumerate(ranks):
                    if before < rank <= before + bins[bin_]:
                        wanted.append((name, key, position, bin_, rank - before, bins[bin_]))
                before += bins[bin_]
    if wanted:
        columns = {f"kpi_g{i}": models.F(by) for i, by in enumerate(fields)}
        parts = _value_parts(querysets, value_field, columns)
        bins = ", ".join(str(bin_) for bin_ in sorted({item[3] for item in wanted}))
        found_counts = _grouped_counts(
            using,
            parts,
            ", ".join([*columns, "kpi_v"]),
            f"WHERE kpi_v / {PERCENTILE_BIN} IN ({bins})",
        )
        # Occurrences of each value per (grouping field, group, bin).
        counts: dict = {}
        for (*groups, value), count in found_counts.items():
            for by, key in [(None, None), *zip(fields, groups, strict=True)]:
                counts.setdefault((by, key, value // PERCENTILE_BIN), []).append((value, count))
        for name, key, position, bin_, rank, expected in wanted:
            fractions = groupings[name][1]
            picked = result[name].setdefault(key, [None] * len(fractions))
            found = sorted(counts.get((groupings[name][0], key, bin_), ()))
            consistent = consistent and sum(count for _, count in found) == expected
            seen = 0
            for value, count in found:
                seen += count
                if seen >= rank:
                    picked[position] = value
                    break
    for name, (group_field, fractions) in groupings.items():
        groups = result[name]
        for key, values in groups.items():
            groups[key] = tuple(values)
        if group_field is None:
            groups.setdefault(None, tuple(None for _ in fractions))
    return result, consistent


def percentiles(
    querysets: list[models.QuerySet],
    value_field: str,
    group_field: str | None = None,
    fractions: tuple[float, ...] = (0.5, 0.9),
) -> dict:
    """Nearest-rank percentiles of `value_field`, per group (see _ranked).

    The p-th percentile is the smallest value v such that at least p of the values are ≤ v
    (the value at rank ceil(p × n) of the n values in order). Rows with no value are ignored.
    Returns {group: (p1, p2, ...)}; the group is None when `group_field` is None, with
    (None, ...) when there is no value.
    """
    return _ranked(querysets, value_field, {"p": (group_field, fractions)})["p"]


def percentile_grid(
    querysets: list[models.QuerySet],
    time_field: str,
    periods: list,
    value_field: str,
    groupings: dict[str, tuple[str | None, tuple[float, ...]]],
) -> dict[str, dict]:
    """`percentiles` for each of several periods (by `time_field`) and several groupings:
    for each named grouping (group field or None, fractions), {name: {period: what
    `percentiles` returns for the calls of that period}}. A period's second pass serves
    every grouping.
    """
    result: dict[str, dict] = {name: {} for name in groupings}
    for period in periods:
        limited = [
            queryset.filter(**{f"{time_field}__gte": period.start, f"{time_field}__lt": period.end})
            for queryset in querysets
        ]
        for name, groups in _ranked(limited, value_field, groupings).items():
            result[name][period] = groups
    return result
