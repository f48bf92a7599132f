"""The dashboard, the definitions page, one KPI's page, the drill-down to the calls behind a
number, and the printable (and Excel) weekly report and monthly pack."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView
from django_tables2 import RequestConfig

from core.exports import workbook_response
from core.views.generic import ObjectListView
from kpis.excel import report_workbook
from kpis.forms import ReportParametersForm
from kpis.metrics import KPI_BY_KEY, KPIS, PeriodKind, Source
from kpis.metrics.periods import Period
from kpis.metrics.source import ENDED_UNRESOLVED
from kpis.reports import BREAKDOWNS, build_report, format_value
from servicedesk.filtersets import IncidentFilterSet
from servicedesk.models import Incident
from servicedesk.tables import IncidentTable
from servicerequests.tables import ServiceRequestTable


class KpiPageMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """Managers' pages: login and core.use_kpis; signed-in people without it get a 403."""

    permission_required = "core.use_kpis"

    def handle_no_permission(self):
        """Signed-in people without the right get a 403 rather than a login loop."""
        if self.request.user.is_authenticated:
            self.raise_exception = True
        return super().handle_no_permission()

    fixed_kind: str | None = None

    def parameters(self) -> ReportParametersForm:
        """The report parameters from the query string (defaults when absent or invalid)."""
        if not hasattr(self, "_parameters"):
            data = self.request.GET if self.request.GET else None
            self._parameters = ReportParametersForm(
                data, user=self.request.user, fixed_kind=self.fixed_kind
            )
            self._parameters.is_valid()
        return self._parameters


def _query(request, **changes) -> str:
    query = request.GET.copy()
    query.pop("export", None)
    query.pop("page", None)
    for key, value in changes.items():
        query[key] = value
    return query.urlencode()


class DashboardView(KpiPageMixin, TemplateView):
    """Headline KPIs for the chosen period and cut: value, target, RAG, trend, drill-down."""

    template_name = "kpis/dashboard.html"

    def get_context_data(self, **kwargs):
        """Build the report and one card per KPI."""
        context = super().get_context_data(**kwargs)
        form = self.parameters()
        period = form.period_value()
        report = build_report(self.request.user, period, form.cut(), title="KPI dashboard")
        cards = []
        for line in report.lines:
            query = _query(self.request, kpi=line.kpi.key)
            cards.append(
                {
                    "line": line,
                    "value": format_value(line.measure.value, line.kpi.unit),
                    "target": format_value(float(line.target.target), line.kpi.unit)
                    if line.target
                    else None,
                    "trend_labels": [label for label, _ in line.trend],
                    "trend_values": [value for _, value in line.trend],
                    "detail_url": reverse("kpis:kpi_detail", args=[line.kpi.key]) + "?" + query,
                    "drill_url": reverse("kpis:drilldown") + "?" + query
                    if line.kpi.drilldown
                    else None,
                }
            )
        context.update(
            title="KPI dashboard",
            form=form,
            period=period,
            report=report,
            cards=cards,
            chart_data=[
                {
                    "id": f"trend-{card['line'].kpi.key}",
                    "labels": card["trend_labels"],
                    "values": card["trend_values"],
                }
                for card in cards
            ],
            query=_query(self.request),
        )
        return context


class DefinitionsView(KpiPageMixin, TemplateView):
    """Every KPI's definition, read from the same docstrings the code carries."""

    template_name = "kpis/definitions.html"

    def get_context_data(self, **kwargs):
        """The KPI table."""
        context = super().get_context_data(**kwargs)
        context.update(title="KPI definitions", kpis=KPIS)
        return context


class KpiDetailView(KpiPageMixin, TemplateView):
    """One KPI for the chosen period and cut: its table, its breakdowns and its trend."""

    template_name = "kpis/kpi_detail.html"

    def get_context_data(self, **kwargs):
        """The KPI's report line with breakdowns."""
        context = super().get_context_data(**kwargs)
        kpi = KPI_BY_KEY.get(self.kwargs["key"])
        if kpi is None:
            raise Http404("No such KPI.")
        form = self.parameters()
        period = form.period_value()
        source = Source(self.request.user, form.cut())
        measure = kpi.compute(source, period)
        breakdowns = {}
        if kpi.breaks_down:
            breakdowns = {name: kpi.compute(source, period, by=name) for name in BREAKDOWNS}
        trend = [(p.label, kpi.compute(source, p, headline=True).value) for p in period.trend(6)]
        context.update(
            title=kpi.title,
            kpi=kpi,
            form=form,
            period=period,
            measure=measure,
            value=format_value(measure.value, kpi.unit),
            breakdowns=breakdowns,
            chart_data=[
                {"id": "trend", "labels": [t[0] for t in trend], "values": [t[1] for t in trend]}
            ],
            drill_url=(reverse("kpis:drilldown") + "?" + _query(self.request, kpi=kpi.key))
            if kpi.drilldown
            else None,
        )
        return context


