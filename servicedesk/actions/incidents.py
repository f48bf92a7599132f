"""Actions on incidents: log, move through the life cycle, comment, rate, sweep the SLAs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import PurePath

from django.db import transaction
from django.utils import timezone

from core.actions.base import lock_visible, require_permission, save_audited
from core.audit import diff, record_audit, snapshot
from core.exceptions import ActionError, ActionForbidden, InvalidInput
from core.models import Team, User
from core.notify import notify_user, send_email_on_commit
from core.realtime import broadcast_on_commit
from core.visibility import visible_to
from core.workflow import run_transition
from servicedesk import sla
from servicedesk.choices import (
    OPEN_STATUSES,
    Channel,
    IncidentStatus,
    Level,
    PendingReason,
    ResolutionCode,
)
from servicedesk.filetypes import content_matches, expected_kind
from servicedesk.models import (
    Attachment,
    Category,
    Comment,
    Incident,
    Service,
    ServiceStandard,
    SurveyResponse,
)
from servicedesk.models.catalogue import DEFAULT_TARGETS, priority_for
from servicedesk.models.incidents import ALLOWED_EXTENSIONS, MAX_ATTACHMENT_BYTES
from servicedesk.realtime import incident_group, incident_internal_group, team_queue_group
from servicedesk.workflows import WORK, reopen_window_days, within_reopen_window

# Every field a transition or an action may change; run_transition saves and audits them.
MUTABLE_FIELDS = (
    "team",
    "assignee",
    "pending_reason",
    "reassignment_count",
    "reopen_count",
    "resolved_first_contact",
    "resolution_code",
    "resolution_notes",
    "first_response_at",
    "resolved_at",
    "closed_at",
    "auto_close_at",
    *sla.CLOCK_FIELDS,
)


# --- helpers ----------------------------------------------------------------------------
def targets_for(service: Service, priority: int, vip: bool) -> tuple[int, int]:
    """(response, resolution) targets in business seconds: the VIP standard, else everyone's."""
    standards = {
        standard.audience: standard
        for standard in ServiceStandard.objects.filter(service=service, priority=priority)
    }
    standard = (standards.get("vip") if vip else None) or standards.get("")
    if standard is None:
        response, resolution = DEFAULT_TARGETS[int(priority)]
    else:
        response, resolution = standard.response_minutes, standard.resolution_minutes
    return response * 60, resolution * 60


def validate_upload(upload) -> tuple[str, str]:
    """Refuse an oversize file, a type not on the list, or content that is not what its
    extension claims (an .exe renamed .pdf); return (clean name, content type)."""
    name = PurePath(upload.name or "file").name[:200]
    suffix = PurePath(name).suffix.lower()
    if suffix not in ALLOWED_EXTENSIONS:
        allowed = ", ".join(sorted(ALLOWED_EXTENSIONS))
        raise InvalidInput(
            f"{name}: files of this type cannot be attached (allowed: {allowed}).",
            field="attachments",
        )
    if upload.size > MAX_ATTACHMENT_BYTES:
        limit = MAX_ATTACHMENT_BYTES // (1024 * 1024)
        raise InvalidInput(f"{name} is larger than the {limit} MB limit.", field="attachments")
    if not content_matches(upload, suffix):
        raise InvalidInput(
            f"{name} is not {expected_kind(suffix)}, as its name says it is: its content is of "
            "another type, so it cannot be attached. Save it in the right format and try again.",
            field="attachments",
        )
    return name, ALLOWED_EXTENSIONS[suffix]


def check_incident_assets(actor, organisation_id: int, assets: Iterable) -> list:
    """Refuse assets the actor may not see or of another organisation than the call's."""
    from assets.models import Asset

    assets = list(assets)
    visible = set(
        visible_to(Asset.objects.filter(pk__in=[a.pk for a in assets]), actor).values_list(
            "pk", flat=True
        )
    )
    for asset in assets:
        if asset.pk not in visible:
            raise ActionForbidden(f"Asset {asset} does not exist or is not yours to see.")
        if asset.organisation_id != organisation_id:
            raise InvalidInput(
                f"Asset {asset} belongs to another organisation than the call's.", field="assets"
            )
    return assets


