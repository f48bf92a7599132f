"""The django-filter filter sets of the service desk: incident queues and the catalogue pages."""

import django_filters
from django.db.models import Q
from django.utils import timezone

from core.filtersets import BaseFilterSet
from core.models import Team
from servicedesk.choices import Audience, Channel, IncidentStatus, Priority
from servicedesk.models import Category, Incident, Service, ServiceStandard
from servicedesk.models.incidents import parse_reference

BREACHING_CHOICES = (("soon", "Breaching soon"), ("breached", "Breached"))


class IncidentFilterSet(BaseFilterSet):
    """Filters of the incident queues; `q` also finds a call by its reference."""

    search_fields = ("short_description",)
    status = django_filters.MultipleChoiceFilter(choices=IncidentStatus.choices)
    priority = django_filters.ChoiceFilter(choices=Priority.choices)
    service = django_filters.ModelChoiceFilter(queryset=Service.objects.all())
    category = django_filters.ModelChoiceFilter(
        queryset=Category.objects.select_related("parent").filter(is_active=True)
    )
    team = django_filters.ModelChoiceFilter(queryset=Team.objects.all())
    channel = django_filters.ChoiceFilter(choices=Channel.choices)
    breaching = django_filters.ChoiceFilter(
        choices=BREACHING_CHOICES, method="filter_breaching", label="SLA"
    )

    class Meta:
        model = Incident
        fields = ["q", "status", "priority", "service", "category", "team", "channel", "breaching"]

    def search(self, queryset, name, value):
        """A reference (INC0001234) finds that call; other text searches the description."""
        pk = parse_reference(value)
        if pk is not None:
            return queryset.filter(pk=pk)
        return super().search(queryset, name, value)

    def filter_breaching(self, queryset, name, value):
        """Breaching soon (past 75% of the target) or breached (past the deadline)."""
        now = timezone.now()
        if value == "soon":
            return queryset.filter(Q(sla_warn_at__lte=now) & Q(resolution_due__gt=now))
        if value == "breached":
            return queryset.filter(resolution_due__lte=now)
        return queryset


# --- the catalogue administration pages ---------------------------------------------
class ServiceFilterSet(BaseFilterSet):
    """Filters for the service list."""

    search_fields = ("name", "description", "owner_team__name")

    class Meta:
        model = Service
        fields = ["q", "owner_team", "is_active"]


class ServiceStandardFilterSet(BaseFilterSet):
    """Filters for the service standard list."""

    search_fields = ("service__name",)
    priority = django_filters.ChoiceFilter(choices=Priority.choices)
    audience = django_filters.ChoiceFilter(choices=Audience.choices, empty_label="Any audience")

    class Meta:
        model = ServiceStandard
        fields = ["q", "service", "priority", "audience"]


class CategoryFilterSet(BaseFilterSet):
    """Filters for the category list."""

    search_fields = ("name", "parent__name")

    class Meta:
        model = Category
        fields = ["q", "parent", "service", "is_active"]
