"""KPIs over calls: volumes, channel, first contact, first-time fix, speed and teams.

Period membership is stated in each docstring: "logged in the period" means `opened_at`
in [start, end); "resolved in the period" means the call's current resolution (`resolved_at`,
the last one if it was reopened and resolved again) lies in [start, end). A reopened call that
is open again has no resolution and counts as unresolved. Cancelled calls (and rejected
requests) are never resolved. Calls are incidents and service requests (see source.py).
All times are the measures stored at resolution (business seconds on the service's calendar
with pending time excluded, and wall-clock seconds); nothing is recomputed per call.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, Q, Sum

from core.models import AuditEvent, Organisation, User
from kpis.metrics.base import (
    DEFAULT_WORKING_WEEK,
    HOUR,
    Measure,
    add_figures,
    call_count,
    group_key,
    grouped,
    grouped_by_period,
    hours,
    ratio,
    working_days,
    working_days_before,
)
from kpis.metrics.periods import Period
from kpis.metrics.source import (
    DIMENSIONS,
    ENDED_UNRESOLVED,
    Source,
    percentile_grid,
    percentiles,
)
from servicedesk.choices import Channel, Priority

FOUR_HOURS = 4 * HOUR
AGED_WORKING_DAYS = (5, 20)


def _logged(period: Period) -> Q:
    return Q(opened_at__gte=period.start, opened_at__lt=period.end)


def _resolved(period: Period) -> Q:
    return Q(resolved_at__gte=period.start, resolved_at__lt=period.end)


def _logged_aggregates() -> dict:
    return {
        "logged": call_count(),
        "portal": call_count(Q(channel=Channel.PORTAL)),
        # Logged and not since cancelled or rejected: what joined the backlog.
        "open_logged": call_count(~Q(status__in=ENDED_UNRESOLVED)),
        # Demand's numerator (P1 and P2 incidents logged), read with the rest.
        "high_priority_incidents": call_count(Q(kpi_incident=True, priority__lte=Priority.P2)),
    }


def _resolved_aggregates() -> dict:
    return {
        "resolved": call_count(),
        "first_contact": call_count(Q(resolved_first_contact=True)),
        "incidents": call_count(Q(kpi_incident=True)),
        "first_time": call_count(Q(kpi_incident=True, reassignment_count=0, reopen_count=0)),
        "within_4h": call_count(Q(business_seconds_to_resolve__lte=FOUR_HOURS)),
        "within_4h_wall": call_count(Q(wall_seconds_to_resolve__lte=FOUR_HOURS)),
        "within_standard": call_count(
            Q(business_seconds_to_resolve__lte=F("resolution_target_seconds")),
        ),
        "business_seconds": Sum("business_seconds_to_resolve"),
        "target_seconds": Sum("resolution_target_seconds"),
    }


def logged_summary(source: Source, period: Period, by: str | None = None) -> dict:
    """Counts over calls logged in the period, grouped by a dimension (shared by several KPIs)."""

    def compute():
        querysets = [queryset.filter(_logged(period)) for queryset in source.calls()]
        return grouped(querysets, by, _logged_aggregates())

    return source.memo(("logged", period, by), compute)


def resolved_summary(source: Source, period: Period, by: str | None = None) -> dict:
    """Counts and sums over calls resolved in the period, grouped by a dimension (one query)."""

    def compute():
        querysets = [queryset.filter(_resolved(period)) for queryset in source.calls()]
        return grouped(querysets, by, _resolved_aggregates())

    return source.memo(("resolved", period, by), compute)


def _medians_by_priority(source: Source, period: Period) -> dict:
    return source.memo(
        ("median_by_priority", period),
        lambda: percentiles(
            [q.filter(_resolved(period)) for q in source.calls()],
            "business_seconds_to_resolve",
            "priority",
            (0.5,),
        ),
    )


def _spread(source: Source, period: Period, by: str | None) -> dict:
    """Median and 90th percentile business seconds to resolve, per category or overall."""
    return source.memo(
        ("spread", period, by),
        lambda: percentiles(
            [q.filter(_resolved(period)) for q in source.calls()],
            "business_seconds_to_resolve",
            by,
        ),
    )


def _ratio_measure(summary: dict, numerator: str, denominator: str, by: str | None) -> Measure:
    """A percentage KPI from a summary: headline (by=None) or one row per group."""
    rows = summary["rows"]
    if by is None:
        totals = rows.get(None, {numerator: 0, denominator: 0})
        return Measure(
            value=ratio(totals[numerator], totals[denominator]),
            numerator=totals[numerator],
            denominator=totals[denominator],
        )
    measure = Measure(
        value=None,
        columns=[
            ("label", by.capitalize()),
            ("numerator", numerator.replace("_", " ")),
            ("denominator", denominator),
            ("value", "%"),
        ],
    )
    for key, totals in sorted(rows.items(), key=lambda item: summary["names"][item[0]]):
        measure.rows.append(
            {
                "key": key,
                "label": summary["names"][key],
                "numerator": totals[numerator],
                "denominator": totals[denominator],
                "value": ratio(totals[numerator], totals[denominator]),
            }
        )
    return measure


def calls_logged(
    source: Source, period: Period, by: str | None = "channel", *, headline: bool = False
) -> Measure:
    """Calls logged: the number of calls opened in the period (logged in the period), by channel.

    Cancelled calls count: they were logged. Broken down by channel unless another
    dimension is asked for.
    """
    total = logged_summary(source, period)["rows"].get(None, {"logged": 0})["logged"]
    measure = Measure(value=total, columns=[("label", (by or "").capitalize()), ("value", "Calls")])
    if by and not headline:
        summary = logged_summary(source, period, by)
        measure.rows = [
            {"key": key, "label": summary["names"][key], "value": totals["logged"]}
            for key, totals in sorted(
                summary["rows"].items(),
                key=lambda item: (-item[1]["logged"], summary["names"][item[0]]),
            )
        ]
    return measure


def self_service_share(source: Source, period: Period, by: str | None = None) -> Measure:
    """Self-service share: calls logged through the portal ÷ calls logged, as a percentage.

    Both counts are of calls logged in the period; no calls logged means no data.
    """
    return _ratio_measure(logged_summary(source, period, by), "portal", "logged", by)


def first_contact_resolution(source: Source, period: Period, by: str | None = None) -> Measure:
    """First-contact resolution: resolved calls that the logging agent resolved during the
    logging contact ÷ resolved calls, as a percentage; both resolved in the period.

    A call reopened later loses its first-contact mark.
    """
    return _ratio_measure(resolved_summary(source, period, by), "first_contact", "resolved", by)


def first_time_fix(source: Source, period: Period, by: str | None = None) -> Measure:
    """First-time fix: resolved incidents never reassigned to another team and never reopened ÷
    resolved incidents, as a percentage; both resolved in the period. Service requests are
    not counted (a fulfilled request is not a fix).
    """
    return _ratio_measure(resolved_summary(source, period, by), "first_time", "incidents", by)


def fixed_within_4_hours(source: Source, period: Period, by: str | None = None) -> Measure:
    """Fixed within 4 hours: resolved calls (all priorities) whose resolution took at most
    4 business hours on the service's calendar, pending time excluded ÷ resolved calls, as a
    percentage; both resolved in the period. A reopened call counts its whole measured time.
    The wall-clock variant (at most 4 elapsed hours, pauses and closed hours included) is
    given beside it.
    """
    summary = resolved_summary(source, period, by)
    measure = _ratio_measure(summary, "within_4h", "resolved", by)
    if by is None:
        totals = summary["rows"].get(None, {"within_4h_wall": 0, "resolved": 0})
        measure.extra["wall_clock"] = ratio(totals["within_4h_wall"], totals["resolved"])
    else:
        measure.columns.insert(-1, ("wall_clock", "% wall-clock"))
        for row in measure.rows:
            totals = summary["rows"][row["key"]]
            row["wall_clock"] = ratio(totals["within_4h_wall"], totals["resolved"])
    return measure


def within_standard(source: Source, period: Period, by: str | None = None) -> Measure:
    """Within service standard: resolved calls whose business time to resolve was at most the
    resolution target of their service standard ÷ resolved calls, as a percentage; both
    resolved in the period.
    """
    return _ratio_measure(resolved_summary(source, period, by), "within_standard", "resolved", by)


def time_to_fix_against_standard(
    source: Source, period: Period, *, headline: bool = False
) -> Measure:
    """Time to fix against standard, per priority, over calls resolved in the period: mean and
    median business hours to resolve (pending time excluded), the mean resolution target of
    those calls' service standards, and the % resolved within their own target. The headline
    is the mean business hours to resolve over all priorities.
    """
    if headline:
        totals = resolved_summary(source, period)["rows"].get(None, {})
        seconds, resolved = totals.get("business_seconds", 0), totals.get("resolved", 0)
        value = hours(seconds / resolved) if resolved else None
        return Measure(value=value, numerator=seconds, denominator=resolved)
    summary = resolved_summary(source, period, "priority")
    medians = _medians_by_priority(source, period)
    measure = Measure(
        value=None,
        columns=[
            ("label", "Priority"),
            ("resolved", "Resolved"),
            ("mean_hours", "Mean hours"),
            ("median_hours", "Median hours"),
            ("target_hours", "Target hours"),
            ("value", "% within target"),
        ],
    )
    total_seconds = total_resolved = 0
    for key, totals in sorted(summary["rows"].items(), key=lambda item: item[0]):
        resolved = totals["resolved"]
        total_seconds += totals["business_seconds"]
        total_resolved += resolved
        measure.rows.append(
            {
                "key": key,
                "label": summary["names"][key],
                "resolved": resolved,
                "mean_hours": hours(totals["business_seconds"] / resolved) if resolved else None,
                "median_hours": hours(medians.get(key, (None,))[0]),
                "target_hours": hours(totals["target_seconds"] / resolved) if resolved else None,
                "value": ratio(totals["within_standard"], resolved),
            }
        )
    measure.value = hours(total_seconds / total_resolved) if total_resolved else None
    measure.numerator, measure.denominator = total_seconds, total_resolved
    return measure


def resolution_by_category(source: Source, period: Period, *, headline: bool = False) -> Measure:
    """Resolution by category, over calls resolved in the period: per category the count,
    the median and the 90th percentile business hours to fix (nearest-rank percentiles).
    The headline is the median over all resolved calls.
    """
    overall = _spread(source, period, None)[None]
    if headline:
        return Measure(value=hours(overall[0]), extra={"p90_hours": hours(overall[1])})
    summary = resolved_summary(source, period, "category")
    spread = _spread(source, period, "category")
    measure = Measure(
        value=hours(overall[0]),
        extra={"p90_hours": hours(overall[1])},
        columns=[
            ("label", "Category"),
            ("resolved", "Resolved"),
            ("value", "Median hours"),
            ("p90_hours", "90th percentile hours"),
        ],
    )
    # Ties by name, so the order does not depend on how the database grouped the rows.
    for key, totals in sorted(
        summary["rows"].items(), key=lambda item: (-item[1]["resolved"], summary["names"][item[0]])
    ):
        median, p90 = spread.get(key, (None, None))
        measure.rows.append(
            {
                "key": key,
                "label": summary["names"][key],
                "resolved": totals["resolved"],
                "value": hours(median),
                "p90_hours": hours(p90),
            }
        )
    return measure


def calendar_spec_for(source: Source):
    """The working calendar of the cut's organisation, else the default working week."""

    def compute():
        organisation = (
            Organisation.objects.filter(pk=source.cut.organisation)
            .select_related("calendar")
            .first()
            if source.cut.organisation
            else None
        )
        if organisation is not None and organisation.calendar is not None:
            return organisation.calendar.spec()
        return DEFAULT_WORKING_WEEK

    return source.memo(("calendar_spec",), compute)


