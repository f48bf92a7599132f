"""Reports built from the KPIs: headline rows with target, RAG and trend, for the dashboard,
the printable weekly report and monthly pack, the Excel workbooks and the emails."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from kpis.metrics import (
    KPIS,
    Cut,
    KpiDefinition,
    Measure,
    Period,
    PeriodKind,
    Source,
    headline_values,
    prefetch_trend,
    trend_headlines,
)
from kpis.metrics.parallel import beside
from kpis.models import KpiTarget, Rag

TREND_PERIODS = {PeriodKind.DAY: 7, PeriodKind.WEEK: 8, PeriodKind.MONTH: 6, PeriodKind.QUARTER: 4}
# Trend periods computed with the report's own period rather than beside it (see build_report).
OWN_TREND_PERIODS = 1
# Breakdowns shown for KPIs that accept one (each is one grouped query per period).
BREAKDOWNS = ("organisation", "team", "service", "category", "priority", "channel")


def target_for(kpi_key: str, organisation_id: int | None, period_kind: str) -> KpiTarget | None:
    """The target of a KPI: the organisation's own for this kind of period, else the default."""
    candidates = KpiTarget.objects.filter(kpi=kpi_key, period_kind=period_kind).filter(
        Q(organisation__isnull=True) | Q(organisation=organisation_id)
    )
    by_org = {target.organisation_id: target for target in candidates}
    return by_org.get(organisation_id) or by_org.get(None)


def _targets(organisation_id: int | None, period_kind: str) -> dict[str, KpiTarget]:
    """target_for every KPI at once (one query): {kpi key: target}."""
    candidates = KpiTarget.objects.filter(period_kind=period_kind).filter(
        Q(organisation__isnull=True) | Q(organisation=organisation_id)
    )
    found: dict[str, dict] = {}
    for target in candidates:
        found.setdefault(target.kpi, {})[target.organisation_id] = target
    return {
        key: by_org.get(organisation_id) or by_org.get(None)
        for key, by_org in found.items()
        if by_org.get(organisation_id) or by_org.get(None)
    }


@dataclass
class ReportLine:
    """One KPI in a report: its definition, this period's measure, target, RAG and trend."""

    kpi: KpiDefinition
    measure: Measure
    target: KpiTarget | None
    trend: list[tuple[str, float | None]] = field(default_factory=list)
    breakdowns: dict[str, Measure] = field(default_factory=dict)

    @property
    def rag(self) -> Rag:
        """Red, amber or green against the target (none without a target or data)."""
        return self.target.rag(self.measure.value) if self.target else Rag.NONE


@dataclass
class Report:
    """All KPIs for one period and cut, as one person may see them."""

    title: str
    period: Period
    cut: Cut
    lines: list[ReportLine]

    def line(self, key: str) -> ReportLine:
        """The line of one KPI."""
        return next(line for line in self.lines if line.kpi.key == key)


def build_report(
    user,
    period: Period,
    cut: Cut | None = None,
    *,
    title: str = "KPI report",
    trend: int | None = None,
    breakdowns: bool = False,
) -> Report:
    """Every KPI for `period` under `cut`, with targets, RAG, the trend over previous periods
    (headline values, oldest first) and, if asked, the breakdown rows by each dimension."""
    cut = cut or Cut()
    count = trend if trend is not None else TREND_PERIODS.get(period.kind, 6)
    periods = period.trend(count) if count else [period]
    # The trend's earlier periods (headlines only) are computed beside the report's own period
    # and its breakdowns: on a second database connection where that is safe, so the pack
    # takes little longer than its own month where two processors are free. The period just
    # before the report's stays with it: that evens out the two threads' work (measured on a
    # million calls), and its backlog follows from the report's own with no query.
    own = periods[-1 - OWN_TREND_PERIODS :]
    others = [p for p in periods if p not in own]
    read_trend = beside(lambda: trend_headlines(user, cut, others)) if others else dict
    # One source for the report's own periods: the KPIs share its memo of aggregates.
    source = Source(user, cut)
    # Its breakdowns are read ahead even without `breakdowns`: the KPIs' own rows (by channel,
    # priority, category, team) are breakdowns too.
    prefetch_trend(source, own, period)
    targets = _targets(cut.organisation, period.kind)
    measures = {kpi.key: kpi.compute(source, period) for kpi in KPIS}
    trend_values = headline_values(source, [p for p in own if p != period])
    trend_values.update(read_trend())
    lines = []
    for kpi in KPIS:
        measure = measures[kpi.key]
        history = (
            [(p.label, measure.value if p == period else trend_values[kpi.key, p]) for p in periods]
            if kpi.trended
            else [(period.label, measure.value)]
        )
        line = ReportLine(
            kpi=kpi,
            measure=measure,
            target=targets.get(kpi.key),
            trend=history,
        )
        if breakdowns and kpi.breaks_down:
            for dimension in BREAKDOWNS:
                line.breakdowns[dimension] = kpi.compute(source, period, by=dimension)
        lines.append(line)
    return Report(title=title, period=period, cut=cut, lines=lines)


def format_value(value, unit: str) -> str:
    """A value as shown on pages and in emails; "no data" when there is none."""
    if value is None:
        return "no data"
    if unit in ("calls", "incidents") and float(value).is_integer():
        return f"{int(value):,}"
    if unit == "%":
        return f"{value:.1f}%"
    return f"{value:,.2f}"
