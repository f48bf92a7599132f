"""KPIs computed on small hand-built data sets whose answers are worked out by hand.

The week of Mon 23 Nov 2026 (see conftest.week_of_calls for the calls and their measures).
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import random
from fractions import Fraction

import pytest
from django.db import connection

from changes.models import Change, PostImplementationReview
from kpis.metrics import KPI_BY_KEY, KPIS, Cut, Period, Source, compute_all
from kpis.metrics.periods import PeriodKind
from kpis.metrics.source import PERCENTILE_BIN, percentiles
from kpis.models import ManualMeasure, StaffSurveyAnswer, SurveyInvitation
from servicedesk import actions
from servicedesk.models import Incident, SurveyResponse
from tests.kpis.conftest import at

pytestmark = pytest.mark.django_db

WEEK = Period.containing(PeriodKind.WEEK, dt.date(2026, 11, 23))
EMPTY_WEEK = Period.containing(PeriodKind.WEEK, dt.date(2026, 11, 2))
NOVEMBER = Period.containing(PeriodKind.MONTH, dt.date(2026, 11, 23))


def kpi(key, source, period=WEEK, **kwargs):
    return KPI_BY_KEY[key].compute(source, period, **kwargs)


# --- periods -------------------------------------------------------------------------------
def test_should_cover_iso_weeks_months_and_quarters_as_half_open_local_days():
    assert (WEEK.first, WEEK.last) == (dt.date(2026, 11, 23), dt.date(2026, 11, 29))
    assert WEEK.label == "2026-W48" and WEEK.previous().first == dt.date(2026, 11, 16)
    assert NOVEMBER.end == at(1, 0, month=12)
    quarter = Period.containing(PeriodKind.QUARTER, dt.date(2026, 11, 23))
    assert (quarter.first, quarter.last, quarter.label) == (
        dt.date(2026, 10, 1),
        dt.date(2026, 12, 31),
        "2026 Q4",
    )
    assert [p.label for p in NOVEMBER.trend(3)] == ["Sep 2026", "Oct 2026", "Nov 2026"]
    custom = Period.custom(dt.date(2026, 11, 10), dt.date(2026, 11, 12))
    assert custom.previous() == Period.custom(dt.date(2026, 11, 7), dt.date(2026, 11, 9))
    with pytest.raises(ValueError):
        Period.custom(dt.date(2026, 11, 12), dt.date(2026, 11, 10))


# --- calls logged (logged in the period) ---------------------------------------------------
def test_should_count_calls_logged_in_the_period_by_channel(week_of_calls):
    measure = kpi("calls_logged", Source(week_of_calls.admin))
    # A C D E F H were logged this week; B was logged the Friday before.
    assert measure.value == 6
    assert {row["key"]: row["value"] for row in measure.rows} == {"portal": 4, "phone": 2}


def test_should_give_the_self_service_share_of_calls_logged(week_of_calls):
    measure = kpi("self_service_share", Source(week_of_calls.admin))
    assert (measure.numerator, measure.denominator) == (4, 6)
    assert measure.value == pytest.approx(400 / 6)


# --- resolved in the period ----------------------------------------------------------------
def test_should_count_first_contact_resolution_over_resolved_calls(week_of_calls):
    measure = kpi("first_contact_resolution", Source(week_of_calls.admin))
    assert (measure.numerator, measure.denominator) == (2, 6)  # A and H of A B C D E H


def test_should_not_count_reassigned_or_reopened_calls_as_first_time_fixes(week_of_calls):
    measure = kpi("first_time_fix", Source(week_of_calls.admin))
    # D was reassigned and E reopened: 4 of 6.
    assert (measure.numerator, measure.denominator) == (4, 6)
    assert week_of_calls.calls["D"].reassignment_count == 1
    assert week_of_calls.calls["E"].reopen_count == 1


def test_should_measure_four_hours_in_business_time_across_the_weekend_and_pauses(week_of_calls):
    measure = kpi("fixed_within_4_hours", Source(week_of_calls.admin))
    # Business: B took 2 h across the weekend, C 14 h (8 paused hours excluded): 5 of 6.
    assert (measure.numerator, measure.denominator) == (5, 6)
    # Wall clock: B (66 h) and C (54 h) miss; E's 4 h exactly counts: 4 of 6.
    assert measure.extra["wall_clock"] == pytest.approx(400 / 6)
    calls = week_of_calls.calls
    assert calls["B"].business_seconds_to_resolve == 2 * 3600
    assert calls["C"].business_seconds_to_resolve == 14 * 3600


def test_should_count_a_reopened_call_once_with_its_whole_measured_time(week_of_calls):
    e = week_of_calls.calls["E"]
    assert e.resolved_at == at(23, 13) and e.business_seconds_to_resolve == 2 * 3600


def test_should_compare_time_to_fix_with_the_standard_per_priority(week_of_calls):
    measure = kpi("time_to_fix", Source(week_of_calls.admin))
    (p3,) = measure.rows
    assert p3["label"] == "P3 Moderate" and p3["resolved"] == 6
    assert p3["mean_hours"] == pytest.approx(20 / 6)  # 0+0+2+2+2+14
    assert p3["median_hours"] == 2.0 and p3["target_hours"] == 8.0
    assert p3["value"] == pytest.approx(500 / 6)  # C breached its 8 h standard
    assert measure.value == pytest.approx(20 / 6)


def test_should_give_count_median_and_90th_percentile_per_category(week_of_calls):
    measure = kpi("resolution_by_category", Source(week_of_calls.admin))
    rows = {row["label"]: row for row in measure.rows}
    assert (
        rows["Outlook"]["resolved"],
        rows["Outlook"]["value"],
        rows["Outlook"]["p90_hours"],
    ) == (
        3,
        2.0,
        14.0,
    )  # A 0, B 2, C 14
    assert (rows["(none)"]["resolved"], rows["(none)"]["value"]) == (3, 2.0)  # D 2, E 2, H 0
    assert (measure.value, measure.extra["p90_hours"]) == (2.0, 14.0)


def test_should_report_team_backlog_aged_backlog_and_reassignments(week_of_calls):
    w = week_of_calls
    rows = {row["label"]: row for row in kpi("team_performance", Source(w.admin)).rows}
    desk, infra = rows["Service Desk"], rows["North Infrastructure"]
    # Desk: B A C E H resolved (C breached); F and I still open; I is > 20 working days old.
    assert (desk["resolved"], desk["within_standard"]) == (5, 80.0)
    assert (desk["value"], desk["aged_5"], desk["aged_20"]) == (2, 1, 1)
    assert (desk["reassigned_out"], desk["reassigned_in"]) == (1, 0)
    assert (infra["resolved"], infra["value"], infra["reassigned_in"]) == (1, 0, 1)


def test_should_count_calls_after_the_period_end_as_backlog_of_that_period(week_of_calls):
    # At the end of the previous week, B (resolved Monday) was still in the backlog.
    rows = {
        r["label"]: r
        for r in kpi("team_performance", Source(week_of_calls.admin), WEEK.previous()).rows
    }
    assert rows["Service Desk"]["value"] == 2  # I and B


def test_should_divide_calls_handled_by_each_agent_by_working_days(week_of_calls):
    w = week_of_calls
    measure = kpi("calls_per_agent_per_day", Source(w.admin))
    per_agent = {row["label"]: (row["calls"], row["value"]) for row in measure.rows}
    # agent: logged A and H for callers, resolved B C E; infra resolved D; 5 working days.
    assert per_agent == {"agent": (5, 1.0), "infra": (1, 0.2)}
    assert measure.value == pytest.approx(0.6)


def test_should_skip_bank_holidays_in_working_days(catalogue):
    new_year_week = Period.containing(PeriodKind.WEEK, dt.date(2026, 12, 29))
    measure = kpi("calls_per_agent_per_day", Source(catalogue.admin), new_year_week)
    # Mon 28 Dec (Boxing Day's substitute) and Fri 1 Jan are bank holidays.
    assert measure.extra["working_days"] == 3
    assert measure.value is None  # nobody handled a call


def test_should_measure_a_call_resolved_across_a_bank_holiday_in_business_time(catalogue, clock):
    clock(at(24, 16, month=12))
    call = actions.do_log_incident(
        actor=catalogue.requester_north,
        caller=catalogue.requester_north,
        service=catalogue.email,
        short_description="Printer",
    )
    actions.do_take_incident(call.pk, actor=catalogue.agent)
    clock(at(29, 10, month=12))
    actions.do_resolve_incident(call.pk, actor=catalogue.agent, code="fixed", notes="ok")
    december = Period.containing(PeriodKind.MONTH, dt.date(2026, 12, 1))
    measure = kpi("fixed_within_4_hours", Source(catalogue.admin), december)
    assert (measure.value, measure.extra["wall_clock"]) == (100.0, 0.0)


# --- cuts, scoping, breakdowns ---------------------------------------------------------------
def test_should_only_count_calls_the_person_may_see(week_of_calls):
    w = week_of_calls
    north = Source(w.manager_north)
    assert kpi("first_contact_resolution", north).denominator == 5  # H is Eastvale's
    assert kpi("calls_logged", north).value == 5


def test_should_cut_by_organisation_team_service_category_priority_and_channel(week_of_calls):
    w = week_of_calls
    admin = w.admin
    assert kpi("calls_logged", Source(admin, Cut(organisation=w.east.pk))).value == 1
    assert kpi("first_time_fix", Source(admin, Cut(team=w.infra.pk))).value == 0.0
    assert kpi("calls_logged", Source(admin, Cut(service=w.phones.pk))).value == 0
    assert kpi("first_time_fix", Source(admin, Cut(category=w.outlook.pk))).denominator == 3
    assert kpi("calls_logged", Source(admin, Cut(priority=1))).value == 0
    assert kpi("first_contact_resolution", Source(admin, Cut(channel="phone"))).value == 100.0


def test_should_break_ratio_kpis_down_by_any_dimension(week_of_calls):
    w = week_of_calls
    rows = kpi("first_time_fix", Source(w.admin), by="organisation").rows
    by_org = {row["label"]: (row["numerator"], row["denominator"]) for row in rows}
    assert by_org == {"Eastvale District Council": (1, 1), "Northshire County Council": (3, 5)}
    channels = kpi("self_service_share", Source(w.admin), by="channel").rows
    assert {row["key"]: row["value"] for row in channels} == {"phone": 0.0, "portal": 100.0}


def test_should_say_no_data_rather_than_divide_by_zero_in_an_empty_period(week_of_calls):
    measures = compute_all(Source(week_of_calls.admin), EMPTY_WEEK)
    assert measures["calls_logged"].value == 0
    for key in (
        "self_service_share",
        "first_contact_resolution",
        "first_time_fix",
        "fixed_within_4_hours",
        "within_standard",
        "time_to_fix",
        "resolution_by_category",
        "calls_per_agent_per_day",
        "customer_satisfaction",
        "customer_happiness_index",
        "remote_access_ratio",
        "change_success",
        "demand",
    ):
        assert measures[key].value is None, key
    assert measures["fixed_within_4_hours"].extra["wall_clock"] is None


def test_should_not_count_an_unresolved_call_as_resolved(week_of_calls):
    f = week_of_calls.calls["F"]
    assert f.resolved_at is None
    only_f = Source(week_of_calls.admin, Cut(organisation=f.organisation_id))
    assert kpi("first_time_fix", only_f).denominator == 5


def test_should_compute_nearest_rank_percentiles_in_sql(week_of_calls):
    resolved = Incident.objects.filter(resolved_at__isnull=False)
    assert percentiles([resolved], "business_seconds_to_resolve", fractions=(0.5, 0.9, 1.0)) == {
        None: (7200, 50400, 50400)
    }
    assert percentiles([resolved.none()], "business_seconds_to_resolve") == {None: (None, None)}


def test_should_read_the_percentiles_again_when_calls_change_between_their_two_passes(
    week_of_calls,
):
    # The median is located in a bin by one query and read off the values in that bin by a
    # second: a call whose time leaves the bin in between must not give a wrong or no median.
    resolved = Incident.objects.filter(resolved_at__isnull=False)
    field = "business_seconds_to_resolve"
    median_call = resolved.filter(**{field: 7200}).first()
    first_passes = []

    def move_the_median_after_the_first_pass(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if f"/ {PERCENTILE_BIN}, COUNT(*)" in sql:
            first_passes.append(sql)
            if len(first_passes) == 1:
                Incident.objects.filter(pk=median_call.pk).update(**{field: 90_000})
        return result

    with connection.execute_wrapper(move_the_median_after_the_first_pass):
        during = percentiles([resolved], field, fractions=(0.5, 0.9, 1.0))
    assert len(first_passes) == 2  # read again
    assert during == percentiles([resolved], field, fractions=(0.5, 0.9, 1.0))
    assert during[None][2] == 90_000


def _nearest_rank(values: list[int], fraction: float) -> int:
    """The nearest-rank percentile by sorting every value: the reference the SQL must match."""
    ordered = sorted(values)
    return ordered[max(math.ceil(Fraction(str(fraction)) * len(ordered)), 1) - 1]


def test_should_pick_the_same_percentile_as_sorting_every_value(week_of_calls):
    # Percentiles are located in bins of resolution times first, then read off exact counts
    # of the values in those bins: they must equal a sort of all the values, with ties, values
    # on the bins' edges, a long tail, groups, and the values split over two kinds of call.
    template = Incident.objects.filter(resolved_at__isnull=False).first()
    rng = random.Random(8)
    edges = [0, PERCENTILE_BIN - 1, PERCENTILE_BIN, PERCENTILE_BIN + 1, 2 * PERCENTILE_BIN]
    values = [rng.choice(edges) for _ in range(60)]
    values += [rng.randrange(0, 30 * PERCENTILE_BIN) for _ in range(200)] + [500_000]
    clones = []
    for index, value in enumerate(values):
        clone = copy.copy(template)
        clone.pk = None
        clone.business_seconds_to_resolve = value
        clone.priority = 1 + index % 4
        clones.append(clone)
    pks = [clone.pk for clone in Incident.objects.bulk_create(clones)]
    calls = Incident.objects.filter(pk__in=pks)
    fractions = (0.01, 0.25, 0.5, 0.9, 0.99, 1.0)
    whole = tuple(_nearest_rank(values, p) for p in fractions)
    field = "business_seconds_to_resolve"
    assert percentiles([calls], field, fractions=fractions) == {None: whole}
    halves = [calls.filter(pk__in=pks[::2]), calls.filter(pk__in=pks[1::2])]
    assert percentiles(halves, field, fractions=fractions) == {None: whole}
    assert percentiles([calls], field, "priority", fractions) == {
        priority: tuple(
            _nearest_rank([v for i, v in enumerate(values) if 1 + i % 4 == priority], p)
            for p in fractions
        )
        for priority in (1, 2, 3, 4)
    }


# --- service KPIs --------------------------------------------------------------------------
def _major(w, when_start, when_end, *also):
    call = w.calls["D"]
    Incident.objects.filter(pk=call.pk).update(
        is_major=True, outage_start=when_start, outage_end=when_end
    )
    call = Incident.objects.get(pk=call.pk)
    call.affected_services.add(*also)
    return call


def test_should_list_major_incidents_with_outage_minutes_and_services(week_of_calls):
    w = week_of_calls
    _major(w, at(23, 10), at(23, 12), w.phones)
    measure = kpi("major_incidents", Source(w.admin))
    assert measure.value == 1
    assert measure.extra == {"outage_minutes": 120.0, "services_affected": 2}
    assert measure.rows[0]["services"] == "Email, Telephony"
    assert kpi("major_incidents", Source(w.admin), EMPTY_WEEK).value == 0


def test_should_measure_availability_in_service_hours_with_manual_outages(week_of_calls):
    w = week_of_calls
    _major(w, at(23, 16), at(23, 18), w.phones)  # one hour after Email's hours
    ManualMeasure.objects.create(
        organisation=w.north, month=dt.date(2026, 11, 1), kind="outage_minutes", value=60
    )
    measure = kpi("availability", Source(w.admin), NOVEMBER)
    rows = {row["label"]: row for row in measure.rows}
    # November 2026 has 21 working days: 21 × 8 × 60 = 10,080 Email minutes; Telephony is 24×7.
    assert rows["Email"]["scheduled_minutes"] == 10080
    assert rows["Email"]["outage_minutes"] == 60
    assert rows["Email"]["value"] == pytest.approx(100 * (1 - 60 / 10080))
    assert rows["Telephony"]["value"] == pytest.approx(100 * (1 - 120 / 43200))
    assert measure.value == pytest.approx(100 * (1 - (60 + 120 + 60) / (10080 + 43200)))
    # A week is not a whole month: the monthly manual minutes are left out.
    assert kpi("availability", Source(w.admin)).extra["manual_outage_minutes"] == 0.0


def test_should_relate_high_priority_calls_to_network_logins(week_of_calls, clock):
    w = week_of_calls
    clock(at(24, 9))
    actions.do_log_incident(
        actor=w.requester_north,
        caller=w.requester_north,
        service=w.email,
        short_description="All down",
        impact=1,
        urgency=1,
    )
    assert kpi("demand", Source(w.admin), NOVEMBER).value is None  # no logins entered
    ManualMeasure.objects.create(
        organisation=w.north, month=dt.date(2026, 11, 1), kind="network_logins", value=2000
    )
    measure = kpi("demand", Source(w.admin), NOVEMBER)
    assert (measure.numerator, measure.denominator, measure.value) == (1, 2000.0, 0.5)
    # A week takes its whole month's calls and logins (counted apart from the month's logged
    # figures); a quarter adds up its months' logins over the organisations in scope.
    week = kpi("demand", Source(w.admin), WEEK)
    assert (week.numerator, week.denominator) == (1, 2000.0)
    ManualMeasure.objects.create(
        organisation=w.east, month=dt.date(2026, 10, 1), kind="network_logins", value=500
    )
    quarter = Period.containing(PeriodKind.QUARTER, dt.date(2026, 11, 23))
    measure = kpi("demand", Source(w.admin), quarter)
    assert (measure.numerator, measure.denominator, measure.value) == (1, 2500.0, 0.4)
    east = kpi("demand", Source(w.admin, Cut(organisation=w.east.pk)), quarter)
    assert (east.numerator, east.denominator, east.value) == (0, 500.0, 0.0)


def test_should_divide_remote_accesses_by_tokens(week_of_calls):
    w = week_of_calls
    for kind, value in (("remote_accesses", 450), ("tokens_in_use", 500)):
        ManualMeasure.objects.create(
            organisation=w.north, month=dt.date(2026, 11, 1), kind=kind, value=value
        )
    assert kpi("remote_access_ratio", Source(w.admin), NOVEMBER).value == pytest.approx(0.9)
    assert (
        kpi("remote_access_ratio", Source(w.admin, Cut(organisation=w.east.pk)), NOVEMBER).value
        is None
    )


def test_should_combine_sampled_ratings_and_the_monthly_survey(week_of_calls, clock):
    w = week_of_calls
    clock(at(26, 9))
    actions.do_rate_incident(w.calls["B"].pk, actor=w.requester_north, score=5)
    actions.do_rate_incident(w.calls["C"].pk, actor=w.requester_north, score=2)
    invitation = SurveyInvitation.objects.create(
        kind="monthly", person=w.requester_east, organisation=w.east, month=dt.date(2026, 11, 1)
    )
    StaffSurveyAnswer.objects.create(invitation=invitation, organisation=w.east, score=4)
    assert SurveyResponse.objects.count() == 2
    measure = kpi("customer_satisfaction", Source(w.admin))
    assert (measure.numerator, measure.denominator) == (2, 3)
    assert measure.extra["mean_score"] == pytest.approx(11 / 3)
    # A cut by service leaves out the staff survey (about the whole service).
    assert kpi("customer_satisfaction", Source(w.admin, Cut(service=w.email.pk))).denominator == 2
    happiness = kpi("customer_happiness_index", Source(w.admin))
    assert happiness.value == pytest.approx((200 / 3 + 500 / 6) / 2)


def test_should_weigh_the_happiness_index_by_settings(week_of_calls, clock, settings):
    w = week_of_calls
    clock(at(26, 9))
    actions.do_rate_incident(w.calls["B"].pk, actor=w.requester_north, score=5)
    settings.KPIS_HAPPINESS_WEIGHTS = (3, 1)
    assert kpi("customer_happiness_index", Source(w.admin)).value == pytest.approx(
        (3 * 100 + 500 / 6) / 4
    )


def test_should_rate_change_success_and_emergency_share(week_of_calls):
    world = week_of_calls

    def change(status, kind="normal", start=None, outcome=None, caused=()):
        item = Change.objects.create(
            title="c",
            description="d",
            reason="r",
            organisation=world.north,
            requester=world.manager_north,
            change_type=kind,
            status=status,
            actual_start=start or at(24, 10),
        )
        if outcome:
            review = PostImplementationReview.objects.create(
                change=item, outcome=outcome, reviewed_by=world.admin
            )
            review.incidents_caused.set(caused)
        return item

    change("implemented")
    change("closed", outcome="successful")
    change(
        "reviewed",
        kind="emergency",
        outcome="backed_out",
        caused=[world.calls["D"], world.calls["E"]],  # two incidents, still one change
    )
    change("failed")
    change("implemented", start=at(10, 10))  # another week
    change("scheduled")  # not implemented yet
    measure = kpi("change_success", Source(world.admin))
    assert (measure.numerator, measure.denominator) == (2, 4)
    assert measure.extra == {"emergency_share": 25.0, "caused_incidents": 1}


def test_should_report_asset_health(world):
    from assets.models import Asset

    Asset.objects.create(organisation=world.north, owner=world.agent, location="Room 1")
    Asset.objects.create(
        organisation=world.north, warranty_end=dt.date.today() + dt.timedelta(days=10)
    )
    measure = kpi("asset_health", Source(world.admin))
    assert (measure.numerator, measure.denominator, measure.value) == (1, 2, 50.0)
    assert {row["key"]: row["value"] for row in measure.rows}["warranty"] == 1


# --- the registry ---------------------------------------------------------------------------
def test_should_define_every_kpi_of_the_design_in_its_docstring():
    assert len(KPIS) == len({kpi.key for kpi in KPIS})
    for definition in KPIS:
        assert len(definition.definition) > 60, definition.key
    titles = " ".join(k.title.lower() for k in KPIS)
    for name in (
        "calls logged",
        "self-service",
        "per agent",
        "first-contact",
        "first-time fix",
        "4 hours",
        "against standard",
        "by category",
        "team",
        "major incidents",
        "demand",
        "availability",
        "satisfaction",
        "happiness",
        "remote access",
        "change success",
        "asset health",
    ):
        assert name in titles, name
