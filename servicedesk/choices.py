"""Choices of the service desk; each state and priority carries its badge colour."""

from django.db import models


class IncidentStatus(models.TextChoices):
    """The states of an incident's life cycle (graph in servicedesk.workflows)."""

    NEW = "new", "New"
    ASSIGNED = "assigned", "Assigned"
    IN_PROGRESS = "in_progress", "In progress"
    PENDING = "pending", "Pending"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"

    @property
    def colour(self) -> str:
        """Bootstrap colour of this state's badge."""
        return {
            "new": "primary",
            "assigned": "info",
            "in_progress": "warning",
            "pending": "secondary",
            "resolved": "success",
            "closed": "dark",
            "cancelled": "light",
        }[self.value]


# States in which someone still has work to do on the call.
OPEN_STATUSES = (
    IncidentStatus.NEW,
    IncidentStatus.ASSIGNED,
    IncidentStatus.IN_PROGRESS,
    IncidentStatus.PENDING,
)


class PendingReason(models.TextChoices):
    """Why a call waits; every reason pauses the resolution clock."""

    AWAITING_CALLER = "awaiting_caller", "Awaiting caller"
    AWAITING_SUPPLIER = "awaiting_supplier", "Awaiting supplier"
    AWAITING_CHANGE = "awaiting_change", "Awaiting change"


class Channel(models.TextChoices):
    """How a call reached the desk."""

    PORTAL = "portal", "Portal"
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    WALK_IN = "walk_in", "Walk-in"
    MONITORING = "monitoring", "Monitoring"


class Level(models.IntegerChoices):
    """Impact and urgency: how widely and how quickly a fault hurts."""

    HIGH = 1, "High"
    MEDIUM = 2, "Medium"
    LOW = 3, "Low"


class Priority(models.IntegerChoices):
    """Priority, derived from impact × urgency through the priority matrix."""

    P1 = 1, "P1 Critical"
    P2 = 2, "P2 High"
    P3 = 3, "P3 Moderate"
    P4 = 4, "P4 Low"

    @property
    def colour(self) -> str:
        """Bootstrap colour of this priority's badge."""
        return {1: "danger", 2: "warning", 3: "info", 4: "secondary"}[self.value]


class Audience(models.TextChoices):
    """Who a service standard applies to: everyone, or VIP callers (councillors, senior officers).

    A call's audience comes from its caller's VIP flag (core.User.is_vip) when it is logged.
    """

    EVERYONE = "", "Everyone"
    VIP = "vip", "Councillors and VIPs"


class ResolutionCode(models.TextChoices):
    """How a call was resolved."""

    FIXED = "fixed", "Fixed"
    WORKAROUND = "workaround", "Workaround given"
    ADVICE = "advice", "Advice given"
    NO_FAULT = "no_fault", "No fault found"
    DUPLICATE = "duplicate", "Duplicate"
