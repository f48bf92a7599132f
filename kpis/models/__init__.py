"""Models of kpis: targets, manual measures, satisfaction surveys and report subscriptions."""

from kpis.models.measures import KpiTarget, ManualMeasure, ManualMeasureKind, Rag
from kpis.models.surveys import (
    ReportSubscription,
    StaffSurveyAnswer,
    SurveyInvitation,
    SurveyKind,
)

__all__ = [
    "KpiTarget",
    "ManualMeasure",
    "ManualMeasureKind",
    "Rag",
    "ReportSubscription",
    "StaffSurveyAnswer",
    "SurveyInvitation",
    "SurveyKind",
]
