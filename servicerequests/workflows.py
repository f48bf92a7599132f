"""The life cycles of a service request and of its fulfilment tasks, in one place (django-fsm-2).

Service request::

    submitted ──route for approval──▶ awaiting_approval ──approve (all steps approved)──▶ approved
        └──────approve without approval (item needs none)─────────────────────────────▶ approved
    awaiting_approval ──reject (any step rejected)──▶ rejected
    awaiting_approval | approved ──reset approvals (cost changed)──▶ awaiting_approval
    approved ──start fulfilment (tasks created)──▶ in_fulfilment
    in_fulfilment ──fulfil (all tasks done)──▶ fulfilled
    fulfilled ──close (requester or desk)──▶ closed
    submitted | awaiting_approval | approved ──cancel (requester or desk)──▶ cancelled

Fulfilment task::

    waiting ──open (earlier stage finished)──▶ open ──start──▶ in_progress ──complete──▶ done
    open ──complete──▶ done;   waiting | open | in_progress ──cancel──▶ cancelled

Edges marked "system" are consequences of another change (an approver's vote, a task done,
a cost changed): actions take them with no acting person (`actor=None`), after the change
that caused them, and note who caused it in the audit event. Nobody can take them directly.
Transition bodies set fields only; saving, audit, email and broadcasts are the actions'.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django_fsm import FSMField, transition

from servicedesk import sla
from servicerequests.choices import (
    CANCELLABLE_STATUSES,
    FINISHED_TASK_STATUSES,
    ApprovalState,
    RequestStatus,
    TaskStatus,
)

R = RequestStatus
T = TaskStatus
WORK = "servicerequests.work_servicerequest"


def system_only(instance, user) -> bool:
    """Only an action, as the consequence of another change (no acting person), takes this edge."""
    return user is None


def requester_or_worker(instance, user) -> bool:
    """The requester themself, or someone who works service requests."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return user.pk == instance.requester_id or user.has_perm(WORK)


def team_worker(instance, user) -> bool:
    """Someone who works service requests and belongs to the task's team (or an administrator)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if not user.has_perm(WORK):
        return False
    if user.is_superuser or user.has_perm("servicerequests.manage_fulfilment"):
        return True
    return user.teams.filter(pk=instance.team_id).exists()


def all_approvals_approved(instance) -> bool:
    """Every approval step still in force has been approved."""
    live = instance.approvals.exclude(state=ApprovalState.SUPERSEDED)
    return not live.exclude(state=ApprovalState.APPROVED).exists()


def has_fulfilment_tasks(instance) -> bool:
    """The fulfilment tasks have been created from the item's plan."""
    return instance.tasks.exists()


def all_tasks_finished(instance) -> bool:
    """Every fulfilment task is done (or cancelled as not needed)."""
    tasks = instance.tasks.all()
    return tasks.exists() and not tasks.exclude(status__in=FINISHED_TASK_STATUSES).exists()