def _waiting(period: Period) -> Q:
    """In the backlog at the period's end, of the calls of _backlog_parts: logged before the
    end and not resolved by then."""
    return Q(opened_at__lt=period.end) & (
        Q(resolved_at__isnull=True) | Q(resolved_at__gte=period.end)
    )


def _backlog_aggregates(source: Source, period: Period, suffix: str = "") -> dict:
    """Counts of the backlog at the period's end and of its aged part, named with `suffix`.

    The conditions hold for either part of _backlog_parts (the call is still unresolved, or
    was resolved at or after the end), so periods can share one query.
    """
    spec = calendar_spec_for(source)
    waiting = _waiting(period)
    aggregates = {f"backlog{suffix}": call_count(waiting)}
    for days in AGED_WORKING_DAYS:
        cutoff = working_days_before(spec, period.end, days)
        aggregates[f"aged_{days}{suffix}"] = call_count(waiting & Q(opened_at__lt=cutoff))
    return aggregates


def _backlog_parts(source: Source, first_end) -> list:
    """The calls that may be in the backlog at period ends from `first_end` on, as two
    disjoint parts per kind of call: the unresolved ones, and those resolved at or after
    `first_end`. Each part is a scan of one index: (organisation, resolved_at) for both.

    "Logged before the end" is left to the aggregates' filters (_backlog_aggregates), not put
    in the WHERE: there it let SQLite, which has no statistics, read the part through the
    (organisation, opened_at) index instead, over the organisation's whole history.
    """
    parts = []
    for queryset in source.calls():
        open_calls = queryset.exclude(status__in=ENDED_UNRESOLVED)
        parts += [
            open_calls.filter(resolved_at__isnull=True),
            open_calls.filter(resolved_at__gte=first_end),
        ]
    return parts


