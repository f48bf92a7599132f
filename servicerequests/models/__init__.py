"""Models of service requests: the request catalogue, approvals, requests and their tasks."""

from servicerequests.models.approvals import (
    Approval,
    ApprovalDelegation,
    ApprovalPolicy,
    ApprovalVote,
    LineManager,
)
from servicerequests.models.catalogue import FulfilmentStep, RequestField, RequestItem
from servicerequests.models.requests import FulfilmentTask, ServiceRequest

__all__ = [
    "Approval",
    "ApprovalDelegation",
    "ApprovalPolicy",
    "ApprovalVote",
    "FulfilmentStep",
    "FulfilmentTask",
    "LineManager",
    "RequestField",
    "RequestItem",
    "ServiceRequest",
]