def _store_attachments(
    incident: Incident, actor, uploads: Iterable, internal: bool = False
) -> list[Attachment]:
    """Save uploads already checked by validate_upload, under random names."""
    stored = []
    for upload in uploads:
        name, content_type = validate_upload(upload)
        attachment = Attachment(
            incident=incident,
            uploaded_by=actor,
            original_name=name,
            content_type=content_type,
            size=upload.size,
            is_internal=internal,
        )
        attachment.file.save(name, upload, save=False)
        attachment.save()
        stored.append(attachment)
    return stored


def _announce(incident: Incident, event: str, *, old_team_id: int | None = None) -> None:
    """Tell open queue pages and call pages that the call changed (after commit)."""
    message = {
        "type": "incident",
        "event": event,
        "id": incident.pk,
        "reference": incident.reference,
        "status": incident.status,
        "version": incident.version,
    }
    broadcast_on_commit(incident_group(incident.pk), message)
    for team_id in {incident.team_id, old_team_id} - {None}:
        broadcast_on_commit(team_queue_group(team_id), message)
    # The organisation's wallboards recompute their figures (each for its own viewer).
    from kpis.wallboard import wallboard_group

    broadcast_on_commit(wallboard_group(incident.organisation_id), {"type": "wallboard.changed"})


def _transition(
    incident_id: int,
    name: str,
    *,
    actor,
    verb: str,
    expected_version: int | None,
    note: str = "",
    with_spec: bool = True,
    **kwargs,
) -> Incident:
    """Lock the call, take edge `name`, save and audit it, announce it after commit."""
    incident = lock_visible(Incident, incident_id, actor, expected_version)
    old_team_id = incident.team_id
    at = kwargs.pop("at", None) or timezone.now()
    if with_spec:
        kwargs["spec"] = incident.calendar_spec()
    run_transition(
        incident,
        name,
        actor=actor,
        verb=verb,
        extra_fields=MUTABLE_FIELDS,
        note=note,
        at=at,
        **kwargs,
    )
    _announce(incident, verb, old_team_id=old_team_id)
    return incident


def _save_changes(incident: Incident, fields: list[str]) -> None:
    """Save `fields` of an incident already changed in memory, with a new version."""
    incident.version += 1
    incident.save(update_fields=[*fields, "version", "updated_at"])


# --- logging ----------------------------------------------------------------------------
@transaction.atomic
def do_log_incident(
    *,
    actor,
    caller: User,
    service: Service,
    short_description: str,
    description: str = "",
    category: Category | None = None,
    impact: int = Level.MEDIUM,
    urgency: int = Level.MEDIUM,
    channel: str = Channel.PORTAL,
    attachments: Iterable = (),
    resolve_now: bool = False,
    resolution_code: str = "",
    resolution_notes: str = "",
    assets: Iterable = (),
) -> Incident:
    """Log a call (for oneself, or for a caller on the phone), optionally fixed there and then.

    Resolving at first contact takes the ordinary resolve edge, by the logging agent, in the
    same transaction, and marks the call resolved on first contact.
    """
    require_permission(actor, "servicedesk.add_incident", "You may not log calls.")
    if caller.pk != actor.pk:
        require_permission(
            actor,
            "servicedesk.log_incident_for_others",
            "Only service desk agents may log calls on someone else's behalf.",
        )
        if not visible_to(User.objects.filter(pk=caller.pk), actor).exists():
            raise ActionForbidden("You do not serve that caller's organisation.")
    if caller.organisation_id is None:
        raise InvalidInput("The caller belongs to no organisation.", field="caller")
    if not service.is_active:
        raise InvalidInput("That service is no longer offered.", field="service")
    if category is not None and (
        not category.is_active or (category.service_id and category.service_id != service.pk)
    ):
        raise InvalidInput("That category does not belong to this service.", field="category")
    if not short_description.strip():
        raise InvalidInput("Say in a few words what is wrong.", field="short_description")
    if impact not in Level.values or urgency not in Level.values:
        raise InvalidInput("Impact and urgency must be high, medium or low.", field="impact")
    if channel not in Channel.values:
        raise InvalidInput("Unknown channel.", field="channel")
    attachments = list(attachments)
    for upload in attachments:
        validate_upload(upload)  # before anything is written: no partial records
    assets = check_incident_assets(actor, caller.organisation_id, assets)
    if resolve_now:
        if resolution_code not in ResolutionCode.values or not resolution_notes.strip():
            raise InvalidInput(
                "To resolve at first contact give a resolution code and notes.",
                field="resolution_notes",
            )

    at = timezone.now()
    priority = priority_for(impact, urgency)
    response_target, resolution_target = targets_for(service, priority, caller.is_vip)
    incident = Incident(
        organisation_id=caller.organisation_id,
        caller=caller,
        logged_by=actor,
        channel=channel,
        service=service,
        category=category,
        short_description=short_description.strip(),
        description=description,
        impact=impact,
        urgency=urgency,
        priority=priority,
        is_vip_audience=caller.is_vip,
        team=service.owner_team,
        opened_at=at,
        response_target_seconds=response_target,
        resolution_target_seconds=resolution_target,
    )
    spec = incident.calendar_spec()
    incident.recompute_due(spec, at)
    incident.save()
    if assets:
        incident.assets.set(assets)
    logged = ["caller", "channel", "service", "category", "priority", "team", "status"]
    record_audit(
        actor=actor,
        verb="incident.logged",
        obj=incident,
        after=snapshot(incident, [*logged, "assets"] if assets else logged),
    )
    _store_attachments(incident, actor, attachments)
    if resolve_now:
        run_transition(
            incident,
            "resolve",
            actor=actor,
            verb="incident.resolved",
            extra_fields=MUTABLE_FIELDS,
            note="resolved on first contact",
            code=resolution_code,
            notes=resolution_notes,
            at=at,
            spec=spec,
            first_contact=True,
        )
        _ask_for_rating(incident)
    _announce(incident, "incident.logged")
    return incident