def _in_backlog(summary: dict, by: str | None) -> dict:
    """A backlog summary grouped `by` a dimension, without the groups that have no call in
    the backlog (the parts also hold calls logged after the end, which are not counted)."""
    if by is None:
        return summary  # a headline keeps its totals, zero or not
    rows = {key: totals for key, totals in summary["rows"].items() if totals["backlog"]}
    return {"rows": rows, "names": {key: summary["names"][key] for key in rows}}


def backlog_summary(source: Source, period: Period, by: str | None = "team") -> dict:
    """Calls in the backlog at the end of the period, and those aged over 5 and 20 working days.

    In the backlog: logged before the period's end, not cancelled or rejected, and not resolved
    by then (no resolution, or resolved at or after the end).
    """

    def compute():
        parts = _backlog_parts(source, period.end)
        return _in_backlog(grouped(parts, by, _backlog_aggregates(source, period)), by)

    return source.memo(("backlog", period, by), compute)


def backlog_total(source: Source, period: Period) -> int:
    """The number of calls in the backlog at the end of the period (see backlog_summary)."""

    def compute():
        # A report has often read the backlog (by team) already: it holds the total.
        for by in ("team", None):
            summary = source.cached(("backlog", period, by))
            if summary is not None:
                return sum(totals["backlog"] for totals in summary["rows"].values())
        # Else the count alone: the aged counts' filters cost a third of the query.
        count = {"backlog": call_count(_waiting(period))}
        return grouped(_backlog_parts(source, period.end), None, count)["rows"][None]["backlog"]

    return source.memo(("backlog_total", period), compute)


