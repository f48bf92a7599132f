"""django-filter filter sets of service requests, fulfilment tasks and the request catalogue."""

from __future__ import annotations

import django_filters

from core.filtersets import BaseFilterSet
from core.models import Organisation, Team
from servicedesk.models import Service
from servicerequests.choices import RequestStatus, TaskStatus
from servicerequests.models import FulfilmentTask, LineManager, RequestItem, ServiceRequest


class ServiceRequestFilterSet(BaseFilterSet):
    """Filters of the request lists: state, item, organisation, team and free text."""

    search_fields = (
        "item__name",
        "requester__first_name",
        "requester__last_name",
        "requester__username",
    )
    status = django_filters.ChoiceFilter(choices=RequestStatus.choices, label="State")
    item = django_filters.ModelChoiceFilter(queryset=RequestItem.objects.all())
    organisation = django_filters.ModelChoiceFilter(queryset=Organisation.objects.all())
    team = django_filters.ModelChoiceFilter(queryset=Team.objects.filter(is_active=True))

    class Meta:
        model = ServiceRequest
        fields = ["q", "status", "item", "organisation", "team"]

    def search(self, queryset, name, value):
        """A reference (REQ0001234) finds its request; other words search item and requester."""
        from servicerequests.models.requests import parse_reference

        pk = parse_reference(value) if value.strip().upper().startswith("REQ") else None
        if pk is not None:
            return queryset.filter(pk=pk)
        return super().search(queryset, name, value)


class FulfilmentTaskFilterSet(BaseFilterSet):
    """Filters of the task list: state, team and free text."""

    search_fields = ("title", "request__item__name")
    status = django_filters.ChoiceFilter(choices=TaskStatus.choices, label="State")
    team = django_filters.ModelChoiceFilter(queryset=Team.objects.filter(is_active=True))

    class Meta:
        model = FulfilmentTask
        fields = ["q", "status", "team"]


class RequestItemFilterSet(BaseFilterSet):
    """Filters of the request catalogue's administration list."""

    search_fields = ("name", "description")
    service = django_filters.ModelChoiceFilter(queryset=Service.objects.all())

    class Meta:
        model = RequestItem
        fields = ["q", "service", "is_published", "is_ict_purchase"]


class LineManagerFilterSet(BaseFilterSet):
    """Filters of the line-manager list."""

    search_fields = (
        "person__first_name",
        "person__last_name",
        "person__username",
        "manager__first_name",
        "manager__last_name",
        "manager__username",
    )
    organisation = django_filters.ModelChoiceFilter(
        field_name="person__organisation", queryset=Organisation.objects.all()
    )

    class Meta:
        model = LineManager
        fields = ["q", "organisation"]
