"""Bulk seeding of realistic service requests, so the KPI benchmark measures a mix of calls.

Like `servicedesk.seeding.bulk_seed_calls` (whose helpers it reuses), it writes rows in
batches with executemany and bypasses the actions on purpose: submitting, approving and
fulfilling 250,000 requests one by one would take hours. The rows are what the actions would
have left: the state for the request's age, the SLA targets of the item's standard, the
approval pause of the fulfilment clock, measured business times on the service's calendar
(one `BusinessTimeline` per calendar), and the "servicerequest.submitted" audit event.
Approval and fulfilment-task rows are not written: the KPIs read only the requests.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from core.models import AuditEvent, Team, User
from servicedesk import sla
from servicedesk.seeding import (
    _callers,
    _converters,
    _next_id,
    _reset_sequences,
    _timelines,
    fast_insert,
)
from servicerequests.actions.requests import request_targets
from servicerequests.choices import ApprovalRule, FieldKind, RequestChannel, RequestStatus
from servicerequests.models import RequestItem, ServiceRequest

R = RequestStatus
# States that only a request which went to its approvers can reach (or still be in): the
# actions send an item needing no approval straight to fulfilment, where it cannot be
# cancelled any more.
APPROVAL_ONLY = (R.AWAITING_APPROVAL, R.REJECTED, R.CANCELLED)
REJECTIONS = [
    "Not in this year's budget.",
    "A spare one is available from the asset store.",
    "Please ask for the standard model instead.",
    "Needs the service manager's sign-off first.",
]
CANCELLATIONS = ["No longer needed.", "Raised twice by mistake.", "Found a spare."]


def bulk_seed_requests(command, count: int, batch_size: int = 5000, seed: int = 43) -> int:
    """Create `count` service requests over the last two years in realistic states, with audit.

    Needs the request catalogue of `servicerequests.demo` (published items); requesters are
    the bulk callers of each organisation, as for the seeded incidents. Ids follow time.
    """
    rng = random.Random(seed)
    started = time.monotonic()
    items = list(
        RequestItem.objects.filter(is_published=True, service__is_active=True)
        .select_related("service", "standard")
        .order_by("pk")
    )
    if not items:
        raise ValueError("Seed the request catalogue first.")
    approval_items = [item for item in items if _needs_approval(item)] or items
    callers = _callers()
    org_ids = list(callers)
    vips = set(User.objects.filter(is_vip=True).values_list("pk", flat=True))
    teams = list(Team.objects.filter(is_active=True).prefetch_related("members", "organisations"))
    members = {team.pk: sorted(m.pk for m in team.members.all()) for team in teams}
    everyone = sorted({pk for pks in members.values() for pk in pks}) or [
        User.objects.order_by("pk").first().pk
    ]
    # Who may log a request on someone's behalf: members of the teams serving the organisation.
    desk = {
        org_id: sorted(
            {
                pk
                for team in teams
                if org_id in {o.pk for o in team.organisations.all()}
                for pk in members[team.pk]
            }
        )
        or everyone
        for org_id in org_ids
    }
    # As a submission sets them: the item's standard (its VIP sibling for a VIP requester).
    targets = {
        (item.pk, vip): _as_ints(request_targets(item, vip))
        for item in items
        for vip in (False, True)
    }
    answers = {item.pk: _sample_answers(item) for item in items}
    names = _names(callers, everyone, items)
    content_type = ContentType.objects.get_for_model(ServiceRequest)
    now = timezone.now()
    span = dt.timedelta(days=730).total_seconds()
    services = list({item.service_id: item.service for item in items}.values())
    timelines = _timelines(services, org_ids, now - dt.timedelta(days=731), now)
    channels = [RequestChannel.PORTAL] * 85 + [RequestChannel.PHONE] * 10
    channels += [RequestChannel.EMAIL] * 5
    converters = {model: _converters(model) for model in (ServiceRequest, AuditEvent)}
    next_request, next_event = _next_id(ServiceRequest), _next_id(AuditEvent)
    made = 0
    while made < count:
        size = min(batch_size, count - made)
        requests, events = [], []
        for i in range(size):
            # Spread evenly over two years, oldest first, so ids follow time like real submission.
            opened = now - dt.timedelta(seconds=span * (1 - (made + i + rng.random()) / count))
            status = _request_status((now - opened).days, rng)
            item = rng.choice(approval_items if status in APPROVAL_ONLY else items)
            org_id = rng.choice(org_ids)
            requester_id = rng.choice(callers[org_id])
            channel = rng.choice(channels)
            vip = requester_id in vips
            priority, response_target, resolution_target = targets[(item.pk, vip)]
            # Most ask for one; some for a few, never more than the item allows.
            most = max(1, min(item.max_quantity, 5))
            quantity = 1 if rng.random() < 0.8 else rng.randint(1, most)
            fields = dict(
                id=next_request,
                organisation_id=org_id,
                requester_id=requester_id,
                logged_by_id=requester_id
                if channel == RequestChannel.PORTAL
                else rng.choice(desk[org_id]),
                channel=channel,
                item_id=item.pk,
                service_id=item.service_id,
                priority=priority,
                team_id=item.service.owner_team_id,
                answers=answers[item.pk],
                quantity=quantity,
                unit_cost=item.cost,
                total_cost=(item.cost * quantity).quantize(Decimal("0.01")),
                is_vip_audience=vip,
                status=status,
                opened_at=opened,
                response_target_seconds=response_target,
                resolution_target_seconds=resolution_target,
                created_at=opened,
                updated_at=opened,
            )
            timeline = timelines[(item.service_id, org_id)]
            fields["response_due"] = timeline.add_business_seconds(opened, response_target)
            _life_cycle(fields, item, timeline, now, rng, members, everyone)
            next_request += 1
            requests.append(fields)
            events.append(
                {
                    "id": next_event,
                    "actor_id": fields["logged_by_id"],
                    "verb": "servicerequest.submitted",
                    "content_type_id": content_type.pk,
                    "object_id": str(fields["id"]),
                    "object_repr": f"REQ{fields['id']:07d} {item.name}"[:200],
                    "organisation_id": org_id,
                    "before": {},
                    "after": {
                        "requester": {"id": requester_id, "repr": names[requester_id]},
                        "item": {"id": item.pk, "repr": item.name},
                        "quantity": quantity,
                        "total_cost": str(fields["total_cost"]),
                        "channel": channel,
                        "team": {
                            "id": item.service.owner_team_id,
                            "repr": names.get(("team", item.service.owner_team_id), ""),
                        },
                        "answers": fields["answers"],
                        "status": R.SUBMITTED.value,
                    },
                    "at": opened,
                }
            )
            next_event += 1
        fast_insert(ServiceRequest, requests, converters[ServiceRequest])
        fast_insert(AuditEvent, events, converters[AuditEvent])
        made += size
        if made % (batch_size * 20) == 0 or made == count:
            command.stdout.write(f"  {made} service requests ({time.monotonic() - started:.0f} s)")
    _reset_sequences(ServiceRequest, AuditEvent)
    return made


def _life_cycle(fields: dict, item, timeline, now, rng, members, everyone) -> None:
    """Fill the approval, fulfilment and SLA fields of one request for its state, as the
    workflow's edges (servicerequests.workflows) would have set them."""
    status, opened = fields["status"], fields["opened_at"]
    target = fields["resolution_target_seconds"]
    pauses_clock = _needs_approval(item) and item.pause_sla_while_awaiting_approval
    decided = min(opened + dt.timedelta(seconds=rng.randint(600, 3 * 86400)), now)
    pauses: list[tuple[dt.datetime, dt.datetime | None]] = []

    if status == R.AWAITING_APPROVAL:
        if pauses_clock:
            pauses = [(opened, None)]
        _running_clock(fields, timeline, pauses, now)
    elif status in (R.REJECTED, R.CANCELLED):
        if pauses_clock:
            pauses = [(opened, decided)]
        fields["closed_at"] = decided
        if status == R.REJECTED:
            fields["rejection_reason"] = rng.choice(REJECTIONS)
        else:
            fields["cancellation_reason"] = rng.choice(CANCELLATIONS)
    else:  # approved (with or without approvers), then fulfilment, then fulfilled or closed
        approved = decided if _needs_approval(item) else opened
        if pauses_clock:
            pauses = [(opened, approved)]
        fields["approved_at"] = fields["fulfilment_started_at"] = approved
        resolved = min(approved + dt.timedelta(seconds=rng.randint(1800, 10 * 86400)), now)
        responded = min(approved + dt.timedelta(seconds=rng.randint(60, 4 * 3600)), resolved)
        if status != R.IN_FULFILMENT or rng.random() < 0.7:
            to_respond = int(timeline.business_seconds_between(opened, responded))
            fields["first_response_at"] = responded
            fields["business_seconds_to_respond"] = to_respond
            fields["response_breached"] = to_respond > fields["response_target_seconds"]
        if status == R.IN_FULFILMENT:
            _running_clock(fields, timeline, pauses, now)
        else:
            business = int(timeline.business_seconds_between(opened, resolved))
            if pauses_clock:
                business -= int(timeline.business_seconds_between(opened, approved))
            fields.update(
                resolved_at=resolved,
                fulfilled_by_id=rng.choice(members.get(fields["team_id"]) or everyone),
                business_seconds_to_resolve=max(0, business),
                wall_seconds_to_resolve=int((resolved - opened).total_seconds()),
                resolution_breached=business > target,
                # What the SLA sweep would have flagged while it was open.
                sla_warned=business >= target * sla.WARNING_FRACTION,
                sla_escalated=business > target,
            )
            if status == R.CLOSED:
                fields["closed_at"] = min(
                    resolved + dt.timedelta(seconds=rng.randint(3600, 5 * 86400)), now
                )
    fields["sla_pauses"] = [[s.isoformat(), e.isoformat() if e else None] for s, e in pauses]


