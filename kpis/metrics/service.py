"""KPIs of the service as a whole: major incidents, availability, demand, satisfaction, the
customer happiness index and remote access (the last three partly from manual measures)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.db.models import Avg, Count, Exists, OuterRef, Q, Sum
from django.utils import timezone

from core.calendars import business_seconds_between
from kpis.metrics.base import Measure, ratio
from kpis.metrics.calls import logged_summary, within_standard
from kpis.metrics.periods import Period
from kpis.metrics.source import DIMENSIONS, Source
from servicedesk.choices import Priority
from servicedesk.sla import ALWAYS_OPEN

SATISFIED_FROM = 4


def _outage_overlaps(period: Period) -> Q:
    return Q(outage_start__lt=period.end) & (
        Q(outage_end__isnull=True) | Q(outage_end__gt=period.start)
    )


def _clip(period: Period, start: dt.datetime, end: dt.datetime | None):
    """The part of an outage inside the period (an open outage runs until now)."""
    now = timezone.now()
    end = min(end or now, period.end)
    start = max(start, period.start)
    return (start, end) if end > start else None


def _merge(intervals: list[tuple[dt.datetime, dt.datetime]]):
    """Overlapping outages of one service counted once."""
    merged: list[list[dt.datetime]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def major_incidents(source: Source, period: Period) -> Measure:
    """Major incidents: the calls flagged major whose service outage overlapped the period, or,
    with no outage recorded, that were logged in the period. For each: outage minutes inside
    the period (wall-clock; an outage still open counts up to now) and the services affected
    (the call's own service plus those listed as affected). The headline is their count;
    the total outage minutes and the number of distinct services affected are given beside it.
    """
    incidents = (
        source.incidents()
        .filter(is_major=True)
        .filter(
            _outage_overlaps(period)
            | Q(outage_start__isnull=True, opened_at__gte=period.start, opened_at__lt=period.end)
        )
        .select_related("service")
        .prefetch_related("affected_services")
        .order_by("opened_at")
    )
    measure = Measure(
        value=0,
        columns=[
            ("label", "Major incident"),
            ("opened", "Logged"),
            ("outage_start", "Outage start"),
            ("outage_end", "Outage end"),
            ("value", "Outage minutes in period"),
            ("services", "Services affected"),
        ],
    )
    services: set[int] = set()
    total = 0.0
    for incident in incidents:
        affected = {incident.service, *incident.affected_services.all()}
        services.update(service.pk for service in affected)
        span = (
            _clip(period, incident.outage_start, incident.outage_end)
            if incident.outage_start
            else None
        )
        minutes = (span[1] - span[0]).total_seconds() / 60 if span else 0.0
        total += minutes
        measure.rows.append(
            {
                "key": incident.pk,
                "label": f"{incident.reference} {incident.short_description}",
                "opened": incident.opened_at,
                "outage_start": incident.outage_start,
                "outage_end": incident.outage_end,
                "value": round(minutes, 1),
                "services": ", ".join(sorted(str(service) for service in affected)),
            }
        )
    measure.value = len(measure.rows)
    measure.extra = {"outage_minutes": round(total, 1), "services_affected": len(services)}
    return measure


def manual_total(source: Source, period: Period, kind: str, *, whole_months_only=False):
    """Sum of a manual measure over the organisations in scope and the months of the period.

    None when no figure was entered. With `whole_months_only`, only months lying wholly in
    the period count (outage minutes of a month cannot be split into weeks).
    """
    from kpis.models import ManualMeasure

    months = period.months()
    if whole_months_only:
        months = [
            month
            for month in months
            if month >= period.first and (Period.containing("month", month).last <= period.last)
        ]
    if not months:
        return None
    # Every figure in scope is read once per source ({(kind, month): sum over the
    # organisations}): a report's KPIs ask for four kinds in each period of its trend, and the
    # figures are a few per organisation and month.
    figures = source.memo(
        ("manual_measures",),
        lambda: {
            (row["kind"], row["month"]): row["total"]
            for row in ManualMeasure.objects.filter(organisation__in=source.organisation_ids())
            .values("kind", "month")
            .annotate(total=Sum("value"))
            .order_by()
        },
    )
    found = [figures[kind, month] for month in months if (kind, month) in figures]
    return float(sum(found)) if found else None


def availability(source: Source, period: Period) -> Measure:
    """Availability, per service: 1 − unplanned outage minutes ÷ scheduled service minutes, as a
    percentage, against the service's availability target (99% by default). Scheduled minutes
    are the minutes the service's calendar opens in the period (24×7 without a calendar);
    outage minutes are the outages of visible major incidents affecting the service (its own
    service or listed as affected), clipped to the period and to those hours, overlapping
    outages counted once. The headline covers all services together and adds the outage
    minutes entered by hand (not recorded as major incidents) for months wholly in the period.
    """
    from servicedesk.models import Service

    services = Service.objects.filter(is_active=True).select_related("calendar")
    if source.cut.service:
        services = services.filter(pk=source.cut.service)
    # Without the service cut: an outage listing the service as affected counts too.
    wider = Source(source.user, source.cut.with_(service=None))
    incidents = (
        wider.incidents()
        .filter(is_major=True, outage_start__isnull=False)
        .filter(_outage_overlaps(period))
        .prefetch_related("affected_services")
    )
    if source.cut.service:
        incidents = incidents.filter(
            Q(service=source.cut.service) | Q(affected_services=source.cut.service)
        ).distinct()
    outages: dict[int, list] = defaultdict(list)
    for incident in incidents:
        span = _clip(period, incident.outage_start, incident.outage_end)
        if span is None:
            continue
        for service_id in {incident.service_id, *(s.pk for s in incident.affected_services.all())}:
            outages[service_id].append(span)
    measure = Measure(
        value=None,
        columns=[
            ("label", "Service"),
            ("scheduled_minutes", "Scheduled minutes"),
            ("outage_minutes", "Outage minutes"),
            ("value", "Availability %"),
            ("target", "Target %"),
        ],
    )
    scheduled_total = outage_total = 0.0
    for service in services:
        spec = _calendar_spec(source, service)
        scheduled = source.memo(
            ("scheduled_minutes", service.calendar_id, period),
            lambda spec=spec: business_seconds_between(spec, period.start, period.end) / 60,
        )
        down = sum(
            business_seconds_between(spec, start, end) / 60
            for start, end in _merge(outages.get(service.pk, []))
        )
        scheduled_total += scheduled
        outage_total += down
        measure.rows.append(
            {
                "key": service.pk,
                "label": service.name,
                "scheduled_minutes": round(scheduled),
                "outage_minutes": round(down, 1),
                "value": None if not scheduled else 100 * (1 - down / scheduled),
                "target": float(service.availability_target),
            }
        )
    manual = manual_total(source, period, "outage_minutes", whole_months_only=True) or 0.0
    measure.value = (
        None if not scheduled_total else 100 * (1 - (outage_total + manual) / scheduled_total)
    )
    measure.numerator, measure.denominator = outage_total + manual, scheduled_total
    measure.extra = {"manual_outage_minutes": manual}
    return measure


def _calendar_spec(source: Source, service):
    """The service's calendar as a CalendarSpec, read once per source (services share them)."""
    if not service.calendar_id:
        return ALWAYS_OPEN
    return source.memo(("calendar", service.calendar_id), service.calendar.spec)


def demand(source: Source, period: Period) -> Measure:
    """Demand: high-priority (P1 and P2) incidents logged in the calendar months the period
    touches, per 1,000 unique network logins of those months (a manual monthly measure,
    summed over the organisations in scope). No logins entered means no data.
    """
    months = period.months()
    whole = Period.custom(months[0], Period.containing("month", months[-1]).last)
    if (whole.start, whole.end) == (period.start, period.end):
        # Whole months (a month, a quarter): the period's logged counts hold the figure.
        high = logged_summary(source, period)["rows"][None]["high_priority_incidents"]
    else:
        high = (
            source.incidents()
            .filter(opened_at__gte=whole.start, opened_at__lt=whole.end, priority__lte=Priority.P2)
            .count()
        )
    logins = manual_total(source, whole, "network_logins")
    return Measure(
        value=ratio(high, logins, 1000),
        numerator=high,
        denominator=logins,
        extra={"months": f"{whole.first:%b %Y} – {whole.last:%b %Y}"},
    )


def remote_access_ratio(source: Source, period: Period) -> Measure:
    """Remote access ratio: unique remote accesses ÷ remote access tokens in use, both manual
    monthly measures summed over the organisations in scope and the months the period
    touches. No tokens entered means no data.
    """
    accesses = manual_total(source, period, "remote_accesses")
    tokens = manual_total(source, period, "tokens_in_use")
    return Measure(value=ratio(accesses, tokens, 1), numerator=accesses, denominator=tokens)


def _survey_sets(source: Source, period: Period):
    """Survey scores in scope answered in the period: post-resolution ratings of calls under
    the cut, and monthly staff survey answers (only when the cut names no call attribute
    other than the organisation, since staff answers are about the service as a whole)."""
    from kpis.models import StaffSurveyAnswer
    from servicedesk.models import SurveyResponse

    # Ratings of the calls in scope under the cut, tested call by call (EXISTS on the call's
    # key) so that the period's range on the answers' created_at index drives the query,
    # not the organisation's whole call history.
    calls = source.incidents().filter(pk=OuterRef("incident_id"))
    ratings = SurveyResponse.objects.filter(
        Exists(calls), created_at__gte=period.start, created_at__lt=period.end
    )
    staff = StaffSurveyAnswer.objects.filter(
        organisation__in=source.organisation_ids(),
        created_at__gte=period.start,
        created_at__lt=period.end,
    )
    call_cut = {k for k in source.cut.filters() if k != DIMENSIONS["organisation"][0]}
    if call_cut:
        staff = staff.none()
    return {"Post-resolution sample": ratings, "Monthly staff survey": staff}


def customer_satisfaction(source: Source, period: Period) -> Measure:
    """Customer satisfaction: % satisfied (a score of 4 or 5 out of 5) and the mean score, over
    the answers given in the period to post-resolution sampling (callers rating their resolved
    call) and to the monthly staff survey, together. No answers means no data.
    """
    # Once per source: the happiness index reads the same figures.
    return source.memo(("satisfaction", period), lambda: _satisfaction(source, period))


def _satisfaction(source: Source, period: Period) -> Measure:
    """customer_satisfaction computed (two aggregate queries: ratings and staff answers)."""
    measure = Measure(
        value=None,
        columns=[
            ("label", "Survey"),
            ("answers", "Answers"),
            ("mean", "Mean score"),
            ("value", "% satisfied"),
        ],
    )
    answers = satisfied = score_sum = 0
    for label, queryset in _survey_sets(source, period).items():
        row = queryset.order_by().aggregate(
            n=Count("id"),
            happy=Count("id", filter=Q(score__gte=SATISFIED_FROM)),
            total=Sum("score"),
            mean=Avg("score"),
        )
        answers += row["n"]
        satisfied += row["happy"]
        score_sum += row["total"] or 0
        measure.rows.append(
            {
                "key": label,
                "label": label,
                "answers": row["n"],
                "mean": float(row["mean"]) if row["mean"] is not None else None,
                "value": ratio(row["happy"], row["n"]),
            }
        )
    measure.value = ratio(satisfied, answers)
    measure.numerator, measure.denominator = satisfied, answers
    measure.extra = {"mean_score": ratio(score_sum, answers, 1)}
    return measure


def happiness_weights() -> tuple[float, float]:
    """(weight of % satisfied, weight of % within standard); settings.KPIS_HAPPINESS_WEIGHTS."""
    weights = getattr(settings, "KPIS_HAPPINESS_WEIGHTS", (1, 1))
    return float(weights[0]), float(weights[1])


def customer_happiness_index(source: Source, period: Period) -> Measure:
    """Customer happiness index ("keeping our customers happy"): the weighted mean of the %
    satisfied (customer satisfaction) and the % of calls resolved within their service
    standard (resolved in the period), weights from settings.KPIS_HAPPINESS_WEIGHTS (equal by
    default). No data when either part has no data.
    """
    satisfied = customer_satisfaction(source, period).value
    on_time = within_standard(source, period).value
    w_satisfied, w_on_time = happiness_weights()
    value = None
    if satisfied is not None and on_time is not None and (w_satisfied + w_on_time):
        value = (w_satisfied * satisfied + w_on_time * on_time) / (w_satisfied + w_on_time)
    return Measure(
        value=value,
        extra={
            "satisfied": satisfied,
            "within_standard": on_time,
            "weights": (w_satisfied, w_on_time),
        },
    )