# --- life cycle -------------------------------------------------------------------------
def _team_serves(team: Team, incident: Incident) -> bool:
    """A team may only work calls of the organisations it serves."""
    return team.organisations.filter(pk=incident.organisation_id).exists()


@transaction.atomic
def do_assign_incident(
    incident_id: int, *, actor, team: Team, assignee: User | None = None, expected_version=None
) -> Incident:
    """Give a call to a team, perhaps one of its members; a change of team is counted."""
    incident = Incident.objects.only("organisation_id").get(pk=incident_id)
    if not team.is_active or not _team_serves(team, incident):
        raise InvalidInput(f"{team} does not serve this call's organisation.", field="team")
    if assignee is not None and not team.members.filter(pk=assignee.pk).exists():
        raise InvalidInput(f"{assignee} is not a member of {team}.", field="assignee")
    note = f"to {team}" + (f" ({assignee})" if assignee else "")
    return _transition(
        incident_id,
        "assign",
        actor=actor,
        verb="incident.assigned",
        expected_version=expected_version,
        note=note,
        team=team,
        assignee=assignee,
    )


@transaction.atomic
def do_take_incident(incident_id: int, *, actor, expected_version=None) -> Incident:
    """The acting agent takes the call; it moves to one of their teams if theirs is not it."""
    incident = Incident.objects.only("team_id", "organisation_id").get(pk=incident_id)
    team = None
    if incident.team_id is None or not actor.teams.filter(pk=incident.team_id).exists():
        team = (
            actor.teams.filter(is_active=True, organisations=incident.organisation_id)
            .order_by("pk")
            .first()
        )
    return _transition(
        incident_id,
        "take",
        actor=actor,
        verb="incident.taken",
        expected_version=expected_version,
        agent=actor,
        team=team,
    )


@transaction.atomic
def do_start_incident(incident_id: int, *, actor, expected_version=None) -> Incident:
    """Start work on an assigned call."""
    return _transition(
        incident_id,
        "start",
        actor=actor,
        verb="incident.started",
        expected_version=expected_version,
    )


@transaction.atomic
def do_put_incident_on_hold(
    incident_id: int, *, actor, reason: str, expected_version=None
) -> Incident:
    """Wait for the caller, a supplier or a change; the resolution clock pauses."""
    if reason not in PendingReason.values:
        raise InvalidInput("Say what the call is waiting for.", field="reason")
    return _transition(
        incident_id,
        "put_on_hold",
        actor=actor,
        verb="incident.pending",
        expected_version=expected_version,
        note=PendingReason(reason).label,
        reason=reason,
    )


