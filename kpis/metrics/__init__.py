"""Every KPI of DESIGN section 6 as a plain function, and the one table that lists them.

Each KPI function takes a Source (the records a person may see, under a cut by
organisation, team, service, category, priority and channel) and a Period, and returns a
Measure. Its docstring is its definition: the definitions page, the Excel definitions sheet
and the code read the same text (`KpiDefinition.definition`), so they cannot disagree.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass

from kpis.metrics.base import Measure, ratio
from kpis.metrics.calls import (
    calls_logged,
    calls_per_agent_per_day,
    first_contact_resolution,
    first_time_fix,
    fixed_within_4_hours,
    prefetch_call_trend,
    resolution_by_category,
    self_service_share,
    team_performance,
    time_to_fix_against_standard,
    within_standard,
)
from kpis.metrics.estate import asset_health, change_success
from kpis.metrics.periods import Period, PeriodKind, current_period, last_complete_period
from kpis.metrics.service import (
    availability,
    customer_happiness_index,
    customer_satisfaction,
    demand,
    major_incidents,
    remote_access_ratio,
)
from kpis.metrics.source import DIMENSIONS, Cut, Source, call_querysets


@dataclass(frozen=True)
class KpiDefinition:
    """One KPI: its key, name, function, unit and which way is better."""

    key: str
    title: str
    function: Callable[..., Measure]
    unit: str
    higher_is_better: bool
    group: str
    # True when the function accepts `by=` (a dimension of DIMENSIONS) for breakdown rows.
    breaks_down: bool = False
    # Desk queue filters that list the calls behind the number ("resolved" or "logged" in the
    # period), or None when the number is not made of calls.
    drilldown: str | None = None
    # False for a KPI that only describes the present (the asset register): no trend.
    trended: bool = True

    @property
    def definition(self) -> str:
        """The definition, from the function's docstring."""
        return inspect.getdoc(self.function) or ""

    @property
    def has_headline_only(self) -> bool:
        """True when the function can skip its rows and give the headline value alone."""
        return "headline" in inspect.signature(self.function).parameters

    def compute(
        self, source: Source, period: Period, by: str | None = None, *, headline: bool = False
    ) -> Measure:
        """The KPI for this source and period (with breakdown rows when `by` is given).

        With `headline`, only `value` (and its numerator and denominator) is asked for, as in a
        trend: KPIs whose rows cost extra queries then skip them. The value is the same.
        """
        if by is not None and self.breaks_down:
            return self.function(source, period, by=by)
        if headline and self.has_headline_only:
            return self.function(source, period, headline=True)
        return self.function(source, period)