def _reassignment_events(source: Source, period: Period):
    from servicedesk.models import Incident

    return AuditEvent.objects.filter(
        at__gte=period.start,
        at__lt=period.end,
        content_type=ContentType.objects.get_for_model(Incident),
        after__has_key="reassignment_count",
        organisation__in=source.organisation_ids(),
    )


def reassignments(source: Source, period: Period) -> dict[int, dict[str, int]]:
    """Reassignments per team in the period, from the audit log: {team id: {"in": n, "out": n}}.

    A reassignment is an audited incident change that raised its reassignment count; the team
    before it is "out", the team after it is "in".
    """

    def compute():
        # One scan of the period's events, grouped by the move (team before, team after).
        moves = (
            _reassignment_events(source, period)
            .values("before__team__id", "after__team__id")
            .annotate(n=Count("id"))
            .order_by()
        )
        result: dict[int, dict[str, int]] = {}
        for move in moves:
            for direction, side in (("in", "after"), ("out", "before")):
                team_id = move[f"{side}__team__id"]
                if team_id is not None:
                    counts = result.setdefault(int(team_id), {"in": 0, "out": 0})
                    counts[direction] += move["n"]
        return result

    return source.memo(("reassignments", period), compute)


def team_performance(source: Source, period: Period, *, headline: bool = False) -> Measure:
    """Team performance, per team: calls resolved in the period, % of them within their
    service standard, the backlog at the period's end (logged before the end, not cancelled
    or rejected, not resolved by then), the aged backlog (of it, logged more than 5 and more than 20
    working days before the end) and reassignments into and out of the team during the
    period. The headline is the total backlog at the period's end.
    """
    if headline:
        return Measure(value=backlog_total(source, period))
    resolved = resolved_summary(source, period, "team")
    backlog = backlog_summary(source, period, "team")
    moves = reassignments(source, period)
    names = {**backlog["names"], **resolved["names"]}
    keys = set(resolved["rows"]) | set(backlog["rows"])
    measure = Measure(
        value=None,
        columns=[
            ("label", "Team"),
            ("resolved", "Resolved"),
            ("within_standard", "% within standard"),
            ("value", "Backlog"),
            ("aged_5", "Aged > 5 days"),
            ("aged_20", "Aged > 20 days"),
            ("reassigned_in", "Reassigned in"),
            ("reassigned_out", "Reassigned out"),
        ],
    )
    for key in sorted(keys, key=lambda k: names[k]):
        done = resolved["rows"].get(key, {"resolved": 0, "within_standard": 0})
        waiting = backlog["rows"].get(key, {"backlog": 0, "aged_5": 0, "aged_20": 0})
        move = moves.get(key, {"in": 0, "out": 0})
        measure.rows.append(
            {
                "key": key,
                "label": names[key],
                "resolved": done["resolved"],
                "within_standard": ratio(done["within_standard"], done["resolved"]),
                "value": waiting["backlog"],
                "aged_5": waiting["aged_5"],
                "aged_20": waiting["aged_20"],
                "reassigned_in": move["in"],
                "reassigned_out": move["out"],
            }
        )
    measure.value = sum(row["value"] for row in measure.rows)
    return measure


