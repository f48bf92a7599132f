"""Read queries of service requests, shared by pages, exports, the API and tests.

Every function takes the person looking and returns only what they may see.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from core.models import Team
from servicerequests import approval_rules
from servicerequests.choices import (
    ACTIVE_TASK_STATUSES,
    OPEN_REQUEST_STATUSES,
    ApprovalState,
    RequestStatus,
)
from servicerequests.models import Approval, FulfilmentTask, RequestItem, ServiceRequest


def published_items() -> QuerySet:
    """The portal's catalogue: published items of active services, by service and name."""
    return (
        RequestItem.objects.filter(is_published=True, service__is_active=True)
        .select_related("service")
        .order_by("service__name", "name")
    )


def requests_visible_to(user) -> QuerySet:
    """Every request `user` may see (their own; their teams' organisations' if in service)."""
    return ServiceRequest.objects.visible_to(user).select_related(
        "requester", "item", "service", "team", "organisation"
    )


def my_requests(user) -> QuerySet:
    """The requests a person made (or were made for them), newest first."""
    return requests_visible_to(user).filter(requester=user)


def team_request_queue(team: Team, user) -> QuerySet:
    """The open requests a team owns, among those `user` may see."""
    return requests_visible_to(user).filter(team=team, status__in=OPEN_REQUEST_STATUSES)


def approvals_awaiting(user, at: dt.datetime | None = None) -> QuerySet:
    """The approval steps awaiting `user`'s decision now: as approver or as a delegate in force.

    Leaves out the requester's own requests and steps whose vote `user` (or the person they
    stand in for) has already cast.
    """
    at = at or timezone.now()
    return (
        Approval.objects.filter(
            approval_rules.may_decide_filter(user, at),
            state=ApprovalState.PENDING,
            activated_at__isnull=False,
            request__status=RequestStatus.AWAITING_APPROVAL,
        )
        .exclude(request__requester=user)
        .exclude(votes__cast_by=user)
        .exclude(votes__member=user)
        .select_related("request__requester", "request__item", "request__organisation")
        .distinct()
        .order_by("activated_at", "id")
    )


def approval_for(user, approval_id: int, at: dt.datetime | None = None) -> Approval | None:
    """One approval step for its page: one `user` may decide (now or before), or see, else None.

    Approvers and their delegates reach the steps they are asked to decide; the requester and
    the service see them through ordinary visibility.
    """
    at = at or timezone.now()
    visible = Approval.objects.visible_to(user).filter(pk=approval_id)
    decidable = Approval.objects.filter(
        Q(pk=approval_id)
        & (approval_rules.may_decide_filter(user, at) | Q(votes__cast_by=user) | Q(decided_by=user))
    )
    if not (visible.exists() or decidable.exists()):
        return None
    return (
        Approval.objects.select_related("request__requester", "request__item", "decided_by")
        .prefetch_related("approvers", "votes__member", "votes__cast_by")
        .get(pk=approval_id)
    )


def approvals_of(service_request: ServiceRequest) -> QuerySet:
    """The steps of a request in order, with their votes, for its page."""
    return service_request.approvals.select_related("decided_by", "on_behalf_of").prefetch_related(
        "approvers", "votes__member", "votes__cast_by"
    )


def tasks_visible_to(user) -> QuerySet:
    """Every fulfilment task `user` may see."""
    return FulfilmentTask.objects.visible_to(user).select_related(
        "request__requester", "request__item", "team", "assignee"
    )


def team_open_tasks(team: Team, user) -> QuerySet:
    """A team's tasks to do now (open or in progress), oldest first: the desk's task queue."""
    return tasks_visible_to(user).filter(team=team, status__in=ACTIVE_TASK_STATUSES).order_by("id")


def my_open_tasks(user) -> QuerySet:
    """The open tasks of every team `user` belongs to."""
    return (
        tasks_visible_to(user)
        .filter(team__members=user, status__in=ACTIVE_TASK_STATUSES)
        .order_by("id")
    )


def requests_breaching(user, within: dt.timedelta = dt.timedelta(hours=1)) -> QuerySet:
    """Open requests `user` may see whose fulfilment is due within `within` (or overdue)."""
    return requests_visible_to(user).filter(
        status__in=OPEN_REQUEST_STATUSES, resolution_due__lte=timezone.now() + within
    )
