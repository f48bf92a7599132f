"""Tables of kpis' own records: targets and manual measures."""

import django_tables2 as tables

from core.tables import BaseTable
from kpis.models import KpiTarget, ManualMeasure


class KpiTargetTable(BaseTable):
    """KPI targets with their RAG thresholds."""

    kpi = tables.Column(linkify=lambda record: record.get_edit_url())

    class Meta(BaseTable.Meta):
        model = KpiTarget
        fields = (
            "kpi",
            "organisation",
            "period_kind",
            "target",
            "amber_threshold",
            "higher_is_better",
        )


class ManualMeasureTable(BaseTable):
    """Monthly figures entered by hand or imported."""

    kind = tables.Column(linkify=lambda record: record.get_edit_url())
    month = tables.DateColumn(format="M Y")

    class Meta(BaseTable.Meta):
        model = ManualMeasure
        fields = ("month", "organisation", "kind", "value", "note", "updated_at")