def calls_per_agent_per_day(source: Source, period: Period, *, headline: bool = False) -> Measure:
    """Calls per agent per day: for each agent, the distinct calls they logged on a caller's
    behalf (logged in the period) or resolved (the call's assignee at resolution, resolved in
    the period) ÷ the working days in the period (days the organisation's calendar opens,
    Monday–Friday without bank holidays by default). The headline is the desk average: the
    mean of the agents' figures over agents who handled at least one call.
    """
    days = working_days(calendar_spec_for(source), period.first, period.last)
    handled = source.memo(("handled", period), lambda: _handled(source, [period])[period])
    if headline:
        # Agents are never deleted (PROTECT), so every id stands for a row below.
        rates = [ratio(count, days, 1) for count in handled.values() if count > 0]
        rates = [rate for rate in rates if rate is not None]
        total = sum(rates) if rates else None
        return Measure(
            value=total / len(rates) if rates else None, numerator=total, denominator=len(rates)
        )
    people = User.objects.in_bulk([agent for agent, count in handled.items() if count > 0])
    measure = Measure(
        value=None,
        columns=[("label", "Agent"), ("calls", "Calls handled"), ("value", "Per working day")],
        extra={"working_days": days},
    )
    # Ties in agent order, so the rows do not depend on the order the database grouped in.
    for agent_id, count in sorted(handled.items(), key=lambda item: (-item[1], item[0])):
        if count > 0 and agent_id in people:
            person = people[agent_id]
            measure.rows.append(
                {
                    "key": agent_id,
                    "label": person.get_full_name() or person.username,
                    "calls": count,
                    "value": ratio(count, days, 1),
                }
            )
    rates = [row["value"] for row in measure.rows if row["value"] is not None]
    measure.value = sum(rates) / len(rates) if rates else None
    measure.numerator, measure.denominator = sum(rates) if rates else None, len(rates)
    return measure