@transaction.atomic
def do_resume_incident(incident_id: int, *, actor, expected_version=None) -> Incident:
    """Work on a pending call again; its resolution clock runs on."""
    return _transition(
        incident_id,
        "resume",
        actor=actor,
        verb="incident.resumed",
        expected_version=expected_version,
    )


def _ask_for_rating(incident: Incident) -> None:
    """Tell the caller their call is resolved and ask them to confirm it and rate it."""
    notify_user(
        incident.caller,
        f"{incident.reference} is resolved: please confirm and rate it",
        body=incident.resolution_notes,
        url=incident.get_portal_url(),
    )


@transaction.atomic
def do_resolve_incident(
    incident_id: int, *, actor, code: str, notes: str, expected_version=None
) -> Incident:
    """Resolve a call with a code and notes; the caller is asked to confirm and rate it."""
    if code not in ResolutionCode.values:
        raise InvalidInput("Choose a resolution code.", field="code")
    if not notes.strip():
        raise InvalidInput("Say how the call was resolved.", field="notes")
    incident = _transition(
        incident_id,
        "resolve",
        actor=actor,
        verb="incident.resolved",
        expected_version=expected_version,
        code=code,
        notes=notes.strip(),
    )
    _ask_for_rating(incident)
    return incident


@transaction.atomic
def do_reopen_incident(
    incident_id: int, *, actor, reason: str = "", expected_version=None
) -> Incident:
    """The fix did not hold: work on the call again (counted); the caller or an agent may."""
    current = visible_to(Incident.objects.filter(pk=incident_id), actor).first()
    if current and current.status == IncidentStatus.RESOLVED and not within_reopen_window(current):
        # Checked here because django-fsm reports an unmet condition as a missing right.
        raise ActionError(
            f"This call was resolved more than {reopen_window_days()} days ago, past the "
            "reopen window: please log a new call."
        )
    incident = _transition(
        incident_id,
        "reopen",
        actor=actor,
        verb="incident.reopened",
        expected_version=expected_version,
        note=reason.strip(),
    )
    if reason.strip():
        Comment.objects.create(
            incident=incident, author=actor, body=f"Reopened: {reason.strip()}", is_internal=False
        )
    return incident


@transaction.atomic
def do_confirm_incident(incident_id: int, *, actor, expected_version=None) -> Incident:
    """The caller confirms the fix; the call closes."""
    return _transition(
        incident_id,
        "confirm",
        actor=actor,
        verb="incident.closed",
        expected_version=expected_version,
        with_spec=False,
    )


@transaction.atomic
def do_cancel_incident(
    incident_id: int, *, actor, reason: str = "", expected_version=None
) -> Incident:
    """Withdraw a call logged by mistake."""
    return _transition(
        incident_id,
        "cancel",
        actor=actor,
        verb="incident.cancelled",
        expected_version=expected_version,
        note=reason.strip(),
        with_spec=False,
    )


@transaction.atomic
def do_auto_close_incident(incident_id: int, *, at: dt.datetime | None = None) -> Incident:
    """Close a resolved call whose caller did nothing within the working days allowed (system)."""
    incident = Incident.objects.select_for_update().get(pk=incident_id)
    old_team_id = incident.team_id
    run_transition(
        incident,
        "auto_close",
        actor=None,
        verb="incident.closed",
        extra_fields=MUTABLE_FIELDS,
        note="closed automatically: no answer from the caller",
        at=at or timezone.now(),
    )
    _announce(incident, "incident.closed", old_team_id=old_team_id)
    return incident


@transaction.atomic
def do_reprioritise_incident(
    incident_id: int,
    *,
    actor,
    impact: int,
    urgency: int,
    service: Service | None = None,
    expected_version=None,
) -> Incident:
    """Change impact, urgency (so priority) or service; deadlines follow from the measured time."""
    require_permission(
        actor, "servicedesk.reprioritise_incident", "You may not change a call's priority."
    )
    if impact not in Level.values or urgency not in Level.values:
        raise InvalidInput("Impact and urgency must be high, medium or low.", field="impact")
    incident = lock_visible(Incident, incident_id, actor, expected_version)
    if not incident.is_open:
        raise ActionError(
            f"This call is {incident.get_status_display()}: its priority can no longer change."
        )
    service = service or incident.service
    if not service.is_active:
        raise InvalidInput("That service is no longer offered.", field="service")
    tracked = [
        "impact",
        "urgency",
        "priority",
        "service",
        "response_target_seconds",
        "resolution_target_seconds",
        "response_due",
        "resolution_due",
        "sla_warn_at",
        "sla_warned",
        "sla_escalated",
        "resolution_breached",
    ]
    before = snapshot(incident, tracked)
    at = timezone.now()
    incident.impact, incident.urgency, incident.service = impact, urgency, service
    incident.priority = priority_for(impact, urgency)
    incident.response_target_seconds, incident.resolution_target_seconds = targets_for(
        service, incident.priority, incident.is_vip_audience
    )
    incident.recompute_due(incident.calendar_spec(), at)
    old, new = diff(before, snapshot(incident, tracked))
    if not new:
        return incident
    _save_changes(incident, tracked)
    record_audit(actor=actor, verb="incident.reprioritised", obj=incident, before=old, after=new)
    _announce(incident, "incident.reprioritised")
    return incident


