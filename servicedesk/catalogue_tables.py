"""django-tables2 tables of the catalogue administration pages."""

import django_tables2 as tables

from core.tables import BaseTable
from servicedesk.models import Category, Service, ServiceStandard


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
