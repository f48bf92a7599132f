"""Filters of change management: one filter set per listed model."""

import django_filters

from changes.choices import CabMeetingStatus, ChangeStatus, ChangeType, RiskLevel
from changes.models import AffectedItem, CabMeeting, Change
from core.filtersets import BaseFilterSet
from core.models import Organisation, Team


class ChangeFilterSet(BaseFilterSet):
    """Filters for the change list."""

    search_fields = ("reference", "title", "description", "category")
    status = django_filters.MultipleChoiceFilter(choices=ChangeStatus.choices)
    change_type = django_filters.ChoiceFilter(choices=ChangeType.choices, label="Type")
    risk_level = django_filters.ChoiceFilter(choices=RiskLevel.choices, label="Risk")
    organisation = django_filters.ModelChoiceFilter(queryset=Organisation.objects.all())
    implementer_team = django_filters.ModelChoiceFilter(queryset=Team.objects.all())
    affected_items = django_filters.ModelChoiceFilter(
        queryset=AffectedItem.objects.all(), label="Affects", distinct=True
    )
    planned_after = django_filters.DateFilter(
        field_name="planned_start", lookup_expr="date__gte", label="Planned from"
    )
    planned_before = django_filters.DateFilter(
        field_name="planned_start", lookup_expr="date__lte", label="Planned to"
    )

    class Meta:
        model = Change
        fields = [
            "q",
            "status",
            "change_type",
            "risk_level",
            "organisation",
            "implementer_team",
            "affected_items",
            "planned_after",
            "planned_before",
        ]


class CabMeetingFilterSet(BaseFilterSet):
    """Filters for the CAB meeting list."""

    status = django_filters.ChoiceFilter(choices=CabMeetingStatus.choices)

    class Meta:
        model = CabMeeting
        fields = ["status", "board"]
