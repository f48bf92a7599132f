"""django-tables2 tables of service requests: requests, fulfilment tasks, the request catalogue."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html

from core.tables import BadgeColumn, BaseTable, DateTimeColumn
from servicerequests.models import FulfilmentTask, LineManager, RequestItem, ServiceRequest


class ServiceRequestTable(BaseTable):
    """Service requests: reference, item, who asked, state, cost, owning team and deadline."""

    reference = tables.Column(order_by=("id",), verbose_name="Reference")
    status = BadgeColumn(colour_attr="status_colour")
    total_cost = tables.Column(verbose_name="Total (£)")
    opened_at = DateTimeColumn(verbose_name="Submitted")
    resolution_due = DateTimeColumn(verbose_name="Due")

    class Meta(BaseTable.Meta):
        model = ServiceRequest
        fields = (
            "reference",
            "item",
            "requester",
            "organisation",
            "status",
            "quantity",
            "total_cost",
            "team",
            "opened_at",
            "resolution_due",
        )
        order_by = ("-reference",)

    def __init__(self, *args, portal: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.portal = portal

    def render_reference(self, value, record):
        """The reference, linked to the portal's page for requesters and the desk's for agents."""
        url = record.get_portal_url() if self.portal else record.get_absolute_url()
        return format_html('<a href="{}">{}</a>', url, value)

    def value_reference(self, value, record):
        """Plain reference for exports."""
        return value


class FulfilmentTaskTable(BaseTable):
    """Fulfilment tasks: which request, what to do, which team, state and who works it."""

    request = tables.Column(order_by=("request_id",), verbose_name="Request")
    title = tables.Column(verbose_name="Task")
    status = BadgeColumn(colour_attr="status_colour")
    opened_at = DateTimeColumn(verbose_name="Opened")
    due = DateTimeColumn(accessor="request__resolution_due", verbose_name="Request due")

    class Meta(BaseTable.Meta):
        model = FulfilmentTask
        fields = ("request", "title", "stage", "team", "status", "assignee", "opened_at", "due")
        order_by = ("request",)

    def render_request(self, value, record):
        """The request's reference, linked to the desk's request page."""
        return format_html(
            '<a href="{}">{}</a>', record.request.get_absolute_url(), record.request.reference
        )

    def value_request(self, value, record):
        """The request's reference, for exports."""
        return record.request.reference

    def render_title(self, value, record):
        """The task, linked to its page."""
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), value)

    def value_title(self, value, record):
        """The task's title, for exports."""
        return value


class RequestItemTable(BaseTable):
    """The request catalogue: items, their services, cost and approval rules."""

    name = tables.Column(linkify=("servicerequests:request_item_edit", {"pk": tables.A("pk")}))
    cost = tables.Column(verbose_name="Unit cost (£)")

    class Meta(BaseTable.Meta):
        model = RequestItem
        fields = (
            "name",
            "service",
            "cost",
            "max_quantity",
            "approval_rule",
            "is_ict_purchase",
            "standard",
            "is_published",
        )


class LineManagerTable(BaseTable):
    """Who manages whom, for line-manager approvals."""

    person = tables.Column(
        linkify=("servicerequests:line_manager_edit", {"pk": tables.A("pk")}),
        order_by=("person__last_name", "person__first_name"),
    )
    organisation = tables.Column(accessor="person__organisation", verbose_name="Organisation")
    manager = tables.Column(order_by=("manager__last_name", "manager__first_name"))

    class Meta(BaseTable.Meta):
        model = LineManager
        fields = ("person", "organisation", "manager", "updated_at")