KPIS: list[KpiDefinition] = [
    KpiDefinition(
        "calls_logged", "Calls logged", calls_logged, "calls", True, "Calls", drilldown="logged"
    ),
    KpiDefinition(
        "self_service_share",
        "Self-service share",
        self_service_share,
        "%",
        True,
        "Calls",
        breaks_down=True,
        drilldown="logged",
    ),
    KpiDefinition(
        "calls_per_agent_per_day",
        "Calls per agent per day",
        calls_per_agent_per_day,
        "calls/day",
        True,
        "Calls",
    ),
    KpiDefinition(
        "first_contact_resolution",
        "First-contact resolution",
        first_contact_resolution,
        "%",
        True,
        "Calls",
        breaks_down=True,
        drilldown="resolved",
    ),
    KpiDefinition(
        "first_time_fix",
        "First-time fix",
        first_time_fix,
        "%",
        True,
        "Calls",
        breaks_down=True,
        drilldown="resolved",
    ),
    KpiDefinition(
        "fixed_within_4_hours",
        "Fixed within 4 hours",
        fixed_within_4_hours,
        "%",
        True,
        "Calls",
        breaks_down=True,
        drilldown="resolved",
    ),
    KpiDefinition(
        "within_standard",
        "Resolved within service standard",
        within_standard,
        "%",
        True,
        "Calls",
        breaks_down=True,
        drilldown="resolved",
    ),
    KpiDefinition(
        "time_to_fix",
        "Time to fix against standard",
        time_to_fix_against_standard,
        "hours",
        False,
        "Calls",
        drilldown="resolved",
    ),
    KpiDefinition(
        "resolution_by_category",
        "Resolution by category",
        resolution_by_category,
        "hours",
        False,
        "Calls",
        drilldown="resolved",
    ),
    KpiDefinition(
        "team_performance",
        "Team performance (backlog)",
        team_performance,
        "calls",
        False,
        "Teams",
        drilldown="backlog",
    ),
    KpiDefinition(
        "major_incidents",
        "Major incidents",
        major_incidents,
        "incidents",
        False,
        "Service",
        drilldown="major",
    ),
    KpiDefinition(
        "demand", "Demand (P1–P2 per 1,000 logins)", demand, "per 1,000", False, "Service"
    ),
    KpiDefinition("availability", "Availability", availability, "%", True, "Service"),
    KpiDefinition(
        "customer_satisfaction",
        "Customer satisfaction",
        customer_satisfaction,
        "%",
        True,
        "Customers",
    ),
    KpiDefinition(
        "customer_happiness_index",
        "Customer happiness index",
        customer_happiness_index,
        "%",
        True,
        "Customers",
    ),
    KpiDefinition(
        "remote_access_ratio", "Remote access ratio", remote_access_ratio, "ratio", True, "Service"
    ),
    KpiDefinition("change_success", "Change success", change_success, "%", True, "Change"),
    KpiDefinition(
        "asset_health",
        "Asset health (owner and location)",
        asset_health,
        "%",
        True,
        "Assets",
        trended=False,
    ),
]

KPI_BY_KEY: dict[str, KpiDefinition] = {kpi.key: kpi for kpi in KPIS}


def compute_all(source: Source, period: Period) -> dict[str, Measure]:
    """Every KPI's headline measure for one source and period (shared queries run once)."""
    return {kpi.key: kpi.compute(source, period) for kpi in KPIS}


def prefetch_trend(
    source: Source,
    periods: list[Period],
    focus: Period | None = None,
    *,
    breakdowns: bool = True,
) -> None:
    """Get ready to compute every KPI's headline for each of `periods` (a report's trend) on
    `source`, and with `breakdowns` its breakdowns for `focus` (the report's own period; the
    last one unless given): the aggregates the call KPIs share are read ahead, a few grouped
    queries per period instead of one per KPI. The values are the same as computed one by
    one."""
    prefetch_call_trend(source, periods, (focus or periods[-1]) if breakdowns else None)


def trend_headlines(user, cut: Cut, periods: list[Period]) -> dict[tuple[str, Period], object]:
    """Every KPI's headline value for each of `periods`, {(KPI key, period): value}, as a
    report's trend shows them, computed on a source of their own (so they can be computed
    beside the report's own period, see kpis.metrics.parallel)."""
    source = Source(user, cut)
    if periods:
        prefetch_trend(source, periods, breakdowns=False)
    return headline_values(source, periods)


def headline_values(source: Source, periods: list[Period]) -> dict[tuple[str, Period], object]:
    """Every trended KPI's headline value for each of `periods` on `source`,
    {(KPI key, period): value}."""
    return {
        (kpi.key, period): kpi.compute(source, period, headline=True).value
        for kpi in KPIS
        if kpi.trended
        for period in periods
    }


__all__ = [
    "DIMENSIONS",
    "KPIS",
    "KPI_BY_KEY",
    "Cut",
    "KpiDefinition",
    "Measure",
    "Period",
    "PeriodKind",
    "Source",
    "call_querysets",
    "compute_all",
    "current_period",
    "headline_values",
    "last_complete_period",
    "prefetch_trend",
    "ratio",
    "trend_headlines",
]
