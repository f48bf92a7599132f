"""Tables of change management: one per listed model."""

import django_tables2 as tables

from changes.models import (
    BlackoutPeriod,
    CabBoard,
    CabMeeting,
    Change,
    ChangeTemplate,
    MaintenanceWindow,
)
from core.tables import BadgeColumn, BaseTable, DateTimeColumn


class ChangeTable(BaseTable):
    """Requests for change."""

    reference = tables.Column(linkify=True)
    status = BadgeColumn(colour_attr="status_colour")
    risk_level = BadgeColumn(colour_attr="risk_colour", verbose_name="Risk")
    planned_start = DateTimeColumn()
    planned_end = DateTimeColumn()

    class Meta(BaseTable.Meta):
        model = Change
        fields = (
            "reference",
            "title",
            "change_type",
            "status",
            "risk_level",
            "organisation",
            "requester",
            "implementer_team",
            "planned_start",
            "planned_end",
        )


class CabMeetingTable(BaseTable):
    """CAB meetings."""

    starts_at = DateTimeColumn(format="D d M Y H:i", linkify=True, verbose_name="Meeting")
    status = BadgeColumn(colour_attr="status_colour")
    items = tables.Column(verbose_name="Agenda items", orderable=False, empty_values=())

    class Meta(BaseTable.Meta):
        model = CabMeeting
        fields = ("starts_at", "board", "chair", "status", "quorum")

    def render_items(self, record):
        """How many items are on the agenda."""
        return record.agenda_items.count()

    def value_items(self, record):
        """How many items, for exports."""
        return record.agenda_items.count()


class MaintenanceWindowTable(BaseTable):
    """Published weekly maintenance windows."""

    name = tables.Column(linkify=True)
    starts = tables.TimeColumn(format="H:i")
    ends = tables.TimeColumn(format="H:i")

    class Meta(BaseTable.Meta):
        model = MaintenanceWindow
        fields = (
            "name",
            "organisation",
            "weekday",
            "starts",
            "ends",
            "service",
            "site",
            "is_active",
        )


class BlackoutPeriodTable(BaseTable):
    """Blackout periods."""

    name = tables.Column(linkify=True)
    starts_at = tables.DateTimeColumn(format="D d M Y H:i")
    ends_at = tables.DateTimeColumn(format="D d M Y H:i")

    class Meta(BaseTable.Meta):
        model = BlackoutPeriod
        fields = ("name", "organisation", "starts_at", "ends_at", "reason")


class ChangeTemplateTable(BaseTable):
    """Pre-approved standard change templates."""

    name = tables.Column(linkify=True)
    risk_level = tables.Column(verbose_name="Risk")

    class Meta(BaseTable.Meta):
        model = ChangeTemplate
        fields = ("name", "category", "risk_level", "is_active")


class CabBoardTable(BaseTable):
    """The CABs, their weekly slot, chair, quorums and organisations."""

    name = tables.Column(linkify=True)
    start_time = tables.TimeColumn(format="H:i", verbose_name="Time")
    organisations = tables.ManyToManyColumn(verbose_name="Serves")

    class Meta(BaseTable.Meta):
        model = CabBoard
        fields = (
            "name",
            "weekday",
            "start_time",
            "chair",
            "quorum",
            "ecab_quorum",
            "organisations",
            "is_active",
        )
