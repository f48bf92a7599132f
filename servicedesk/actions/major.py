"""Actions on major incidents: declare, stand down, record the outage, post to the comms log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.actions.base import lock_visible, require_permission, save_audited
from core.audit import record_audit
from core.exceptions import ActionError, InvalidInput
from core.models import Organisation
from core.notify import notify_user, send_email_on_commit
from core.visibility import visible_to
from servicedesk.actions.incidents import _announce, _team_addresses
from servicedesk.choices import OPEN_STATUSES, IncidentStatus
from servicedesk.models import Incident, MajorIncidentUpdate, Service
from servicedesk.models.incidents import OUTAGE_END_BEFORE_START, OUTAGE_END_WITHOUT_START
from servicedesk.workflows import WORK

MANAGE_MAJOR = "servicedesk.manage_major_incident"

# django-fsm refuses the write-back of the protected state that full_clean does.
NOT_VALIDATED = ("status",)

# How far ahead of the server's clock an outage time may be, for a slightly fast PC clock.
CLOCK_SKEW = dt.timedelta(minutes=5)


def _lock_major(incident_id: int, actor, expected_version: int | None, *, must_be_major=True):
    """Check the right, then lock the call; refuse one that is not (or already is) major."""
    require_permission(actor, MANAGE_MAJOR, "Only a major incident manager may do that.")
    incident = lock_visible(Incident, incident_id, actor, expected_version)
    if must_be_major and not incident.is_major:
        raise ActionError(f"{incident.reference} is not a major incident.")
    return incident


def _check_affected(actor, services: Iterable[Service], organisations: Iterable[Organisation]):
    """Refuse withdrawn services and organisations the actor does not serve."""
    services, organisations = list(services), list(organisations)
    for service in services:
        if not service.is_active:
            raise InvalidInput(f"{service} is no longer offered.", field="affected_services")
    served = set(
        visible_to(
            Organisation.objects.filter(pk__in=[o.pk for o in organisations]), actor
        ).values_list("pk", flat=True)
    )
    for organisation in organisations:
        if organisation.pk not in served:
            raise InvalidInput(f"You do not serve {organisation}.", field="affected_organisations")
    return services, organisations


@transaction.atomic
def do_declare_major_incident(
    incident_id: int,
    *,
    actor,
    affected_services: Iterable[Service] = (),
    affected_organisations: Iterable[Organisation] = (),
    outage_start: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Incident:
    """Flag an open call as a major incident, with what it takes down and since when."""
    incident = _lock_major(incident_id, actor, expected_version, must_be_major=False)
    if incident.is_major:
        raise ActionError(f"{incident.reference} is already a major incident.")
    if not incident.is_open:
        raise ActionError(
            f"This call is {incident.get_status_display()}: only an open call can become a "
            "major incident."
        )
    services, organisations = _check_affected(actor, affected_services, affected_organisations)
    if outage_start is not None and outage_start > timezone.now() + CLOCK_SKEW:
        raise InvalidInput("The outage cannot start in the future.", field="outage_start")
    changes = {"is_major": True}
    if outage_start is not None:
        changes["outage_start"] = outage_start
    save_audited(
        incident,
        actor=actor,
        verb="incident.major_declared",
        changes=changes,
        exclude_from_validation=NOT_VALIDATED,
        many_to_many={
            "affected_services": services,
            "affected_organisations": organisations,
        },
    )
    send_email_on_commit(
        _team_addresses(incident.team),
        f"[civicdesk] {incident.reference} declared a major incident",
        f"{incident}\nDeclared by {actor}.\n{incident.get_absolute_url()}",
    )
    _announce(incident, "incident.major_declared")
    return incident


@transaction.atomic
def do_update_major_incident_scope(
    incident_id: int,
    *,
    actor,
    affected_services: Iterable[Service],
    affected_organisations: Iterable[Organisation],
    expected_version: int | None = None,
) -> Incident:
    """Change which services and organisations a major incident affects as it becomes clear."""
    incident = _lock_major(incident_id, actor, expected_version)
    services, organisations = _check_affected(actor, affected_services, affected_organisations)
    save_audited(
        incident,
        actor=actor,
        verb="incident.major_scope_changed",
        changes={},
        exclude_from_validation=NOT_VALIDATED,
        many_to_many={
            "affected_services": services,
            "affected_organisations": organisations,
        },
    )
    _announce(incident, "incident.major_scope_changed")
    return incident


@transaction.atomic
def do_set_outage_window(
    incident_id: int,
    *,
    actor,
    start: dt.datetime | None,
    end: dt.datetime | None,
    expected_version: int | None = None,
) -> Incident:
    """Record when the service outage of a major incident started and (once known) ended.

    An open outage has a start and no end. Both empty clears a window recorded by mistake.
    """
    incident = _lock_major(incident_id, actor, expected_version)
    if end is not None and start is None:
        raise InvalidInput(OUTAGE_END_WITHOUT_START, field="outage_end")
    if start is not None and end is not None and end < start:
        raise InvalidInput(OUTAGE_END_BEFORE_START, field="outage_end")
    latest = timezone.now() + CLOCK_SKEW
    if (start is not None and start > latest) or (end is not None and end > latest):
        raise InvalidInput(
            "Outage times cannot be in the future: record the end once service is back.",
            field="outage_start",
        )
    save_audited(
        incident,
        actor=actor,
        verb="incident.outage_recorded",
        changes={"outage_start": start, "outage_end": end},
        exclude_from_validation=NOT_VALIDATED,
    )
    _announce(incident, "incident.outage_recorded")
    return incident


@transaction.atomic
def do_stand_down_major_incident(
    incident_id: int, *, actor, expected_version: int | None = None
) -> Incident:
    """End the major incident; its outage window and comms log stay for the record.

    Refused while the outage is still open, so availability is never measured against an
    outage nobody closed.
    """
    incident = _lock_major(incident_id, actor, expected_version)
    if incident.outage_is_open:
        raise ActionError(
            "The outage is still open: record when service came back before standing down."
        )
    save_audited(
        incident,
        actor=actor,
        verb="incident.major_stood_down",
        changes={"is_major": False},
        exclude_from_validation=NOT_VALIDATED,
    )
    _announce(incident, "incident.major_stood_down")
    return incident


@transaction.atomic
def do_link_to_major_incident(
    incident_id: int, *, actor, major: Incident | None, expected_version: int | None = None
) -> Incident:
    """Record that a call is one more report of a major incident (or undo it, with None).

    Its caller then hears the major incident's public updates.
    """
    require_permission(actor, WORK, "Only service desk agents may link calls.")
    incident = lock_visible(Incident, incident_id, actor, expected_version)
    if major is not None:
        if major.pk == incident.pk or incident.is_major:
            raise InvalidInput(
                "A major incident cannot be linked to a major incident.", field="major_incident"
            )
        current = visible_to(
            Incident.objects.filter(pk=major.pk, is_major=True, status__in=OPEN_STATUSES), actor
        )
        if not current.exists():
            raise InvalidInput(
                f"{major.reference} is not a current major incident you may see.",
                field="major_incident",
            )
    if not incident.is_open and major is not None:
        raise ActionError(f"This call is {incident.get_status_display()}: it cannot be linked.")
    save_audited(
        incident,
        actor=actor,
        verb="incident.linked_to_major" if major else "incident.unlinked_from_major",
        changes={"major_incident": major},
        exclude_from_validation=NOT_VALIDATED,
    )
    _announce(incident, "incident.linked_to_major")
    return incident


def _public_recipients(incident: Incident) -> list:
    """People told of a public update: the callers of the major incident and of its open
    linked calls, and its assignee (each once)."""
    people = {incident.caller_id: incident.caller}
    if incident.assignee_id:
        people[incident.assignee_id] = incident.assignee
    linked = incident.linked_calls.filter(status__in=OPEN_STATUSES).select_related("caller")
    for call in linked:
        people.setdefault(call.caller_id, call.caller)
    return [person for person in people.values() if person.is_active]


@transaction.atomic
def do_post_major_incident_update(
    incident_id: int, *, actor, message: str, public: bool
) -> MajorIncidentUpdate:
    """Add an entry to a major incident's communications log and tell the people concerned.

    Public entries go to the portal banner of the affected organisations, to the caller (as a
    notification and email) and to the owning team's mailbox; the desk's own entries only
    to the team.
    """
    message = message.strip()
    if not message:
        raise InvalidInput("Write the update first.", field="message")
    incident = _lock_major(incident_id, actor, None)
    if not incident.is_open and incident.status != IncidentStatus.RESOLVED:
        raise ActionError(f"This call is {incident.get_status_display()}: the log is closed.")
    update = MajorIncidentUpdate.objects.create(
        incident=incident, author=actor, message=message, is_public=public
    )
    record_audit(
        actor=actor,
        verb="incident.major_update_posted",
        obj=incident,
        after={"update": update.pk, "public": public},
    )
    subject = f"{incident.reference} major incident update"
    if public:
        for person in _public_recipients(incident):
            if person.pk == actor.pk:
                continue
            is_staff = person.pk == incident.assignee_id
            # Callers of linked calls cannot open the major incident: the portal's front page
            # shows its public updates.
            if is_staff:
                url = incident.get_absolute_url()
            elif person.pk == incident.caller_id:
                url = incident.get_portal_url()
            else:
                url = reverse("servicedesk:portal")
            notify_user(person, subject, body=message, url=url)
    send_email_on_commit(
        _team_addresses(incident.team),
        f"[civicdesk] {subject}" + ("" if public else " (desk only)"),
        f"{incident}\n\n{message}\n\n{actor}",
    )
    _announce(incident, "incident.major_update_posted")
    return update
