"""Pages of the service desk: the staff portal, the agents' desk and attachment downloads."""

from servicedesk.views.desk import (
    BulkIncidentView,
    DeskHomeView,
    IncidentDetailView,
    IncidentQueueView,
    PhoneLogView,
)
from servicedesk.views.portal import (
    MyCallsView,
    PortalHomeView,
    PortalIncidentView,
    PortalLogView,
)
from servicedesk.views.shared import (
    AttachmentDownloadView,
    CommentView,
    IncidentTransitionView,
    RateIncidentView,
    ReprioritiseView,
)

__all__ = [
    "AttachmentDownloadView",
    "BulkIncidentView",
    "CommentView",
    "DeskHomeView",
    "IncidentDetailView",
    "IncidentQueueView",
    "IncidentTransitionView",
    "MyCallsView",
    "PhoneLogView",
    "PortalHomeView",
    "PortalIncidentView",
    "PortalLogView",
    "RateIncidentView",
    "ReprioritiseView",
]
