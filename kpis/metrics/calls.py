"""KPIs over calls: volumes, channel, first contact, first-time fix, speed and teams.

Period membership is stated in each docstring: "logged in the period" means `opened_at`
in [start, end); "resolved in the period" means the call's current resolution (`resolved_at`,
the last one if it was reopened and resolved again) lies in [start, end). A reopened call that
is open again has no resolution and counts as unresolved. Cancelled calls are never resolved.
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
    grouped,
    hours,
    ratio,
    working_days,
    working_days_before,
)
from kpis.metrics.periods import Period
from kpis.metrics.source import Source, percentiles
from servicedesk.choices import Channel, IncidentStatus

FOUR_HOURS = 4 * HOUR
AGED_WORKING_DAYS = (5, 20)


def _logged(period: Period) -> Q:
    return Q(opened_at__gte=period.start, opened_at__lt=period.end)


def _resolved(period: Period) -> Q:
    return Q(resolved_at__gte=period.start, resolved_at__lt=period.end)


def logged_summary(source: Source, period: Period, by: str | None = None) -> dict:
    """Counts over calls logged in the period, grouped by a dimension (shared by several KPIs)."""

    def compute():
        querysets = [queryset.filter(_logged(period)) for queryset in source.calls()]
        return grouped(
            querysets,
            by,
            {
                "logged": Count("id"),
                "portal": Count("id", filter=Q(channel=Channel.PORTAL)),
            },
        )

    return source.memo(("logged", period, by), compute)


def resolved_summary(source: Source, period: Period, by: str | None = None) -> dict:
    """Counts and sums over calls resolved in the period, grouped by a dimension (one query)."""

    def compute():
        querysets = [queryset.filter(_resolved(period)) for queryset in source.calls()]
        return grouped(
            querysets,
            by,
            {
                "resolved": Count("id"),
                "first_contact": Count("id", filter=Q(resolved_first_contact=True)),
                "first_time": Count("id", filter=Q(reassignment_count=0, reopen_count=0)),
                "within_4h": Count("id", filter=Q(business_seconds_to_resolve__lte=FOUR_HOURS)),
                "within_4h_wall": Count("id", filter=Q(wall_seconds_to_resolve__lte=FOUR_HOURS)),
                "within_standard": Count(
                    "id",
                    filter=Q(business_seconds_to_resolve__lte=F("resolution_target_seconds")),
                ),
                "business_seconds": Sum("business_seconds_to_resolve"),
                "target_seconds": Sum("resolution_target_seconds"),
            },
        )

    return source.memo(("resolved", period, by), compute)


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


def calls_logged(source: Source, period: Period, by: str | None = "channel") -> Measure:
    """Calls logged: the number of calls opened in the period (logged in the period), by channel.

    Cancelled calls count: they were logged. Broken down by channel unless another
    dimension is asked for.
    """
    total = logged_summary(source, period)["rows"].get(None, {"logged": 0})["logged"]
    measure = Measure(value=total, columns=[("label", (by or "").capitalize()), ("value", "Calls")])
    if by:
        summary = logged_summary(source, period, by)
        measure.rows = [
            {"key": key, "label": summary["names"][key], "value": totals["logged"]}
            for key, totals in sorted(summary["rows"].items(), key=lambda item: -item[1]["logged"])
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
    """First-time fix: resolved calls never reassigned to another team and never reopened ÷
    resolved calls, as a percentage; both resolved in the period.
    """
    return _ratio_measure(resolved_summary(source, period, by), "first_time", "resolved", by)


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


def time_to_fix_against_standard(source: Source, period: Period) -> Measure:
    """Time to fix against standard, per priority, over calls resolved in the period: mean and
    median business hours to resolve (pending time excluded), the mean resolution target of
    those calls' service standards, and the % resolved within their own target. The headline
    is the mean business hours to resolve over all priorities.
    """
    summary = resolved_summary(source, period, "priority")
    medians = source.memo(
        ("median_by_priority", period),
        lambda: percentiles(
            [q.filter(_resolved(period)) for q in source.calls()],
            "business_seconds_to_resolve",
            "priority",
            (0.5,),
        ),
    )
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


def resolution_by_category(source: Source, period: Period) -> Measure:
    """Resolution by category, over calls resolved in the period: per category the count,
    the median and the 90th percentile business hours to fix (nearest-rank percentiles).
    The headline is the median over all resolved calls.
    """
    resolved = [q.filter(_resolved(period)) for q in source.calls()]
    summary = resolved_summary(source, period, "category")
    spread = percentiles(resolved, "business_seconds_to_resolve", "category")
    overall = percentiles(resolved, "business_seconds_to_resolve")[None]
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
    for key, totals in sorted(summary["rows"].items(), key=lambda item: -item[1]["resolved"]):
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
    organisation = (
        Organisation.objects.filter(pk=source.cut.organisation).select_related("calendar").first()
        if source.cut.organisation
        else None
    )
    if organisation is not None and organisation.calendar is not None:
        return organisation.calendar.spec()
    return DEFAULT_WORKING_WEEK


def backlog_summary(source: Source, period: Period, by: str | None = "team") -> dict:
    """Calls in the backlog at the end of the period, and those aged over 5 and 20 working days.

    In the backlog: logged before the period's end, not cancelled, and not resolved by then
    (no resolution, or resolved at or after the end).
    """
    spec = calendar_spec_for(source)
    aged = {days: working_days_before(spec, period.end, days) for days in AGED_WORKING_DAYS}
    # Two disjoint parts (unresolved; resolved after the end), each a range scan on the
    # (organisation, resolved_at) index; grouped() adds them up.
    querysets = []
    for queryset in source.calls():
        logged = queryset.filter(opened_at__lt=period.end).exclude(status=IncidentStatus.CANCELLED)
        querysets += [
            logged.filter(resolved_at__isnull=True),
            logged.filter(resolved_at__gte=period.end),
        ]
    aggregates = {"backlog": Count("id")}
    for days, cutoff in aged.items():
        aggregates[f"aged_{days}"] = Count("id", filter=Q(opened_at__lt=cutoff))
    return source.memo(("backlog", period, by), lambda: grouped(querysets, by, aggregates))


def reassignments(source: Source, period: Period) -> dict[int, dict[str, int]]:
    """Reassignments per team in the period, from the audit log: {team id: {"in": n, "out": n}}.

    A reassignment is an audited incident change that raised its reassignment count; the team
    before it is "out", the team after it is "in".
    """
    from servicedesk.models import Incident

    events = AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(Incident),
        at__gte=period.start,
        at__lt=period.end,
        after__has_key="reassignment_count",
        organisation__in=source.organisation_ids(),
    )
    result: dict[int, dict[str, int]] = {}
    for direction, side in (("in", "after"), ("out", "before")):
        for row in events.values(f"{side}__team__id").annotate(n=Count("id")).order_by():
            team_id = row[f"{side}__team__id"]
            if team_id is not None:
                result.setdefault(int(team_id), {"in": 0, "out": 0})[direction] = row["n"]
    return result


def team_performance(source: Source, period: Period) -> Measure:
    """Team performance, per team: calls resolved in the period, % of them within their
    service standard, the backlog at the period's end (logged before the end, not cancelled,
    not resolved by then), the aged backlog (of it, logged more than 5 and more than 20
    working days before the end) and reassignments into and out of the team during the
    period. The headline is the total backlog at the period's end.
    """
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


def calls_per_agent_per_day(source: Source, period: Period) -> Measure:
    """Calls per agent per day: for each agent, the distinct calls they logged on a caller's
    behalf (logged in the period) or resolved (the call's assignee at resolution, resolved in
    the period) ÷ the working days in the period (days the organisation's calendar opens,
    Monday–Friday without bank holidays by default). The headline is the desk average: the
    mean of the agents' figures over agents who handled at least one call.
    """
    days = working_days(calendar_spec_for(source), period.first, period.last)
    handled: dict[int, int] = {}
    for queryset in source.calls():
        on_behalf = queryset.filter(_logged(period)).exclude(logged_by=F("caller"))
        resolved = queryset.filter(_resolved(period), assignee__isnull=False)
        both = on_behalf.filter(_resolved(period), assignee=F("logged_by"))
        for rows, sign, field in (
            (on_behalf, 1, "logged_by"),
            (resolved, 1, "assignee"),
            (both, -1, "logged_by"),
        ):
            for row in rows.order_by().values(field).annotate(n=Count("id")):
                handled[row[field]] = handled.get(row[field], 0) + sign * row["n"]
    people = User.objects.in_bulk([agent for agent, count in handled.items() if count > 0])
    measure = Measure(
        value=None,
        columns=[("label", "Agent"), ("calls", "Calls handled"), ("value", "Per working day")],
        extra={"working_days": days},
    )
    for agent_id, count in sorted(handled.items(), key=lambda item: -item[1]):
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