@transaction.atomic
def do_link_incident_assets(
    incident_id: int, *, actor, assets: Iterable, expected_version: int | None = None
) -> Incident:
    """Set the equipment a call concerns: assets of its organisation the agent may see."""
    require_permission(actor, WORK, "Only service desk agents may link assets to calls.")
    incident = lock_visible(Incident, incident_id, actor, expected_version)
    assets = check_incident_assets(actor, incident.organisation_id, assets)
    save_audited(
        incident,
        actor=actor,
        verb="incident.assets_linked",
        changes={},
        many_to_many={"assets": assets},
        exclude_from_validation=("status",),
    )
    _announce(incident, "incident.assets_linked")
    return incident


# --- comments and ratings ---------------------------------------------------------------
@transaction.atomic
def do_add_comment(
    incident_id: int, *, actor, body: str, internal: bool = False, attachments: Iterable = ()
) -> Comment:
    """Add a public comment (the caller sees it) or an internal work note (agents only)."""
    require_permission(actor, "servicedesk.add_comment", "You may not comment on calls.")
    if internal:
        require_permission(
            actor,
            "servicedesk.view_internal_comment",
            "Only service desk staff may write internal work notes.",
        )
    if not body.strip():
        raise InvalidInput("Write something first.", field="body")
    attachments = list(attachments)
    for upload in attachments:
        validate_upload(upload)
    incident = lock_visible(Incident, incident_id, actor)
    if incident.status in (IncidentStatus.CLOSED, IncidentStatus.CANCELLED):
        raise ActionError(f"This call is {incident.get_status_display()}: log a new one instead.")
    comment = Comment.objects.create(
        incident=incident, author=actor, body=body.strip(), is_internal=internal
    )
    _store_attachments(incident, actor, attachments, internal=internal)
    fields = []
    if not internal and actor.pk != incident.caller_id and actor.has_perm(WORK):
        before = incident.first_response_at
        incident.record_response(comment.created_at, incident.calendar_spec())
        if before is None:
            fields = ["first_response_at", "business_seconds_to_respond", "response_breached"]
    if fields:
        _save_changes(incident, fields)
    record_audit(
        actor=actor,
        verb="incident.noted" if internal else "incident.commented",
        obj=incident,
        after={"comment": comment.pk, "internal": internal},
    )
    event = {
        "type": "incident",
        "event": "incident.commented",
        "id": incident.pk,
        "reference": incident.reference,
        "status": incident.status,
        "version": incident.version,
    }
    if internal:
        # Callers are never told an internal note exists.
        broadcast_on_commit(incident_internal_group(incident.pk), event)
    else:
        broadcast_on_commit(incident_group(incident.pk), event)
    if incident.team_id:
        broadcast_on_commit(team_queue_group(incident.team_id), event)
    if not internal and actor.pk != incident.caller_id:
        notify_user(
            incident.caller,
            f"New comment on {incident.reference}",
            body=comment.body,
            url=incident.get_portal_url(),
        )
    return comment