class ServiceRequestWorkflow(sla.SlaClocks, models.Model):
    """The state field and edges of a service request (mixed into ServiceRequest)."""

    status = FSMField(default=R.SUBMITTED, choices=R.choices, protected=True)

    class Meta:
        abstract = True

    # --- pure helpers the edges use -------------------------------------------------------
    def _stop_clocks(self, at: dt.datetime) -> None:
        """No deadline any more: the request left the open states."""
        self.pauses = sla.close_pause(self.pauses, at)
        self.resolution_due = None
        self.sla_warn_at = None

    # --- edges ----------------------------------------------------------------------------
    @transition(
        field=status,
        source=R.SUBMITTED,
        target=R.AWAITING_APPROVAL,
        permission=system_only,
        custom={"label": "route for approval", "automatic": True},
    )
    def route_for_approval(self, *, at: dt.datetime, spec, pause: bool) -> None:
        """Wait for the approvers; the resolution clock pauses if the item says so."""
        if pause:
            self.pauses = sla.open_pause(self.pauses, at)
        self.recompute_due(spec, at)

    @transition(
        field=status,
        source=R.SUBMITTED,
        target=R.APPROVED,
        permission=system_only,
        custom={"label": "approve without approval", "automatic": True},
    )
    def approve_without_approval(self, *, at: dt.datetime) -> None:
        """The item needs no approval: the request is approved as it is submitted."""
        self.approved_at = at

    @transition(
        field=status,
        source=R.AWAITING_APPROVAL,
        target=R.APPROVED,
        conditions=[all_approvals_approved],
        permission=system_only,
        custom={"label": "approve", "automatic": True},
    )
    def approve(self, *, at: dt.datetime, spec) -> None:
        """The last approval step approved it; a paused clock runs again."""
        self.approved_at = at
        self.pauses = sla.close_pause(self.pauses, at)
        self.recompute_due(spec, at)

    @transition(
        field=status,
        source=R.AWAITING_APPROVAL,
        target=R.REJECTED,
        permission=system_only,
        custom={"label": "reject", "automatic": True},
    )
    def reject(self, *, reason: str, at: dt.datetime) -> None:
        """An approver rejected it; the reason is shown to the requester; the clocks stop."""
        self.rejection_reason = reason
        self.closed_at = at
        self._stop_clocks(at)

    @transition(
        field=status,
        source=[R.AWAITING_APPROVAL, R.APPROVED],
        target=R.AWAITING_APPROVAL,
        permission=system_only,
        custom={"label": "ask for approval again", "automatic": True},
    )
    def reset_approvals(self, *, at: dt.datetime, spec, pause: bool) -> None:
        """The cost changed after approval: the approvers decide again."""
        self.approved_at = None
        if pause:
            self.pauses = sla.open_pause(self.pauses, at)
        self.recompute_due(spec, at)

    @transition(
        field=status,
        source=R.APPROVED,
        target=R.IN_FULFILMENT,
        conditions=[has_fulfilment_tasks],
        permission=system_only,
        custom={"label": "start fulfilment", "automatic": True},
    )
    def start_fulfilment(self, *, at: dt.datetime) -> None:
        """The fulfilment tasks exist: the teams work the request."""
        self.fulfilment_started_at = at

    @transition(
        field=status,
        source=R.IN_FULFILMENT,
        target=R.FULFILLED,
        conditions=[all_tasks_finished],
        permission=system_only,
        custom={"label": "fulfil", "automatic": True},
    )
    def fulfil(self, *, at: dt.datetime, spec, by=None) -> None:
        """The last task is done (by `by`, who is credited with the request in the KPIs):
        store the measured times; the resolution clock stops."""
        pauses = sla.close_pause(self.pauses, at)
        self.record_response(at, spec)
        self.resolved_at = at
        self.fulfilled_by = by
        self.business_seconds_to_resolve = int(
            sla.elapsed_seconds(spec, self.opened_at, pauses, at)
        )
        self.wall_seconds_to_resolve = int((at - self.opened_at).total_seconds())
        self.resolution_breached = self.business_seconds_to_resolve > self.resolution_target_seconds
        self.pauses = pauses
        self.resolution_due = None
        self.sla_warn_at = None

    @transition(
        field=status,
        source=R.FULFILLED,
        target=R.CLOSED,
        permission=requester_or_worker,
        custom={"label": "close"},
    )
    def close(self, *, at: dt.datetime) -> None:
        """The requester (or the desk for them) confirms they have what they asked for."""
        self.closed_at = at

    @transition(
        field=status,
        source=list(CANCELLABLE_STATUSES),
        target=R.CANCELLED,
        permission=requester_or_worker,
        custom={"label": "cancel"},
    )
    def cancel(self, *, reason: str, at: dt.datetime) -> None:
        """Withdraw the request before fulfilment starts; the clocks stop."""
        self.cancellation_reason = reason
        self.closed_at = at
        self._stop_clocks(at)


class FulfilmentTaskWorkflow(models.Model):
    """The state field and edges of a fulfilment task (mixed into FulfilmentTask)."""

    status = FSMField(default=T.WAITING, choices=T.choices, protected=True)

    class Meta:
        abstract = True

    @transition(
        field=status,
        source=T.WAITING,
        target=T.OPEN,
        permission=system_only,
        custom={"label": "open", "automatic": True},
    )
    def open_task(self, *, at: dt.datetime) -> None:
        """Its stage has come: the team may start it."""
        self.opened_at = at

    @transition(
        field=status,
        source=T.OPEN,
        target=T.IN_PROGRESS,
        permission=team_worker,
        custom={"label": "start"},
    )
    def start(self, *, agent, at: dt.datetime) -> None:
        """A member of the team takes the task and starts it."""
        self.assignee = agent
        self.started_at = at

    @transition(
        field=status,
        source=[T.OPEN, T.IN_PROGRESS],
        target=T.DONE,
        permission=team_worker,
        custom={"label": "mark done"},
    )
    def complete(self, *, agent, notes: str, at: dt.datetime) -> None:
        """The task is done."""
        if self.assignee_id is None:
            self.assignee = agent
        self.notes = notes
        self.done_at = at

    @transition(
        field=status,
        source=[T.WAITING, T.OPEN, T.IN_PROGRESS],
        target=T.CANCELLED,
        permission=team_worker,
        custom={"label": "cancel"},
    )
    def cancel(self, *, notes: str, at: dt.datetime) -> None:
        """The task turned out not to be needed."""
        self.notes = notes
        self.done_at = at