def drilldown_filter(kind: str, period: Period) -> Q:
    """Which calls stand behind a number: logged in, resolved in, backlog at the end of, or
    major incidents of the period (the same membership rules as the KPI functions)."""
    if kind == "logged":
        return Q(opened_at__gte=period.start, opened_at__lt=period.end)
    if kind == "resolved":
        return Q(resolved_at__gte=period.start, resolved_at__lt=period.end)
    if kind == "backlog":
        return (
            Q(opened_at__lt=period.end)
            & ~Q(status__in=ENDED_UNRESOLVED)
            & (Q(resolved_at__isnull=True) | Q(resolved_at__gte=period.end))
        )
    if kind == "major":
        return Q(is_major=True) & (
            (
                Q(outage_start__lt=period.end)
                & (Q(outage_end__isnull=True) | Q(outage_end__gt=period.start))
            )
            | Q(outage_start__isnull=True, opened_at__gte=period.start, opened_at__lt=period.end)
        )
    raise Http404("This KPI is not made of calls.")


class DrilldownView(KpiPageMixin, ObjectListView):
    """The calls behind a KPI's number, for the same period and cut, as the desk's call table."""

    model = Incident
    table_class = IncidentTable
    filterset_class = IncidentFilterSet
    permission_required = "core.use_kpis"
    template_name = "kpis/drilldown.html"
    # KPIs that count incidents alone; the others count service requests too.
    INCIDENT_ONLY = ("first_time_fix", "major_incidents")

    def get(self, request, *args, **kwargs):
        """Without a KPI made of calls there is nothing to list: back to the dashboard."""
        kpi = KPI_BY_KEY.get(request.GET.get("kpi", ""))
        if kpi is None or not kpi.drilldown:
            messages.info(request, "Choose a number on the dashboard to see the calls behind it.")
            return redirect("kpis:home")
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        """Visible calls under the cut, limited to those the KPI counts."""
        kpi = KPI_BY_KEY.get(self.request.GET.get("kpi", ""))
        if kpi is None or not kpi.drilldown:
            raise Http404("Choose a KPI made of calls.")
        self.kpi = kpi
        form = self.parameters()
        self.period = form.period_value()
        self.source = source = Source(self.request.user, form.cut())
        return (
            source.incidents()
            .filter(drilldown_filter(kpi.drilldown, self.period))
            .select_related("caller", "service", "category", "team", "assignee")
        )

    def get_context_data(self, **kwargs):
        """The incidents' table (with filters and export) and, where the KPI counts them, the
        service requests behind the number as a second table."""
        context = super().get_context_data(**kwargs)
        if self.kpi.key not in self.INCIDENT_ONLY:
            requests = (
                self.source.requests()
                .filter(drilldown_filter(self.kpi.drilldown, self.period))
                .select_related("item", "requester", "organisation", "team")
            )
            table = ServiceRequestTable(requests, prefix="req-")
            RequestConfig(self.request, paginate={"per_page": 25}).configure(table)
            context["request_table"] = table
        return context

    def get_title(self) -> str:
        """ "Calls behind <KPI>, <period>"."""
        return f"Calls behind {self.kpi.title}, {self.period.label}"


class ReportPageView(KpiPageMixin, TemplateView):
    """A printable report of every KPI for a whole period; `?export=xlsx` downloads it."""

    template_name = "kpis/report.html"
    fixed_kind = PeriodKind.MONTH
    report_title = "Monthly KPI pack"

    def report(self):
        """The report of the chosen period (the last complete one by default)."""
        form = self.parameters()
        period = form.period_value()
        if not (form.is_bound and form.cleaned_data.get("day")):
            period = Period.containing(self.fixed_kind, timezone.localdate()).previous()
        return form, build_report(
            self.request.user,
            period,
            form.cut(),
            title=f"{self.report_title} {period.label}",
            breakdowns=True,
        )

    def get(self, request, *args, **kwargs):
        """The page, or the same report as an Excel workbook."""
        if request.GET.get("export") == "xlsx":
            _, report = self.report()
            return workbook_response(report_workbook(report), report.title)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        """The report and its lines, formatted."""
        context = super().get_context_data(**kwargs)
        form, report = self.report()
        context.update(
            title=report.title,
            form=form,
            report=report,
            lines=[
                (line, format_value(line.measure.value, line.kpi.unit)) for line in report.lines
            ],
            export_query=_query(self.request, export="xlsx"),
        )
        return context


class WeeklyReportView(ReportPageView):
    """The weekly report: every KPI for an ISO week, printable and as Excel."""

    fixed_kind = PeriodKind.WEEK
    report_title = "Weekly KPI report"


class MonthlyPackView(ReportPageView):
    """The monthly pack for leadership: every KPI for a month, printable and as Excel."""

    fixed_kind = PeriodKind.MONTH
    report_title = "Monthly KPI pack"
