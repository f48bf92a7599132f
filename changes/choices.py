"""Choices of change management; each status carries its badge colour."""

from django.db import models


class ChangeType(models.TextChoices):
    """How a change is authorised: from a template, by the CAB, or by the ECAB."""

    STANDARD = "standard", "Standard"
    NORMAL = "normal", "Normal"
    EMERGENCY = "emergency", "Emergency"


class ChangeStatus(models.TextChoices):
    """The states of a request for change (graph in changes.workflows)."""

    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    ASSESSED = "assessed", "Assessed"
    AWAITING_CAB = "awaiting_cab", "Awaiting CAB"
    APPROVED = "approved", "Approved"
    SCHEDULED = "scheduled", "Scheduled"
    IN_PROGRESS = "in_progress", "In progress"
    IMPLEMENTED = "implemented", "Implemented"
    REVIEWED = "reviewed", "Reviewed"
    CLOSED = "closed", "Closed"
    REJECTED = "rejected", "Rejected"
    DEFERRED = "deferred", "Deferred"
    FAILED = "failed", "Failed"
    BACKED_OUT = "backed_out", "Backed out"
    CANCELLED = "cancelled", "Cancelled"

    @property
    def colour(self) -> str:
        """Bootstrap colour of this state's badge."""
        return {
            "draft": "light",
            "submitted": "info",
            "assessed": "info",
            "awaiting_cab": "warning",
            "approved": "success",
            "scheduled": "primary",
            "in_progress": "primary",
            "implemented": "success",
            "reviewed": "secondary",
            "closed": "dark",
            "rejected": "danger",
            "deferred": "warning",
            "failed": "danger",
            "backed_out": "danger",
            "cancelled": "secondary",
        }[self.value]


class RiskLevel(models.TextChoices):
    """Risk from the questionnaire: likelihood × impact."""

    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    VERY_HIGH = "very_high", "Very high"

    @property
    def colour(self) -> str:
        """Bootstrap colour of this level's badge."""
        return {"low": "success", "medium": "info", "high": "warning", "very_high": "danger"}[
            self.value
        ]


class CabMeetingStatus(models.TextChoices):
    """The states of a CAB meeting (graph in changes.workflows)."""

    PLANNED = "planned", "Planned"
    AGENDA_PUBLISHED = "agenda_published", "Agenda published"
    IN_SESSION = "in_session", "In session"
    MINUTES_PUBLISHED = "minutes_published", "Minutes published"

    @property
    def colour(self) -> str:
        """Bootstrap colour of this state's badge."""
        return {
            "planned": "light",
            "agenda_published": "info",
            "in_session": "warning",
            "minutes_published": "success",
        }[self.value]


class AgendaKind(models.TextChoices):
    """Why a change is on a CAB agenda."""

    DECISION = "decision", "For decision"
    EMERGENCY_REVIEW = "emergency_review", "Emergency change review"
    PIR = "pir", "Post-implementation review"


class AgendaItemStatus(models.TextChoices):
    """Whether members may vote on an agenda item."""

    PENDING = "pending", "Pending"
    OPEN = "open", "Open for votes"
    CLOSED = "closed", "Closed"


class VoteChoice(models.TextChoices):
    """A CAB member's vote on an item."""

    APPROVE = "approve", "Approve"
    REJECT = "reject", "Reject"
    ABSTAIN = "abstain", "Abstain"


class DecisionOutcome(models.TextChoices):
    """The chair's decision on an agenda item."""

    APPROVE = "approve", "Approve"
    APPROVE_WITH_CONDITIONS = "approve_with_conditions", "Approve with conditions"
    REJECT = "reject", "Reject"
    DEFER = "defer", "Defer"
    NOTED = "noted", "Noted (review)"


class ReviewOutcome(models.TextChoices):
    """How an implemented change went, as judged at its review."""

    SUCCESSFUL = "successful", "Successful"
    PARTIAL = "partial", "Partially successful"
    FAILED = "failed", "Failed"
    BACKED_OUT = "backed_out", "Backed out"