def _by_agent(querysets: list, agent_field: str, aggregates: dict) -> dict:
    """Aggregates of the querysets' calls grouped by `agent_field` (None for calls without
    one): {agent id or None: figures}, one query per kind of call."""
    result: dict = {}
    for queryset in querysets:
        agent = group_key(queryset, agent_field)
        rows = queryset.order_by().annotate(kpi_agent=agent).values("kpi_agent")
        for row in rows.annotate(**aggregates):
            figures = result.setdefault(row.pop("kpi_agent"), dict.fromkeys(aggregates, 0))
            add_figures(figures, row)
    return result


def _handled(source: Source, periods: list[Period]) -> dict[Period, dict[int, int]]:
    """Distinct calls each agent handled in each period (see calls_per_agent_per_day): those
    logged on a caller's behalf plus those resolved as assignee, less those that were both in
    the same period.

    Per period and kind of call: the calls logged on someone's behalf, grouped by the agent
    who logged them, and the calls resolved, grouped by assignee. The period's logged and
    resolved headline figures come with them (the logged from a count of its own unless
    already read, the resolved summed over the assignees) and are stored in the source's
    memo too. Queries per period, not ones grouped by a period expression over several: on
    SQLite a CASE over the stored instants and the grouping by it cost two to five times the
    plain range scans of the periods one by one.
    """
    handled: dict[Period, dict[int, int]] = {}
    for period in periods:
        logged = [queryset.filter(_logged(period)) for queryset in source.calls()]
        if source.cached(("logged", period, None)) is None:  # else read with the breakdowns
            source.prime(("logged", period, None), grouped(logged, None, _logged_aggregates()))
        on_behalf = _by_agent(
            [queryset.exclude(logged_by=F("caller")) for queryset in logged],
            "logged_by",
            {
                "logged": call_count(),
                # Logged and resolved by the same agent within the period: counted once.
                "both": call_count(Q(assignee=F("logged_by")) & _resolved(period)),
            },
        )
        resolved = _by_agent(
            [queryset.filter(_resolved(period)) for queryset in source.calls()],
            "assignee",
            _resolved_aggregates(),
        )
        counts = handled[period] = {
            agent: figures["logged"] - figures["both"] for agent, figures in on_behalf.items()
        }
        totals = dict.fromkeys(_resolved_aggregates(), 0)
        for agent, figures in resolved.items():
            add_figures(totals, figures)
            if agent is not None:
                counts[agent] = counts.get(agent, 0) + figures["resolved"]
        source.prime(("resolved", period, None), {"rows": {None: totals}, "names": {}})
    return handled


# The spreads a report reads: overall for every period, by priority and category for its own.
_OVERALL_SPREAD = {"spread": (None, (0.5, 0.9))}
_FOCUS_SPREADS = {
    **_OVERALL_SPREAD,
    "median_by_priority": ("priority", (0.5,)),
    "spread_category": ("category", (0.5, 0.9)),
}