def _running_clock(fields: dict, timeline, pauses, now: dt.datetime) -> None:
    """Deadlines of an open request (as ServiceRequestWorkflow.recompute_due) and the flags
    the SLA sweep would have set by now."""
    opened, target = fields["opened_at"], fields["resolution_target_seconds"]
    due = timeline.due_at(opened, pauses, target)
    if sla.is_paused(pauses) and due is not None and due > now:
        due = None  # paused short of its target: no deadline while approvers decide
    warn = timeline.due_at(opened, pauses, target * sla.WARNING_FRACTION)
    fields.update(
        resolution_due=due,
        sla_warn_at=warn,
        sla_warned=warn is not None and warn <= now,
        sla_escalated=due is not None and due <= now,
        resolution_breached=due is not None and due <= now,
    )


def _request_status(age_days: int, rng: random.Random) -> str:
    """A realistic state for a request of this age: old ones are mostly closed, about 5%
    rejected and 3% cancelled; recent ones still with approvers, in fulfilment or fulfilled.

    No request is left "submitted" or "approved": the submit action routes a request to its
    approvers or straight into fulfilment at once, so neither state outlives a transaction.
    """
    roll = rng.random()
    if roll < 0.05:
        return R.REJECTED
    if roll < 0.08:
        return R.CANCELLED
    if age_days > 30:
        choices = [(0.085, R.IN_FULFILMENT), (0.09, R.AWAITING_APPROVAL)]
        default = R.CLOSED
    elif age_days > 7:
        choices = [(0.11, R.AWAITING_APPROVAL), (0.25, R.IN_FULFILMENT), (0.55, R.FULFILLED)]
        default = R.CLOSED
    else:
        choices = [(0.35, R.AWAITING_APPROVAL), (0.7, R.IN_FULFILMENT)]
        default = R.FULFILLED
    for threshold, status in choices:
        if roll < threshold:
            return status
    return default


