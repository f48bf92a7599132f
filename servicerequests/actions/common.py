"""Pieces the service-request actions share: locking, system edges, steps, tasks, emails."""

from __future__ import annotations

import datetime as dt

from core.audit import record_audit
from core.exceptions import ActionForbidden, StaleRecord
from core.notify import notify_user, send_email_on_commit
from core.visibility import visible_to
from core.workflow import run_transition
from servicedesk import sla
from servicerequests import approval_rules
from servicerequests.choices import ApprovalState
from servicerequests.models import Approval, FulfilmentTask, ServiceRequest

# Every field a request transition or action may change; run_transition saves and audits them.
REQUEST_FIELDS = (
    "approved_at",
    "fulfilment_started_at",
    "first_response_at",
    "resolved_at",
    "fulfilled_by",
    "closed_at",
    "rejection_reason",
    "cancellation_reason",
    *sla.CLOCK_FIELDS,
)
TASK_FIELDS = ("assignee", "notes", "opened_at", "started_at", "done_at")


def lock_request(request_id: int, actor=None, expected_version: int | None = None):
    """Row-lock a request; with an actor, only one they may see; refuse a stale version.

    Every action that touches a request, its approvals or its tasks locks the request first,
    so two of them never interleave and locks are always taken in the same order.
    """
    manager = ServiceRequest.objects
    if actor is not None and not visible_to(manager.filter(pk=request_id), actor).exists():
        raise ActionForbidden("That service request does not exist or is not yours to see.")
    service_request = (
        manager.select_for_update(of=("self",)).select_related("item", "service").get(pk=request_id)
    )
    if expected_version is not None and service_request.version != expected_version:
        raise StaleRecord(
            "This service request was changed by someone else while you were looking at it. "
            "Reload the page to see their changes, then try again."
        )
    return service_request


def system_edge(obj, name: str, *, verb: str, cause=None, fields=REQUEST_FIELDS, **kwargs):
    """Take an automatic edge (no acting person) and note in the audit who caused it."""
    note = f"after {cause}'s action" if cause is not None else ""
    return run_transition(
        obj, name, actor=None, verb=verb, extra_fields=fields, note=note, **kwargs
    )


def save_fields(obj, fields: list[str]) -> None:
    """Save fields changed in memory with a new version."""
    obj.version += 1
    obj.save(update_fields=[*fields, "version", "updated_at"])


def notify_approvers(approval: Approval, at: dt.datetime) -> None:
    """Tell the step's approvers (and those standing in for them now) a decision awaits them."""
    service_request = approval.request
    approvers = [
        person
        for person in approval.approvers.filter(is_active=True)
        if person.pk != service_request.requester_id
    ]
    delegates = approval_rules.active_delegates([p.pk for p in approvers], at)
    link = approval_rules.approval_link(approval)
    title = f"{service_request.reference} awaits your approval"
    body = (
        f"{service_request.requester} asks for {service_request.quantity} × "
        f"{service_request.item} (total £{service_request.total_cost:,.2f}).\n"
        f"Step: {approval.get_step_display()}.\n\nApprove or reject it here: {link}"
    )
    seen = set()
    for person in [*approvers, *delegates]:
        if person.pk in seen or person.pk == service_request.requester_id:
            continue
        seen.add(person.pk)
        on_behalf = "" if person in approvers else " (you are standing in for an approver)"
        notify_user(
            person,
            title + on_behalf,
            body=body,
            url=approval_rules.approval_path(approval),
        )


def activate_next_step(service_request: ServiceRequest, at: dt.datetime) -> Approval | None:
    """Make the first waiting step current and tell its approvers; None when all are decided."""
    step = (
        service_request.approvals.filter(state=ApprovalState.PENDING).order_by("sequence").first()
    )
    if step is None:
        return None
    if step.activated_at is None:
        step.activated_at = at
        save_fields(step, ["activated_at"])
        notify_approvers(step, at)
    return step


def create_approvals(service_request: ServiceRequest, plan, at: dt.datetime, actor) -> None:
    """Write the planned steps (the first becomes current) and audit them."""
    for sequence, planned in enumerate(plan, start=1):
        approval = Approval.objects.create(
            request=service_request,
            sequence=sequence,
            step=planned.step,
            decision_rule=planned.decision_rule,
        )
        approval.approvers.set(planned.approvers)
        record_audit(
            actor=actor,
            verb="approval.requested",
            obj=approval,
            organisation=service_request.organisation,
            after={
                "step": planned.step,
                "approvers": sorted(str(person) for person in planned.approvers),
                "decision_rule": planned.decision_rule,
            },
        )
    activate_next_step(service_request, at)


