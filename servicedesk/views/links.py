"""Linking a call to the records it concerns: the assets of the caller's organisation."""

from __future__ import annotations

from django import forms

from core.exceptions import InvalidInput
from servicedesk import actions
from servicedesk.forms import LinkAssetsForm, resolve_assets
from servicedesk.models import Incident
from servicedesk.views.shared import IncidentActionView


class LinkAssetsView(IncidentActionView):
    """Set the assets a call concerns, named by tag or host name."""

    success_message = "Assets updated."

    def get_form_class(self):
        """The asset names."""
        return LinkAssetsForm

    def run(self, pk, user, version, data):
        """Find the named assets among the call's organisation's, then call the action."""
        organisation_id = Incident.objects.values_list("organisation_id", flat=True).get(pk=pk)
        try:
            assets = resolve_assets(user, organisation_id, data["assets"])
        except forms.ValidationError as error:
            raise InvalidInput(" ".join(error.messages), field="assets") from error
        return actions.do_link_incident_assets(
            pk, actor=user, assets=assets, expected_version=version
        )
