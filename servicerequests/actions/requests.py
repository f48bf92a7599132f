"""Actions on service requests: submit, change the answers or quantity, cancel, close, SLA sweep."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from core.actions.base import require_permission
from core.audit import record_audit, snapshot
from core.exceptions import ActionError, ActionForbidden, InvalidInput
from core.models import User
from core.notify import send_email_on_commit
from core.visibility import visible_to
from core.workflow import run_transition
from servicedesk.actions.incidents import targets_for
from servicedesk.choices import Priority
from servicedesk.models import ServiceStandard
from servicerequests import approval_rules
from servicerequests.actions.common import (
    REQUEST_FIELDS,
    create_approvals,
    lock_request,
    save_fields,
    start_fulfilment,
    supersede_steps,
    system_edge,
    team_addresses,
    tell_requester_approved,
)
from servicerequests.choices import (
    OPEN_REQUEST_STATUSES,
    ApprovalState,
    RequestChannel,
    RequestStatus,
)
from servicerequests.forms import clean_request_answers
from servicerequests.models import RequestItem, ServiceRequest
from servicerequests.realtime import announce_request
from servicerequests.workflows import WORK

R = RequestStatus
# States in which the answers and quantity (and so the cost) may still change.
EDITABLE_STATUSES = (R.SUBMITTED, R.AWAITING_APPROVAL, R.APPROVED)


def request_targets(item: RequestItem, vip: bool) -> tuple[int, int, int]:
    """(priority, response seconds, resolution seconds) of a request for `item`.

    The item's service standard sets them (its VIP sibling for a VIP requester, if there is
    one); an item without a standard takes its service's P4 targets.
    """
    standard = item.standard
    if standard is None:
        response, resolution = targets_for(item.service, Priority.P4, vip)
        return Priority.P4, response, resolution
    if vip and standard.audience != "vip":
        standard = (
            ServiceStandard.objects.filter(
                service=standard.service_id, priority=standard.priority, audience="vip"
            ).first()
            or standard
        )
    return standard.priority, standard.response_minutes * 60, standard.resolution_minutes * 60


def total_cost_of(item: RequestItem, quantity: int, extra: Decimal) -> Decimal:
    """What a request costs: the unit cost times the quantity plus any cost answers."""
    return (item.cost * quantity + extra).quantize(Decimal("0.01"))


def _route(service_request: ServiceRequest, plan, at: dt.datetime, actor) -> None:
    """Send a freshly submitted request to its approvers, or straight to fulfilment."""
    if plan:
        system_edge(
            service_request,
            "route_for_approval",
            verb="servicerequest.awaiting_approval",
            cause=actor,
            at=at,
            spec=service_request.calendar_spec(),
            pause=service_request.item.pause_sla_while_awaiting_approval,
        )
        create_approvals(service_request, plan, at, actor)
    else:
        system_edge(
            service_request,
            "approve_without_approval",
            verb="servicerequest.approved",
            cause=actor,
            at=at,
        )
        start_fulfilment(service_request, at, actor)
        tell_requester_approved(service_request)


@transaction.atomic
def do_submit_request(
    *,
    actor,
    requester: User,
    item: RequestItem,
    answers: dict,
    quantity: int = 1,
    channel: str = RequestChannel.PORTAL,
) -> ServiceRequest:
    """Submit a request for a catalogue item (for oneself, or for a caller on the phone).

    Validates every answer against the item's fields (RequestFormInvalid with per-field
    errors, nothing written), works out the total cost and the approval steps, computes the
    SLA targets and deadlines on the service's calendar, then sends the request to its first
    approvers, or, needing none, straight to fulfilment.
    """
    require_permission(
        actor, "servicerequests.add_servicerequest", "You may not submit service requests."
    )
    if requester.pk != actor.pk:
        require_permission(
            actor,
            "servicerequests.log_request_for_others",
            "Only service desk agents may submit requests on someone else's behalf.",
        )
        if not visible_to(User.objects.filter(pk=requester.pk), actor).exists():
            raise ActionForbidden("You do not serve that person's organisation.")
    if requester.organisation_id is None:
        raise InvalidInput("The requester belongs to no organisation.", field="requester")
    if not item.is_published or not item.service.is_active:
        raise InvalidInput("That item is not offered in the catalogue.", field="item")
    if channel not in RequestChannel.values:
        raise InvalidInput("Unknown channel.", field="channel")
    clean_answers, quantity, extra = clean_request_answers(item, requester, answers, quantity)
    total = total_cost_of(item, quantity, extra)
    plan = approval_rules.plan_approvals(item, requester, total)

    at = timezone.now()
    priority, response_target, resolution_target = request_targets(item, requester.is_vip)
    service_request = ServiceRequest(
        organisation_id=requester.organisation_id,
        requester=requester,
        logged_by=actor,
        channel=channel,
        item=item,
        service=item.service,
        priority=priority,
        team=item.service.owner_team,
        answers=clean_answers,
        quantity=quantity,
        unit_cost=item.cost,
        total_cost=total,
        is_vip_audience=requester.is_vip,
        opened_at=at,
        response_target_seconds=response_target,
        resolution_target_seconds=resolution_target,
    )
    service_request.recompute_due(service_request.calendar_spec(), at)
    service_request.save()
    record_audit(
        actor=actor,
        verb="servicerequest.submitted",
        obj=service_request,
        after=snapshot(
            service_request,
            ["requester", "item", "quantity", "total_cost", "channel", "team", "answers", "status"],
        ),
    )
    _route(service_request, plan, at, actor)
    announce_request(service_request, "servicerequest.submitted")
    return service_request


def _may_edit(service_request: ServiceRequest, actor) -> bool:
    """The requester, or someone who works requests."""
    return actor.pk == service_request.requester_id or actor.has_perm(WORK)


@transaction.atomic
def do_update_request(
    request_id: int,
    *,
    actor,
    answers: dict | None = None,
    quantity: int | None = None,
    expected_version: int | None = None,
) -> ServiceRequest:
    """Change a request's answers or quantity before fulfilment starts.

    When the total cost changes, every approval given so far is superseded and the request
    goes back to its approvers (the steps planned afresh for the new total). Refused once
    fulfilment has started: the teams are already working on what was approved.
    """
    service_request = lock_request(request_id, actor, expected_version)
    if not _may_edit(service_request, actor):
        raise ActionForbidden("Only the requester or the service desk may change this request.")
    if service_request.status not in EDITABLE_STATUSES:
        raise ActionError(
            f"This request is {service_request.get_status_display().lower()}: its answers and "
            "quantity can no longer change."
        )
    item = service_request.item
    requester = service_request.requester
    merged = {**service_request.answers, **(answers or {})} if answers is not None else None
    clean_answers, new_quantity, extra = clean_request_answers(
        item,
        requester,
        merged if merged is not None else service_request.answers,
        quantity if quantity is not None else service_request.quantity,
    )
    new_total = total_cost_of(item, new_quantity, extra)
    cost_changed = new_total != service_request.total_cost
    plan = approval_rules.plan_approvals(item, requester, new_total) if cost_changed else None

    at = timezone.now()
    tracked = ["answers", "quantity", "total_cost"]
    before = snapshot(service_request, tracked)
    service_request.answers = clean_answers
    service_request.quantity = new_quantity
    service_request.total_cost = new_total
    after = snapshot(service_request, tracked)
    if before == after:
        return service_request
    save_fields(service_request, tracked)
    changed = [key for key in tracked if before[key] != after[key]]
    record_audit(
        actor=actor,
        verb="servicerequest.updated",
        obj=service_request,
        before={key: before[key] for key in changed},
        after={key: after[key] for key in changed},
    )
    if cost_changed and service_request.approvals.exclude(state=ApprovalState.SUPERSEDED).exists():
        supersede_steps(
            service_request,
            actor,
            f"cost changed from £{before['total_cost']} to £{after['total_cost']}",
        )
        spec = service_request.calendar_spec()
        if plan:
            system_edge(
                service_request,
                "reset_approvals",
                verb="servicerequest.approvals_reset",
                cause=actor,
                at=at,
                spec=spec,
                pause=item.pause_sla_while_awaiting_approval,
            )
            create_approvals(service_request, plan, at, actor)
        else:
            # The new total needs nobody's approval: what is left in force is approved.
            system_edge(
                service_request,
                "approve",
                verb="servicerequest.approved",
                cause=actor,
                at=at,
                spec=spec,
            )
            start_fulfilment(service_request, at, actor)
            tell_requester_approved(service_request)
    announce_request(service_request, "servicerequest.updated")
    return service_request


@transaction.atomic
def do_cancel_request(
    request_id: int, *, actor, reason: str = "", expected_version: int | None = None
) -> ServiceRequest:
    """Withdraw a request (the requester, or the desk for them) before fulfilment starts.

    Steps still awaiting a decision are superseded, so they leave the approvers' queues.
    """
    service_request = lock_request(request_id, actor, expected_version)
    if service_request.status == R.IN_FULFILMENT:
        raise ActionError(
            "Fulfilment of this request has started: it can no longer be cancelled. Ask the "
            "service desk to stop the work instead."
        )
    run_transition(
        service_request,
        "cancel",
        actor=actor,
        verb="servicerequest.cancelled",
        extra_fields=REQUEST_FIELDS,
        note=reason.strip(),
        reason=reason.strip(),
        at=timezone.now(),
    )
    pending = service_request.approvals.filter(state=ApprovalState.PENDING)
    if pending.exists():
        for approval in pending:
            approval.state = ApprovalState.SUPERSEDED
            save_fields(approval, ["state"])
            record_audit(
                actor=actor,
                verb="approval.superseded",
                obj=approval,
                organisation=service_request.organisation,
                before={"state": ApprovalState.PENDING},
                after={"state": ApprovalState.SUPERSEDED},
                note="request cancelled",
            )
    announce_request(service_request, "servicerequest.cancelled")
    return service_request


@transaction.atomic
def do_close_request(
    request_id: int, *, actor, expected_version: int | None = None
) -> ServiceRequest:
    """The requester (or the desk for them) confirms a fulfilled request: it closes."""
    service_request = lock_request(request_id, actor, expected_version)
    run_transition(
        service_request,
        "close",
        actor=actor,
        verb="servicerequest.closed",
        extra_fields=REQUEST_FIELDS,
        at=timezone.now(),
    )
    announce_request(service_request, "servicerequest.closed")
    return service_request


# --- SLA sweep (system) -----------------------------------------------------------------
@transaction.atomic
def do_warn_request_breach(request_id: int, *, at: dt.datetime | None = None) -> bool:
    """Warn the owning team once that a request has used 75% of its fulfilment target."""
    at = at or timezone.now()
    service_request = lock_request(request_id)
    if (
        service_request.sla_warned
        or service_request.status not in OPEN_REQUEST_STATUSES
        or service_request.sla_warn_at is None
        or service_request.sla_warn_at > at
    ):
        return False
    service_request.sla_warned = True
    save_fields(service_request, ["sla_warned"])
    record_audit(
        actor=None,
        verb="servicerequest.sla_warned",
        obj=service_request,
        after={"sla_warned": True},
    )
    due = service_request.resolution_due
    send_email_on_commit(
        team_addresses(service_request.team),
        f"[civicdesk] {service_request.reference} has used 75% of its fulfilment time",
        f"{service_request}\nDue {timezone.localtime(due):%d %b %Y %H:%M}"
        if due
        else str(service_request),
    )
    return True


@transaction.atomic
def do_escalate_request_breach(request_id: int, *, at: dt.datetime | None = None) -> bool:
    """Escalate once to the owning team's lead a request past its fulfilment deadline."""
    at = at or timezone.now()
    service_request = lock_request(request_id)
    if (
        service_request.sla_escalated
        or service_request.status not in OPEN_REQUEST_STATUSES
        or service_request.resolution_due is None
        or service_request.resolution_due > at
    ):
        return False
    service_request.sla_escalated = True
    service_request.resolution_breached = True
    save_fields(service_request, ["sla_escalated", "resolution_breached"])
    record_audit(
        actor=None,
        verb="servicerequest.sla_escalated",
        obj=service_request,
        after={"sla_escalated": True},
    )
    team = service_request.team
    lead = team.lead if team else None
    send_email_on_commit(
        [lead.email] if lead and lead.email else team_addresses(team),
        f"[civicdesk] {service_request.reference} has breached its fulfilment target",
        f"{service_request}\nTeam: {team}\nStatus: {service_request.get_status_display()}",
    )
    announce_request(service_request, "servicerequest.sla_escalated")
    return True
