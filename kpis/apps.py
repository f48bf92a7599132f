"""App configuration for kpis: KPI definitions, reports and exports."""

from django.apps import AppConfig


class KpisConfig(AppConfig):
    """KPI measures and reports for managers (grows issue by issue)."""

    name = "kpis"
    verbose_name = "KPIs and reports"
