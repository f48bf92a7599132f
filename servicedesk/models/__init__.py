"""Models of the service desk: the catalogue and incidents."""

from servicedesk.models.catalogue import Category, PriorityRule, Service, ServiceStandard
from servicedesk.models.incidents import (
    Attachment,
    Comment,
    Incident,
    MajorIncidentUpdate,
    SurveyResponse,
)

__all__ = [
    "Attachment",
    "Category",
    "Comment",
    "Incident",
    "MajorIncidentUpdate",
    "PriorityRule",
    "Service",
    "ServiceStandard",
    "SurveyResponse",
]
