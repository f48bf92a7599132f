"""django-filter filter sets of the catalogue administration pages."""

import django_filters

from core.filtersets import BaseFilterSet
from servicedesk.choices import Audience, Priority
from servicedesk.models import Category, Service, ServiceStandard


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