def _needs_approval(item: RequestItem) -> bool:
    """Whether requests for the item go to approvers (line manager or ICT manager)."""
    return item.approval_rule != ApprovalRule.NONE or item.is_ict_purchase


def _sample_answers(item: RequestItem) -> dict:
    """Plausible answers to the item's text, choice, number and date questions (person and
    asset questions are left out: they would name records of one organisation)."""
    answers = {}
    for field in item.fields.all():
        if field.kind == FieldKind.CHOICE and field.options:
            answers[field.key] = field.options[0]
        elif field.kind == FieldKind.TEXT:
            answers[field.key] = "Seeded for benchmarks."
        elif field.kind == FieldKind.NUMBER:
            answers[field.key] = 1
        elif field.kind == FieldKind.DATE:
            answers[field.key] = "2026-01-05"
    return answers


def _names(callers: dict[int, list[int]], agents: list[int], items) -> dict:
    """Readable names of requesters and owner teams, as the audit snapshot shows them."""
    pks = {pk for pks in callers.values() for pk in pks} | set(agents)
    names: dict = {user.pk: str(user) for user in User.objects.filter(pk__in=pks)}
    team_ids = {item.service.owner_team_id for item in items}
    names.update({("team", team.pk): str(team) for team in Team.objects.filter(pk__in=team_ids)})
    return names


def _as_ints(targets: tuple) -> tuple[int, int, int]:
    """(priority, response seconds, resolution seconds) as plain integers for bulk rows."""
    priority, response, resolution = targets
    return int(priority), int(response), int(resolution)