def supersede_steps(service_request: ServiceRequest, actor, reason: str) -> int:
    """Mark every step still in force superseded (audited); returns how many."""
    count = 0
    for approval in service_request.approvals.exclude(state=ApprovalState.SUPERSEDED):
        old = approval.state
        approval.state = ApprovalState.SUPERSEDED
        save_fields(approval, ["state"])
        record_audit(
            actor=actor,
            verb="approval.superseded",
            obj=approval,
            organisation=service_request.organisation,
            before={"state": old},
            after={"state": ApprovalState.SUPERSEDED},
            note=reason,
        )
        count += 1
    return count


def team_addresses(team) -> list[str]:
    """The team's shared mailbox, else its members' addresses."""
    if team is None:
        return []
    if team.email:
        return [team.email]
    return [address for address in team.members.values_list("email", flat=True) if address]


def open_tasks(tasks, at: dt.datetime, cause) -> None:
    """Open waiting tasks (their stage has come) and tell each team."""
    for task in tasks:
        system_edge(
            task, "open_task", verb="fulfilment_task.opened", cause=cause, fields=TASK_FIELDS, at=at
        )
        send_email_on_commit(
            team_addresses(task.team),
            f"[civicdesk] New task for {task.team}: {task.request.reference} {task.title}",
            f"{task.request.reference} {task.request.item} for {task.request.requester}\n"
            f"{task.title}\n{task.description}".strip(),
        )


def start_fulfilment(
    service_request: ServiceRequest, at: dt.datetime, cause
) -> list[FulfilmentTask]:
    """Create the tasks from the item's plan (the first stage open) and move to in_fulfilment.

    An item without a plan gets one task for its service's owner team, so every approved
    request has someone to fulfil it.
    """
    steps = list(service_request.item.steps.select_related("team").order_by("stage", "id"))
    tasks = []
    if steps:
        for step in steps:
            tasks.append(
                FulfilmentTask.objects.create(
                    request=service_request,
                    step=step,
                    stage=step.stage,
                    team=step.team,
                    title=step.title,
                    description=step.description,
                )
            )
    else:
        tasks.append(
            FulfilmentTask.objects.create(
                request=service_request,
                stage=1,
                team=service_request.service.owner_team,
                title=f"Fulfil {service_request.item}",
            )
        )
    first_stage = min(task.stage for task in tasks)
    record_audit(
        actor=cause,
        verb="servicerequest.tasks_created",
        obj=service_request,
        after={"tasks": [f"stage {task.stage}: {task.title} ({task.team})" for task in tasks]},
    )
    open_tasks([task for task in tasks if task.stage == first_stage], at, cause)
    system_edge(
        service_request,
        "start_fulfilment",
        verb="servicerequest.fulfilment_started",
        cause=cause,
        at=at,
    )
    return tasks


def tell_requester_approved(service_request: ServiceRequest) -> None:
    """Email the requester that their request was approved and is being fulfilled."""
    notify_user(
        service_request.requester,
        f"{service_request.reference} is approved",
        body=(
            f"Your request for {service_request.item} is approved and the teams are working "
            f"on it.\n\nFollow it here: {approval_rules.request_link(service_request)}"
        ),
        url=service_request.get_portal_url(),
    )


def tell_requester_rejected(service_request: ServiceRequest, approval: Approval) -> None:
    """Email the requester that their request was rejected, with the reason."""
    notify_user(
        service_request.requester,
        f"{service_request.reference} was rejected",
        body=(
            f"Your request for {service_request.item} was rejected by the "
            f"{approval.get_step_display().lower()}.\nReason: {service_request.rejection_reason}"
            f"\n\nSee it here: {approval_rules.request_link(service_request)}"
        ),
        url=service_request.get_portal_url(),
    )


def tell_requester_fulfilled(service_request: ServiceRequest) -> None:
    """Email the requester that their request is fulfilled."""
    notify_user(
        service_request.requester,
        f"{service_request.reference} is fulfilled",
        body=(
            f"Your request for {service_request.item} is fulfilled. If anything is missing, "
            f"tell us from its page: {approval_rules.request_link(service_request)}"
        ),
        url=service_request.get_portal_url(),
    )
