"""The report's fast path (every trend period's headline, and every breakdown of the report's
own period, read in one grouped query per aggregate) gives exactly the figures of computing
each period on its own.

Data: the week of Mon 23 Nov 2026 (conftest.week_of_calls), whose calls fall on several days,
in two ISO weeks and in two months (I was logged on Fri 30 Oct).
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kpis import reports
from kpis.metrics import KPI_BY_KEY, KPIS, Cut, Period, Source, parallel, prefetch_trend
from kpis.metrics.base import grouped, grouped_by_period
from kpis.metrics.calls import _resolved_aggregates
from kpis.metrics.periods import PeriodKind
from kpis.reports import BREAKDOWNS, build_report
from servicedesk import actions

pytestmark = pytest.mark.django_db

WEEK = Period.containing(PeriodKind.WEEK, dt.date(2026, 11, 23))
DAYS = Period.containing(PeriodKind.DAY, dt.date(2026, 11, 29)).trend(10)
WEEKS = WEEK.trend(6)
MONTHS = Period.containing(PeriodKind.MONTH, dt.date(2026, 11, 23)).trend(3)
# Not adjacent: the calls of the weeks between are in no period.
GAPPED = [WEEKS[0], WEEKS[3], WEEKS[5]]
# The KPIs over calls, whose aggregates the report reads ahead.
CALL_KPIS = (
    "calls_logged",
    "self_service_share",
    "calls_per_agent_per_day",
    "first_contact_resolution",
    "first_time_fix",
    "fixed_within_4_hours",
    "within_standard",
    "time_to_fix",
    "resolution_by_category",
    "team_performance",
)


def _sources(w):
    return {
        "admin": (w.admin, Cut()),
        "north manager": (w.manager_north, Cut()),
        "one organisation": (w.admin, Cut(organisation=w.north.pk)),
        "one team": (w.admin, Cut(team=w.desk.pk)),
        "one channel": (w.admin, Cut(channel="portal")),
    }


@pytest.mark.parametrize(
    "periods", [DAYS, WEEKS, MONTHS, GAPPED], ids=["days", "weeks", "months", "gapped"]
)
def test_should_give_each_period_the_figures_it_has_when_computed_alone(week_of_calls, periods):
    w = week_of_calls
    # A rating, so satisfaction and the happiness index have data in one of the periods.
    actions.do_rate_incident(w.calls["B"].pk, actor=w.requester_north, score=5)
    for name, (user, cut) in _sources(w).items():
        fast = Source(user, cut)
        prefetch_trend(fast, periods)
        for kpi in KPIS:
            for period in periods:
                alone = kpi.compute(Source(user, cut), period)
                assert kpi.compute(fast, period) == alone, (name, kpi.key, period.label)
                if kpi.breaks_down:
                    for by in BREAKDOWNS:
                        alone = kpi.compute(Source(user, cut), period, by=by)
                        assert kpi.compute(fast, period, by=by) == alone, (name, kpi.key, by)


def test_should_have_data_in_several_buckets_so_the_comparison_means_something(week_of_calls):
    w = week_of_calls
    logged = [KPI_BY_KEY["calls_logged"].compute(Source(w.admin), p).value for p in WEEKS]
    # I (Fri 30 Oct), B (Fri 20 Nov) and A C D E F H (this week) in three different weeks.
    assert logged == [0, 1, 0, 0, 1, 6]
    backlog = [KPI_BY_KEY["team_performance"].compute(Source(w.admin), p).value for p in WEEKS]
    assert backlog[-1] == 2 and backlog[1] == 1  # F and I at the end; I alone in its own week


def test_should_read_the_trend_headlines_and_the_focus_breakdowns_without_further_queries(
    week_of_calls,
):
    w = week_of_calls
    prefetch_trend(Source(w.admin), WEEKS[:1])  # the person's scope and content types, cached
    source = Source(w.admin)
    with CaptureQueriesContext(connection) as ahead:
        prefetch_trend(source, WEEKS, WEEK)
    with CaptureQueriesContext(connection) as after:
        for key in CALL_KPIS:
            for period in WEEKS:
                KPI_BY_KEY[key].compute(source, period, headline=True)
            KPI_BY_KEY[key].compute(source, WEEK)
            if KPI_BY_KEY[key].breaks_down:
                for by in BREAKDOWNS:
                    KPI_BY_KEY[key].compute(source, WEEK, by=by)
    # Only the focus week's reassignments (the organisations in scope, one grouped query of
    # the moves between teams) and the names of its agents are left.
    assert len(after) == 3, [query["sql"][:80] for query in after.captured_queries]
    # Each trend period adds the same few scans of its own calls (per kind of call: the
    # logged headline, the calls logged on behalf by agent, the resolved by assignee, and
    # the two passes of its median and 90th percentile); the breakdowns are read once.
    counts = []
    for last in (1, 2):
        with CaptureQueriesContext(connection) as captured:
            prefetch_trend(Source(w.admin), WEEKS[-last:])
        counts.append(len(captured))
    per_period = counts[1] - counts[0]
    assert per_period <= 2 * 5
    assert len(ahead) == counts[0] + (len(WEEKS) - 1) * per_period


@pytest.mark.parametrize("periods", [WEEKS, MONTHS], ids=["weeks", "months"])
def test_should_give_the_same_headline_when_asked_for_the_headline_alone(week_of_calls, periods):
    w = week_of_calls
    for user in (w.admin, w.manager_north):
        fast = Source(user)
        prefetch_trend(fast, periods)
        for kpi in KPIS:
            for period in periods:
                whole = kpi.compute(Source(user), period)
                for source in (fast, Source(user)):
                    alone = kpi.compute(source, period, headline=True)
                    assert (alone.value, alone.numerator, alone.denominator) == (
                        whole.value,
                        whole.numerator,
                        whole.denominator,
                    ), (kpi.key, period.label)


def test_should_group_by_every_dimension_at_once_as_each_dimension_alone(week_of_calls):
    w = week_of_calls
    calls = Source(w.admin).calls()
    together = grouped_by_period(
        calls, "resolved_at", WEEKS, tuple(BREAKDOWNS), _resolved_aggregates()
    )
    for period in WEEKS:
        in_period = [
            q.filter(resolved_at__gte=period.start, resolved_at__lt=period.end) for q in calls
        ]
        for by in (None, *BREAKDOWNS):
            assert together[period, by] == grouped(in_period, by, _resolved_aggregates()), by


def test_should_build_the_pack_trend_from_the_values_of_each_period_alone(week_of_calls):
    w = week_of_calls
    report = build_report(w.manager_north, WEEK, trend=6, breakdowns=True)
    for line in report.lines:
        if line.kpi.key == "asset_health":
            continue
        expected = [(p.label, line.kpi.compute(Source(w.manager_north), p).value) for p in WEEKS]
        assert line.trend == expected, line.kpi.key
        for by, measure in line.breakdowns.items():
            assert measure == line.kpi.compute(Source(w.manager_north), WEEK, by=by)


def _report_figures(report):
    return [
        (
            line.kpi.key,
            line.measure.value,
            line.trend,
            {by: measure.rows for by, measure in line.breakdowns.items()},
        )
        for line in report.lines
    ]


@pytest.mark.django_db(transaction=True)
def test_should_give_the_same_pack_when_its_trend_is_read_on_a_second_connection(
    week_of_calls, monkeypatch
):
    # Outside a transaction the trend's earlier periods are read on another thread and
    # connection, beside the report's own period (and the one before it, computed with it);
    # the pack must be the one read on one.
    w = week_of_calls
    threads = []
    headlines = reports.trend_headlines

    def spy(*args):
        threads.append(threading.current_thread())
        return headlines(*args)

    monkeypatch.setattr(reports, "trend_headlines", spy)
    assert parallel.can_run_beside()
    beside = build_report(w.admin, WEEK, breakdowns=True)
    monkeypatch.setattr(parallel, "ENABLED", False)
    alone = build_report(w.admin, WEEK, breakdowns=True)
    assert threads[0] is not threading.main_thread() and threads[1] is threading.main_thread()
    assert _report_figures(beside) == _report_figures(alone)
    assert beside.line("calls_logged").trend[-2:] == [(WEEKS[-2].label, 1), (WEEK.label, 6)]


def test_should_read_on_the_callers_connection_inside_a_transaction(week_of_calls):
    # A second connection would not see what the transaction wrote (here: the test's calls).
    assert not parallel.can_run_beside()
    assert parallel.beside(threading.current_thread)() is threading.current_thread()