def prefetch_call_trend(source: Source, periods: list[Period], focus: Period | None) -> None:
    """Compute the call KPIs' shared aggregates into the source's memo ahead: their headlines
    for all `periods`, and every breakdown for `focus`, the period the report is about (none
    when it is None).

    The KPI functions then read the memo and give exactly what they give period by period
    (tests/kpis/test_metrics_fast.py holds them to that); a breakdown of another period is
    still computed, on demand.
    """
    calls = source.calls()
    if focus is not None:
        # Only the focus is grouped by every dimension: doing so for the trend's months as
        # well cost more than all the rest of a pack.
        for name, time_field, aggregates in (
            ("logged", "opened_at", _logged_aggregates()),
            ("resolved", "resolved_at", _resolved_aggregates()),
        ):
            results = grouped_by_period(calls, time_field, [focus], tuple(DIMENSIONS), aggregates)
            for (period, by), result in results.items():
                source.prime((name, period, by), result)
        grid = percentile_grid(
            calls, "resolved_at", [focus], "business_seconds_to_resolve", _FOCUS_SPREADS
        )
        source.prime(("spread", focus, None), grid["spread"][focus])
        source.prime(("median_by_priority", focus), grid["median_by_priority"][focus])
        source.prime(("spread", focus, "category"), grid["spread_category"][focus])
        _prefetch_backlog(source, [focus], "team")
    for period, result in _handled(source, periods).items():
        source.prime(("handled", period), result)
    trend = [period for period in periods if period != focus]
    if trend:
        grid = percentile_grid(
            calls, "resolved_at", trend, "business_seconds_to_resolve", _OVERALL_SPREAD
        )
        for period, groups in grid["spread"].items():
            source.prime(("spread", period, None), groups)
    if all(a.end == b.start for a, b in zip(periods, periods[1:], strict=False)):
        _derive_backlog_trend(source, periods)
    else:
        _prefetch_backlog(source, periods, None)


def _derive_backlog_trend(source: Source, periods: list[Period]) -> None:
    """The total backlog at the end of each of adjacent `periods`, from the last one's and
    the counts the trend read anyway, instead of another scan per period.

    A call is in the backlog at an instant E when it was logged before E, is not cancelled or
    rejected, and was not resolved before E. A resolved call was logged before it was
    resolved and is neither cancelled nor rejected, so the backlog at E is (calls logged
    before E, not cancelled or rejected) − (calls resolved before E), and across one period:
    backlog at its start = backlog at its end − its calls logged (not cancelled or rejected)
    + its calls resolved. tests/kpis/test_metrics_fast.py holds it to the direct count.
    """
    backlog = backlog_total(source, periods[-1])
    for earlier, period in reversed(list(zip(periods, periods[1:], strict=False))):
        logged = logged_summary(source, period)["rows"][None]["open_logged"]
        resolved = resolved_summary(source, period)["rows"][None]["resolved"]
        backlog += resolved - logged
        source.prime(("backlog_total", earlier), backlog)


def _prefetch_backlog(source: Source, periods: list[Period], by: str | None) -> None:
    """backlog_summary for every period in one grouped query per part: a count per period."""
    aggregates: dict = {}
    for index, period in enumerate(periods):
        aggregates.update(_backlog_aggregates(source, period, f"_{index}"))
    merged = grouped(_backlog_parts(source, min(period.end for period in periods)), by, aggregates)
    for index, period in enumerate(periods):
        rows = {}
        for key, totals in merged["rows"].items():
            # A group is in a period's backlog only if it has calls there, as with grouped().
            if totals[f"backlog_{index}"] or by is None:
                rows[key] = {
                    name: totals[f"{name}_{index}"]
                    for name in ("backlog", *(f"aged_{days}" for days in AGED_WORKING_DAYS))
                }
        names = {key: merged["names"][key] for key in rows} if by else {}
        source.prime(("backlog", period, by), {"rows": rows, "names": names})