@transaction.atomic
def do_rate_incident(incident_id: int, *, actor, score: int, comment: str = "") -> SurveyResponse:
    """The caller rates a resolved or closed call from 1 to 5, once."""
    require_permission(actor, "servicedesk.add_surveyresponse", "You may not rate calls.")
    incident = lock_visible(Incident, incident_id, actor)
    if incident.caller_id != actor.pk:
        raise ActionForbidden("Only the caller may rate this call.")
    if incident.status not in (IncidentStatus.RESOLVED, IncidentStatus.CLOSED):
        raise ActionError("You can rate a call once it is resolved.")
    if SurveyResponse.objects.filter(incident=incident).exists():
        raise ActionError("You have already rated this call. Thank you!")
    try:
        score = int(score)
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        raise InvalidInput("Choose a score from 1 to 5.", field="score")
    response = SurveyResponse.objects.create(
        incident=incident, respondent=actor, score=score, comment=comment.strip()
    )
    record_audit(actor=actor, verb="incident.rated", obj=incident, after={"score": score})
    _announce(incident, "incident.rated")
    return response


# --- bulk -------------------------------------------------------------------------------
def _bulk(incident_ids: Iterable[int], run) -> tuple[list[Incident], list[tuple[int, str]]]:
    """Run one action per call, each in its own transaction; collect what was refused."""
    done, refused = [], []
    for incident_id in incident_ids:
        try:
            done.append(run(incident_id))
        except ActionError as exc:
            refused.append((incident_id, exc.message))
    return done, refused


def do_bulk_assign_incidents(
    incident_ids: Iterable[int], *, actor, team: Team, assignee: User | None = None
):
    """Assign several calls through do_assign_incident; returns (done, refused)."""
    return _bulk(
        incident_ids,
        lambda pk: do_assign_incident(pk, actor=actor, team=team, assignee=assignee),
    )


def do_bulk_resolve_incidents(incident_ids: Iterable[int], *, actor, code: str, notes: str):
    """Resolve several calls through do_resolve_incident; returns (done, refused)."""
    return _bulk(
        incident_ids, lambda pk: do_resolve_incident(pk, actor=actor, code=code, notes=notes)
    )


# --- SLA sweep (system) -----------------------------------------------------------------
def _team_addresses(team: Team | None) -> list[str]:
    """The team's shared mailbox, else its members' addresses."""
    if team is None:
        return []
    if team.email:
        return [team.email]
    return [address for address in team.members.values_list("email", flat=True) if address]


@transaction.atomic
def do_warn_incident_breach(incident_id: int, *, at: dt.datetime | None = None) -> bool:
    """Warn the team once that a call has used 75% of its resolution target (system)."""
    at = at or timezone.now()
    incident = (
        Incident.objects.select_for_update(of=("self",)).select_related("team").get(pk=incident_id)
    )
    if (
        incident.sla_warned
        or incident.status not in OPEN_STATUSES
        or incident.sla_warn_at is None
        or incident.sla_warn_at > at
    ):
        return False
    incident.sla_warned = True
    _save_changes(incident, ["sla_warned"])
    record_audit(actor=None, verb="incident.sla_warned", obj=incident, after={"sla_warned": True})
    send_email_on_commit(
        _team_addresses(incident.team),
        f"[civicdesk] {incident.reference} has used 75% of its resolution time",
        f"{incident}\nDue {timezone.localtime(incident.resolution_due):%d %b %Y %H:%M}"
        if incident.resolution_due
        else str(incident),
    )
    return True


@transaction.atomic
def do_escalate_incident_breach(incident_id: int, *, at: dt.datetime | None = None) -> bool:
    """Escalate once to the team lead a call that has passed its resolution deadline (system)."""
    at = at or timezone.now()
    incident = (
        Incident.objects.select_for_update(of=("self",))
        .select_related("team__lead")
        .get(pk=incident_id)
    )
    if (
        incident.sla_escalated
        or incident.status not in OPEN_STATUSES
        or incident.resolution_due is None
        or incident.resolution_due > at
    ):
        return False
    incident.sla_escalated = True
    incident.resolution_breached = True
    _save_changes(incident, ["sla_escalated", "resolution_breached"])
    record_audit(
        actor=None, verb="incident.sla_escalated", obj=incident, after={"sla_escalated": True}
    )
    lead = incident.team.lead if incident.team else None
    recipients = [lead.email] if lead and lead.email else _team_addresses(incident.team)
    send_email_on_commit(
        recipients,
        f"[civicdesk] {incident.reference} has breached its resolution target",
        f"{incident}\nTeam: {incident.team}\nAssignee: {incident.assignee or 'nobody'}",
    )
    _announce(incident, "incident.sla_escalated")
    return True
