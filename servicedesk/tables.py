"""django-tables2 tables of the service desk: incidents (queues, portal, exports), catalogue."""

import django_tables2 as tables
from django.utils.html import format_html

from core.tables import BadgeColumn, BaseTable, DateTimeColumn
from servicedesk.models import Category, Incident, Service, ServiceStandard


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


# --- the catalogue administration pages ---------------------------------------------
class ServiceTable(BaseTable):
    """Catalogue services: owner, hours, availability target."""

    name = tables.Column(linkify=True)
    availability_target = tables.Column(verbose_name="Availability target (%)")

    class Meta(BaseTable.Meta):
        model = Service
        fields = ("name", "owner_team", "calendar", "availability_target", "is_active")


class ServiceStandardTable(BaseTable):
    """Response and resolution targets per service, priority and audience."""

    standard = tables.Column(accessor="pk", verbose_name="Standard", linkify=True, orderable=False)
    response_minutes = tables.Column(verbose_name="Response (business min)")
    resolution_minutes = tables.Column(verbose_name="Resolution (business min)")

    class Meta(BaseTable.Meta):
        model = ServiceStandard
        fields = ("standard", "service", "priority", "audience", "response_minutes")
        sequence = ("standard", "service", "priority", "audience", "response_minutes", "...")

    def render_standard(self, record):
        """The standard's name (its service, priority and audience)."""
        return str(record)

    def value_standard(self, record):
        """The standard's name, for exports."""
        return str(record)


class CategoryTable(BaseTable):
    """The category tree, one node per row with its parent."""

    name = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = Category
        fields = ("name", "parent", "service", "is_active")
