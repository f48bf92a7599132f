"""Actions on requests for change: raise, edit, assess, route, schedule, implement, review."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db import transaction

from changes import risk
from changes.choices import ChangeStatus, ChangeType
from changes.models import Change, EcabApproval, PostImplementationReview
from changes.queries import check_change_schedule
from changes.scheduling import ScheduleReport
from core.actions.base import lock_visible, require_permission, save_audited
from core.audit import record_audit
from core.exceptions import ActionError, ActionForbidden, InvalidInput
from core.notify import notify_user
from core.visibility import can_see
from core.workflow import run_transition

S = ChangeStatus
CHANGE_FIELDS = (
    "organisation",
    "title",
    "description",
    "reason",
    "change_type",
    "category",
    "template",
    "owner",
    "implementer_team",
    "implementation_plan",
    "backout_plan",
    "test_plan",
    "communication_plan",
    "planned_start",
    "planned_end",
)
EDITABLE_STATES = {S.DRAFT, S.SUBMITTED, S.ASSESSED, S.DEFERRED}
# Edges that need nothing but the person's say-so; the others have their own actions.
SIMPLE_EDGES = {
    "submit": "change.submitted",
    "send_to_cab": "change.sent_to_cab",
    "approve_standard": "change.approved_standard",
    "start": "change.started",
    "complete": "change.implemented",
    "fail": "change.failed",
    "back_out": "change.backed_out",
    "close": "change.closed",
    "cancel": "change.cancelled",
}
EXTRA_FIELDS = {
    "submit": ("submitted_at",),
    "approve_standard": ("approved_at",),
    "start": ("actual_start",),
    "complete": ("actual_end", "outcome"),
    "fail": ("outcome",),
    "back_out": ("actual_end",),
    "close": ("closed_at",),
    "cancel": ("closed_at",),
}


def _check_order(start, end) -> None:
    """Refuse a window that ends before (or when) it starts."""
    if start and end and end <= start:
        raise InvalidInput("The planned end must be after the planned start.", field="planned_end")


def _checked_affected(
    actor, organisation, services: Iterable, assets: Iterable, change: Change | None = None
) -> dict[str, list]:
    """The services and assets a change may name, or a refusal saying which one is wrong.

    Services come from the catalogue, which every organisation shares (withdrawn ones only if
    the change already named them); assets must be ones the person may see, and belong to
    the change's organisation.
    """
    from assets.models import Asset

    services, assets = list(services), list(assets)
    kept = set() if change is None else set(change.affected_services.values_list("pk", flat=True))
    for service in services:
        if not service.is_active and service.pk not in kept:
            raise InvalidInput(
                f"The service “{service}” is withdrawn from the catalogue.",
                field="affected_services",
            )
    visible = set(
        Asset.objects.visible_to(actor)
        .filter(pk__in=[asset.pk for asset in assets])
        .values_list("pk", flat=True)
    )
    for asset in assets:
        if asset.pk not in visible:
            raise InvalidInput(
                "One of the assets does not exist or is not yours to see.",
                field="affected_assets",
            )
        if asset.organisation_id != organisation.pk:
            raise InvalidInput(
                f"The asset {asset} belongs to {asset.organisation}, not to {organisation}.",
                field="affected_assets",
            )
    return {"affected_services": services, "affected_assets": assets}


def _tell_requester(change: Change, title: str) -> None:
    """Notify the requester (and owner) of something that happened to their change."""
    for person in {change.requester, change.owner} - {None}:
        notify_user(person, f"{change.reference}: {title}", url=change.get_absolute_url())


@transaction.atomic
def do_create_change(
    *, actor, affected_services: Iterable = (), affected_assets: Iterable = (), **fields
) -> Change:
    """Raise a request for change; a template makes it a standard change with its plans."""
    require_permission(actor, "changes.add_change", "You do not have the right to raise changes.")
    unknown = set(fields) - set(CHANGE_FIELDS)
    if unknown:
        raise InvalidInput(f"Unknown fields: {', '.join(sorted(unknown))}.")
    organisation = fields.get("organisation")
    if organisation is None or not can_see(actor, organisation):
        raise InvalidInput("Choose an organisation you work for.", field="organisation")
    _check_order(fields.get("planned_start"), fields.get("planned_end"))
    template = fields.get("template")
    if template is not None:
        if not template.is_active:
            raise InvalidInput("That template is withdrawn.", field="template")
        fields["change_type"] = ChangeType.STANDARD
        for plan in ("implementation_plan", "backout_plan", "test_plan"):
            fields[plan] = fields.get(plan) or getattr(template, plan)
        fields["category"] = fields.get("category") or template.category
    elif fields.get("change_type") == ChangeType.STANDARD:
        raise InvalidInput(
            "A standard change must come from a pre-approved template.", field="template"
        )
    affected = _checked_affected(actor, organisation, affected_services, affected_assets)
    change = Change(requester=actor)
    save_audited(
        change,
        actor=actor,
        verb="change.created",
        changes={"requester": actor, **fields},
        many_to_many=affected,
        creating=True,
        exclude_from_validation=("status",),
    )
    return change


@transaction.atomic
def do_update_change(
    change: Change,
    *,
    actor,
    expected_version: int | None,
    affected_services: Iterable | None = None,
    affected_assets: Iterable | None = None,
    **fields,
) -> Change:
    """Edit a change before it is approved (its requester, owner or a change manager)."""
    change = lock_visible(Change, change.pk, actor, expected_version)
    if not (
        actor.pk in (change.requester_id, change.owner_id)
        or actor.has_perm("changes.manage_change")
    ):
        raise ActionForbidden("Only the requester, the owner or a change manager can edit it.")
    if change.status not in EDITABLE_STATES:
        raise ActionError(
            f"This change is {change.get_status_display()}: it can no longer be edited."
        )
    fields.pop("organisation", None)  # a change never moves between organisations
    _check_order(
        fields.get("planned_start", change.planned_start),
        fields.get("planned_end", change.planned_end),
    )
    template = fields.get("template", change.template)
    if template is not None:
        fields["change_type"] = ChangeType.STANDARD
    elif fields.get("change_type", change.change_type) == ChangeType.STANDARD:
        raise InvalidInput(
            "A standard change must come from a pre-approved template.", field="template"
        )
    # Only what is given is checked and replaced; None leaves that set as it is.
    affected = _checked_affected(
        actor, change.organisation, affected_services or (), affected_assets or (), change
    )
    many = {}
    if affected_services is not None:
        many["affected_services"] = affected["affected_services"]
    if affected_assets is not None:
        many["affected_assets"] = affected["affected_assets"]
    save_audited(
        change,
        actor=actor,
        verb="change.updated",
        changes=fields,
        many_to_many=many,
        exclude_from_validation=("status",),
    )
    return change


@transaction.atomic
def do_transition_change(
    change: Change,
    *,
    actor,
    name: str,
    expected_version: int | None = None,
    outcome: str = "",
    note: str = "",
) -> Change:
    """Take one of the simple edges (submit, send to CAB, start, complete, close, cancel...)."""
    if name not in SIMPLE_EDGES:
        raise ActionError(f"{name.replace('_', ' ').capitalize()} needs its own form.")
    change = lock_visible(Change, change.pk, actor, expected_version)
    kwargs = {"outcome": outcome} if name in {"complete", "fail"} else {}
    run_transition(
        change,
        name,
        actor=actor,
        verb=SIMPLE_EDGES[name],
        extra_fields=EXTRA_FIELDS.get(name, ()),
        note=note,
        **kwargs,
    )
    if name in {"approve_standard", "complete", "fail", "back_out", "cancel"}:
        _tell_requester(change, f"{change.get_status_display()}")
    return change


@transaction.atomic
def do_assess_change(
    change: Change, *, actor, expected_version: int | None, answers: dict[str, str]
) -> Change:
    """Record the risk questionnaire (questions and answers kept) and mark the change assessed."""
    change = lock_visible(Change, change.pk, actor, expected_version)
    missing = [key for key, _text, options in risk.QUESTIONS if answers.get(key) not in options]
    if missing:
        raise InvalidInput(
            "Answer every risk question: " + ", ".join(risk.QUESTION_TEXT[k] for k in missing)
        )
    result = risk.assess(answers)
    if change.status != S.SUBMITTED:
        raise ActionError(
            f"This change is {change.get_status_display()}: it cannot be assessed now."
        )
    change.risk_answers = result["answers"]
    change.risk_likelihood = result["likelihood"]
    change.risk_impact = result["impact"]
    change.risk_level = result["level"]
    run_transition(
        change,
        "assess",
        actor=actor,
        verb="change.assessed",
        extra_fields=("risk_answers", "risk_likelihood", "risk_impact", "risk_level"),
    )
    return change


@transaction.atomic
def do_schedule_change(
    change: Change,
    *,
    actor,
    expected_version: int | None,
    planned_start,
    planned_end,
    reason: str = "",
) -> tuple[Change, ScheduleReport]:
    """Fix an approved change's window, enforcing the change calendar's rules.

    Refused: an end before the start, a blackout (unless emergency). Allowed with a reason:
    outside every maintenance window. Allowed with a warning kept on the change: a collision
    with another change on the same item.
    """
    change = lock_visible(Change, change.pk, actor, expected_version)
    report = check_change_schedule(change, planned_start, planned_end)
    if report.errors:
        raise InvalidInput(" ".join(report.errors), field="planned_end")
    reason = reason.strip()
    if report.outside_windows and not reason:
        raise InvalidInput(
            "This window is outside every published maintenance window: give a reason to "
            "schedule it anyway.",
            field="reason",
        )
    change.planned_start = planned_start
    change.planned_end = planned_end
    change.out_of_window_reason = reason if report.outside_windows else ""
    change.schedule_warnings = "\n".join(report.warnings)
    run_transition(
        change,
        "schedule",
        actor=actor,
        verb="change.scheduled",
        extra_fields=("planned_start", "planned_end", "out_of_window_reason", "schedule_warnings"),
        note="\n".join(report.warnings),
    )
    _tell_requester(change, "scheduled")
    return change, report


@transaction.atomic
def do_record_ecab_approval(change: Change, *, actor, comment: str = "") -> Change:
    """One ECAB member approves an emergency change; at quorum the change is approved.

    The ECAB and its quorum are those of the CAB serving the change's organisation.
    """
    change = lock_visible(Change, change.pk, actor)
    if change.change_type != ChangeType.EMERGENCY:
        raise ActionError("Only emergency changes go to the ECAB.")
    if change.status not in (S.SUBMITTED, S.ASSESSED):
        raise ActionError(
            f"This change is {change.get_status_display()}: the ECAB cannot approve it now."
        )
    board = change.ecab_board()
    if board is None:
        raise ActionError(
            f"No active CAB serves {change.organisation}, so it has no ECAB to approve "
            "emergency changes: a change manager must add it to a CAB first."
        )
    if not actor.has_perm("changes.approve_emergency_change") or not (
        board.ecab_members.filter(pk=actor.pk).exists()
    ):
        raise ActionForbidden(
            f"Only the named ECAB members of {board} can approve emergency changes of "
            f"{change.organisation}."
        )
    if change.ecab_approvals.filter(approver=actor).exists():
        raise ActionError("You have already approved this emergency change.")
    EcabApproval.objects.create(change=change, approver=actor, comment=comment)
    record_audit(
        actor=actor,
        verb="change.ecab_approval",
        obj=change,
        after={"ecab_approver": str(actor), "comment": comment},
    )
    if change.ecab_approvals.count() >= board.ecab_quorum:
        run_transition(
            change,
            "approve_by_ecab",
            actor=actor,
            verb="change.approved_by_ecab",
            extra_fields=("approved_at",),
        )
        _tell_requester(change, "approved by the ECAB")
    return change


def incidents_by_reference(actor, references: str | Iterable[str]) -> list:
    """The incidents named by `references` (INC0001234 or the number), among those `actor` may
    see; refuses, naming it, the first reference that is malformed, unknown or not theirs.

    Unknown and invisible incidents get the same message, so the refusal reveals nothing.
    """
    from servicedesk.models import Incident
    from servicedesk.models.incidents import parse_reference

    if isinstance(references, str):
        references = re.split(r"[\s,;]+", references)
    found: dict[int, Incident] = {}
    for reference in (text.strip() for text in references):
        if not reference:
            continue
        pk = parse_reference(reference)
        if pk is None:
            raise InvalidInput(
                f"“{reference}” is not an incident reference (like INC0001234).",
                field="incidents_caused",
            )
        incident = Incident.objects.visible_to(actor).filter(pk=pk).first()
        if incident is None:
            raise InvalidInput(
                f"There is no incident {reference.upper()} that you may see.",
                field="incidents_caused",
            )
        found[incident.pk] = incident
    return list(found.values())


@transaction.atomic
def do_record_review(
    change: Change,
    *,
    actor,
    expected_version: int | None,
    outcome: str,
    incidents_caused: str | Iterable[str] = (),
    lessons: str = "",
) -> Change:
    """Record the post-implementation review and mark the change reviewed.

    `incidents_caused` names the incidents the change caused by reference; each must be one
    the reviewer may see.
    """
    change = lock_visible(Change, change.pk, actor, expected_version)
    require_permission(
        actor, "changes.manage_change", "Only a change manager can record the review."
    )
    if change.status not in (S.IMPLEMENTED, S.BACKED_OUT):
        raise ActionError(
            f"This change is {change.get_status_display()}: it cannot be reviewed now."
        )
    incidents = incidents_by_reference(actor, incidents_caused)
    review = PostImplementationReview(change=change, reviewed_by=actor)
    save_audited(
        review,
        actor=actor,
        verb="change.review_recorded",
        changes={"outcome": outcome, "lessons": lessons},
        many_to_many={"incidents_caused": incidents},
        creating=True,
    )
    change.review = review
    run_transition(change, "review_done", actor=actor, verb="change.reviewed")
    return change


def apply_cab_decision(change_pk: int, *, actor, outcome: str, conditions: str = "") -> Change:
    """Move a change as the CAB decided (called inside do_record_cab_decision's transaction)."""
    from changes.choices import DecisionOutcome as D

    # The chair decides for the whole CAB, whatever organisation the change belongs to.
    change = Change.objects.select_for_update().get(pk=change_pk)
    edge, verb, fields = {
        D.APPROVE: ("approve", "change.cab_approved", ("approved_at", "approval_conditions")),
        D.APPROVE_WITH_CONDITIONS: (
            "approve",
            "change.cab_approved_with_conditions",
            ("approved_at", "approval_conditions"),
        ),
        D.REJECT: ("reject", "change.cab_rejected", ("closed_at",)),
        D.DEFER: ("defer", "change.cab_deferred", ()),
    }[outcome]
    kwargs = {"conditions": conditions} if edge == "approve" else {}
    run_transition(change, edge, actor=actor, verb=verb, extra_fields=fields, **kwargs)
    _tell_requester(change, f"CAB decision: {D(outcome).label.lower()}")
    return change
