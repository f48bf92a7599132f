"""The django-tables2 table of incidents (queues, the portal's list, exports)."""

import django_tables2 as tables
from django.utils.html import format_html

from core.tables import BadgeColumn, BaseTable, DateTimeColumn
from servicedesk.models import Incident


class IncidentTable(BaseTable):
    """Calls: reference, what, who, state, priority, team and deadline."""

    export_exclude = ("selection",)
    row_template = "servicedesk/_incident_row.html"

    selection = tables.CheckBoxColumn(accessor="pk", attrs={"input": {"name": "pk"}})
    reference = tables.Column(order_by=("id",), verbose_name="Reference")
    status = BadgeColumn(colour_attr="status_colour")
    priority = BadgeColumn(colour_attr="priority_colour")
    opened_at = DateTimeColumn(verbose_name="Opened")
    resolution_due = DateTimeColumn(verbose_name="Due")

    class Meta(BaseTable.Meta):
        model = Incident
        fields = (
            "selection",
            "reference",
            "short_description",
            "caller",
            "status",
            "priority",
            "service",
            "category",
            "team",
            "assignee",
            "opened_at",
            "resolution_due",
        )
        default_columns = fields
        order_by = ("-reference",)

    def __init__(self, *args, portal: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.portal = portal

    def render_reference(self, record):
        """The reference, linked to the portal's page for callers and the desk's for agents."""
        url = record.get_portal_url() if self.portal else record.get_absolute_url()
        return format_html('<a href="{}">{}</a>', url, record.reference)

    def value_reference(self, record):
        """The plain reference, for exports."""
        return record.reference
