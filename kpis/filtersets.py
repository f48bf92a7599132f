"""Filter sets of kpis' own records."""

from core.filtersets import BaseFilterSet
from kpis.models import KpiTarget, ManualMeasure


class KpiTargetFilterSet(BaseFilterSet):
    """Filters for the target list."""

    class Meta:
        model = KpiTarget
        fields = ["kpi", "organisation", "period_kind"]


class ManualMeasureFilterSet(BaseFilterSet):
    """Filters for the manual measure list."""

    search_fields = ("note",)

    class Meta:
        model = ManualMeasure
        fields = ["q", "organisation", "kind", "month"]
