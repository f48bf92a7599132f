"""Choices of service requests; each state carries its badge colour."""

from django.db import models


class RequestStatus(models.TextChoices):
    """The states of a service request's life cycle (graph in servicerequests.workflows)."""

    SUBMITTED = "submitted", "Submitted"
    AWAITING_APPROVAL = "awaiting_approval", "Awaiting approval"
    APPROVED = "approved", "Approved"
    IN_FULFILMENT = "in_fulfilment", "In fulfilment"
    FULFILLED = "fulfilled", "Fulfilled"
    CLOSED = "closed", "Closed"
    REJECTED = "rejected", "Rejected"
    CANCELLED = "cancelled", "Cancelled"

    @property
    def colour(self) -> str:
        """Bootstrap colour of this state's badge."""
        return {
            "submitted": "primary",
            "awaiting_approval": "warning",
            "approved": "info",
            "in_fulfilment": "info",
            "fulfilled": "success",
            "closed": "dark",
            "rejected": "danger",
            "cancelled": "light",
        }[self.value]


# States in which someone still has work (or a decision) to do on the request.
OPEN_REQUEST_STATUSES = (
    RequestStatus.SUBMITTED,
    RequestStatus.AWAITING_APPROVAL,
    RequestStatus.APPROVED,
    RequestStatus.IN_FULFILMENT,
)
# States from which the requester may still withdraw (fulfilment has not started).
CANCELLABLE_STATUSES = (
    RequestStatus.SUBMITTED,
    RequestStatus.AWAITING_APPROVAL,
    RequestStatus.APPROVED,
)


class RequestChannel(models.TextChoices):
    """How a request reached the desk."""

    PORTAL = "portal", "Portal"
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"


class FieldKind(models.TextChoices):
    """The kinds of question a request item's form can ask."""

    TEXT = "text", "Text"
    CHOICE = "choice", "Choice"
    NUMBER = "number", "Number"
    DATE = "date", "Date"
    USER = "user", "Person"
    ASSET = "asset", "Asset"
    COST = "cost", "Cost (£)"


class ApprovalRule(models.TextChoices):
    """The approval an item asks for before any cost- or purchase-driven steps."""

    NONE = "none", "No approval"
    LINE_MANAGER = "line_manager", "Line manager"


class ApprovalStep(models.TextChoices):
    """Who decides one step of a request's approval, in the order the steps run."""

    LINE_MANAGER = "line_manager", "Line manager"
    ICT_MANAGER = "ict_manager", "ICT manager"
    BOARD = "board", "ICT executive board"


# The order steps run in: line manager, then ICT manager, then the board.
STEP_ORDER = {ApprovalStep.LINE_MANAGER: 1, ApprovalStep.ICT_MANAGER: 2, ApprovalStep.BOARD: 3}


class DecisionRule(models.TextChoices):
    """How a step with several approvers is decided."""

    ANY_ONE = "one", "Any one member decides"
    MAJORITY = "majority", "A majority of members"


class ApprovalState(models.TextChoices):
    """The states of one approval step."""

    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    SUPERSEDED = "superseded", "Superseded"

    @property
    def colour(self) -> str:
        """Bootstrap colour of this state's badge."""
        return {
            "pending": "warning",
            "approved": "success",
            "rejected": "danger",
            "superseded": "secondary",
        }[self.value]


class Decision(models.TextChoices):
    """One approver's vote on a step."""

    APPROVE = "approve", "Approve"
    REJECT = "reject", "Reject"


class TaskStatus(models.TextChoices):
    """The states of one fulfilment task (graph in servicerequests.workflows)."""

    WAITING = "waiting", "Waiting for an earlier stage"
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"

    @property
    def colour(self) -> str:
        """Bootstrap colour of this state's badge."""
        return {
            "waiting": "light",
            "open": "primary",
            "in_progress": "warning",
            "done": "success",
            "cancelled": "secondary",
        }[self.value]


# Tasks a team still has to do (the desk queue).
ACTIVE_TASK_STATUSES = (TaskStatus.OPEN, TaskStatus.IN_PROGRESS)
# Tasks that no longer hold the request back.
FINISHED_TASK_STATUSES = (TaskStatus.DONE, TaskStatus.CANCELLED)
