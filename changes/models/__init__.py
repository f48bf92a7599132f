"""Models of change management: requests for change, the CAB and the change calendar."""

from changes.models.cab import AgendaItem, CabBoard, CabDecision, CabMeeting, CabVote
from changes.models.calendar import BlackoutPeriod, CalendarFeedToken, MaintenanceWindow
from changes.models.change import (
    Change,
    ChangeTemplate,
    EcabApproval,
    PostImplementationReview,
)

__all__ = [
    "AgendaItem",
    "BlackoutPeriod",
    "CabBoard",
    "CabDecision",
    "CabMeeting",
    "CabVote",
    "CalendarFeedToken",
    "Change",
    "ChangeTemplate",
    "EcabApproval",
    "MaintenanceWindow",
    "PostImplementationReview",
]
