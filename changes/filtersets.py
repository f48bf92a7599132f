"""Filters of change management: one filter set per listed model."""

import django_filters
from django import forms

from assets.models import Asset
from changes.choices import CabMeetingStatus, ChangeStatus, ChangeType, RiskLevel
from changes.models import (
    BlackoutPeriod,
    CabBoard,
    CabMeeting,
    Change,
    ChangeTemplate,
    MaintenanceWindow,
)
from core.filtersets import BaseFilterSet
from core.models import Organisation, Team
from servicedesk.models import Service


class ChangeFilterSet(BaseFilterSet):
    """Filters for the change list."""

    search_fields = ("reference", "title", "description", "category")
    status = django_filters.MultipleChoiceFilter(choices=ChangeStatus.choices)
    change_type = django_filters.ChoiceFilter(choices=ChangeType.choices, label="Type")
    risk_level = django_filters.ChoiceFilter(choices=RiskLevel.choices, label="Risk")
    organisation = django_filters.ModelChoiceFilter(queryset=Organisation.objects.all())
    implementer_team = django_filters.ModelChoiceFilter(queryset=Team.objects.all())
    affected_services = django_filters.ModelChoiceFilter(
        queryset=Service.objects.all(), label="Affects service", distinct=True
    )
    # By id, from an asset page's "all changes" link: a select of the whole register would
    # be too long to render.
    affected_assets = django_filters.ModelChoiceFilter(
        queryset=Asset.objects.all(),
        label="Affects asset",
        distinct=True,
        widget=forms.HiddenInput,
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
            "affected_services",
            "affected_assets",
            "planned_after",
            "planned_before",
        ]


class CabMeetingFilterSet(BaseFilterSet):
    """Filters for the CAB meeting list."""

    status = django_filters.ChoiceFilter(choices=CabMeetingStatus.choices)

    class Meta:
        model = CabMeeting
        fields = ["status", "board"]


class MaintenanceWindowFilterSet(BaseFilterSet):
    """Filters for the maintenance window list."""

    search_fields = ("name",)

    class Meta:
        model = MaintenanceWindow
        fields = ["q", "organisation", "weekday", "service", "site", "is_active"]


class BlackoutPeriodFilterSet(BaseFilterSet):
    """Filters for the blackout period list."""

    search_fields = ("name", "reason")

    class Meta:
        model = BlackoutPeriod
        fields = ["q", "organisation"]


class ChangeTemplateFilterSet(BaseFilterSet):
    """Filters for the change template list."""

    search_fields = ("name", "description", "category")

    class Meta:
        model = ChangeTemplate
        fields = ["q", "risk_level", "is_active"]


class CabBoardFilterSet(BaseFilterSet):
    """Filters for the CAB list."""

    search_fields = ("name",)

    class Meta:
        model = CabBoard
        fields = ["q", "is_active"]
