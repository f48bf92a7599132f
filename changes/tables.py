"""Tables of change management: one per listed model."""

import django_tables2 as tables

from changes.models import CabMeeting, Change
from core.tables import BadgeColumn, BaseTable


class ChangeTable(BaseTable):
    """Requests for change."""

    reference = tables.Column(linkify=True)
    status = BadgeColumn(colour_attr="status_colour")
    risk_level = BadgeColumn(colour_attr="risk_colour", verbose_name="Risk")
    planned_start = tables.DateTimeColumn(format="d M Y H:i")
    planned_end = tables.DateTimeColumn(format="d M Y H:i")

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

    starts_at = tables.DateTimeColumn(format="D d M Y H:i", linkify=True, verbose_name="Meeting")
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
