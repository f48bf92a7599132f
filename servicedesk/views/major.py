"""Major incidents: the POST endpoints of the call page and the portal's banner."""

from __future__ import annotations

from django.db.models import Prefetch, Q

from servicedesk import actions
from servicedesk.actions.major import MANAGE_MAJOR
from servicedesk.forms import (
    DeclareMajorForm,
    LinkMajorForm,
    MajorScopeForm,
    MajorUpdateForm,
    OutageForm,
)
from servicedesk.models import Incident, MajorIncidentUpdate
from servicedesk.queries import open_major_incident_ids
from servicedesk.views.shared import IncidentActionView
from servicedesk.workflows import WORK


def major_incident_context(incident: Incident, user) -> dict:
    """What the desk's call page shows and offers about a major incident."""
    may_manage = user.has_perm(MANAGE_MAJOR)
    context = {
        "may_manage_major": may_manage,
        "major_updates": incident.major_updates.select_related("author"),
        "affected_services": incident.all_affected_services() if incident.is_major else [],
        "affected_organisations": incident.affected_organisations.all(),
    }
    if may_manage and incident.is_major:
        context["outage_form"] = OutageForm(
            user=user,
            initial={"outage_start": incident.outage_start, "outage_end": incident.outage_end},
        )
        context["major_update_form"] = MajorUpdateForm(user=user)
        context["major_scope_form"] = MajorScopeForm(
            user=user,
            initial={
                "affected_services": list(incident.affected_services.all()),
                "affected_organisations": list(incident.affected_organisations.all()),
            },
        )
    elif may_manage and incident.is_open:
        context["declare_major_form"] = DeclareMajorForm(user=user)
    if incident.is_major:
        context["linked_calls"] = incident.linked_calls.visible_to(user).select_related("caller")
    elif incident.is_open and user.has_perm(WORK):
        form = LinkMajorForm(user=user, initial={"major_incident": incident.major_incident_id})
        if form.fields["major_incident"].queryset.exists() or incident.major_incident_id:
            context["link_major_form"] = form
    return context


def public_major_incidents_for(user) -> list[Incident]:
    """Open major incidents affecting the person's organisation that have a public update.

    Deliberately not limited by `visible_to`: staff may not read other people's calls, but
    the public updates of an outage affecting their organisation are written for them. Only
    the services, outage start and public updates are shown, never the call itself.
    """
    organisation_id = getattr(user, "organisation_id", None)
    if organisation_id is None:
        return []
    public_updates = MajorIncidentUpdate.objects.filter(is_public=True).order_by("-created_at")
    incidents = (
        Incident.objects.filter(pk__in=open_major_incident_ids())
        .filter(Q(organisation_id=organisation_id) | Q(affected_organisations=organisation_id))
        .filter(major_updates__is_public=True)
        .distinct()
        .select_related("service")
        .prefetch_related(
            "affected_services", Prefetch("major_updates", public_updates, "public_updates")
        )
        .order_by("-id")
    )
    return list(incidents[:10])


class DeclareMajorView(IncidentActionView):
    """Declare a call a major incident."""

    success_message = "Declared a major incident."

    def get_form_class(self):
        """What it affects and since when."""
        return DeclareMajorForm

    def run(self, pk, user, version, data):
        """Call do_declare_major_incident."""
        return actions.do_declare_major_incident(
            pk,
            actor=user,
            affected_services=data["affected_services"],
            affected_organisations=data["affected_organisations"],
            outage_start=data["outage_start"],
            expected_version=version,
        )


class MajorScopeView(IncidentActionView):
    """Change the services and organisations a major incident affects."""

    success_message = "Affected services and organisations updated."

    def get_form_class(self):
        """The scope form."""
        return MajorScopeForm

    def run(self, pk, user, version, data):
        """Call do_update_major_incident_scope."""
        return actions.do_update_major_incident_scope(
            pk,
            actor=user,
            affected_services=data["affected_services"],
            affected_organisations=data["affected_organisations"],
            expected_version=version,
        )


class OutageWindowView(IncidentActionView):
    """Record the outage window of a major incident."""

    success_message = "Outage window recorded."

    def get_form_class(self):
        """Start and end."""
        return OutageForm

    def run(self, pk, user, version, data):
        """Call do_set_outage_window."""
        return actions.do_set_outage_window(
            pk,
            actor=user,
            start=data["outage_start"],
            end=data["outage_end"],
            expected_version=version,
        )


class StandDownMajorView(IncidentActionView):
    """Stand down a major incident."""

    success_message = "Major incident stood down."

    def run(self, pk, user, version, data):
        """Call do_stand_down_major_incident."""
        return actions.do_stand_down_major_incident(pk, actor=user, expected_version=version)


class LinkMajorView(IncidentActionView):
    """Link a call to the major incident it is one more report of (or unlink it)."""

    success_message = "Link to the major incident saved."

    def get_form_class(self):
        """The choice of current major incidents."""
        return LinkMajorForm

    def run(self, pk, user, version, data):
        """Call do_link_to_major_incident."""
        return actions.do_link_to_major_incident(
            pk, actor=user, major=data["major_incident"], expected_version=version
        )


class MajorUpdateView(IncidentActionView):
    """Post to a major incident's communications log."""

    success_message = "Update posted."

    def get_form_class(self):
        """The update form."""
        return MajorUpdateForm

    def run(self, pk, user, version, data):
        """Call do_post_major_incident_update."""
        return actions.do_post_major_incident_update(
            pk, actor=user, message=data["message"], public=data["public"]
        )
