"""The self-service portal: log a call, my calls, one call (public side only)."""

from django.shortcuts import redirect

from core.models import Team, TeamKind
from core.views.generic import AreaHomeView, ObjectDetailView, ObjectEditView, ObjectListView
from servicedesk import queries
from servicedesk.actions import do_log_incident
from servicedesk.choices import Channel, Level
from servicedesk.filtersets import IncidentFilterSet
from servicedesk.forms import CommentForm, LogIncidentForm, RatingForm, ReasonForm
from servicedesk.models import Incident
from servicedesk.tables import IncidentTable
from servicedesk.views.major import public_major_incidents_for
from servicedesk.views.shared import IncidentPageMixin

PROFILE_LINKS = [
    ("My profile", "core:profile", None, "Your organisation, department, site, teams and roles."),
    ("Notifications", "core:notifications", None, "Everything the desk has told you."),
]


class PortalHomeView(AreaHomeView):
    """The self-service portal's front page for staff."""

    permission_required = "core.use_portal"
    template_name = "servicedesk/portal_home.html"
    title = "Self-service portal"
    links = [
        (
            "Log a call",
            "servicedesk:portal_log",
            "servicedesk.add_incident",
            "Tell us what is wrong.",
        ),
        ("My calls", "servicedesk:portal_calls", "servicedesk.view_incident", "Calls you logged."),
        (
            "Request something",
            "servicerequests:catalogue",
            "servicerequests.add_servicerequest",
            "Equipment, software, access: the request catalogue.",
        ),
        (
            "My requests",
            "servicerequests:portal_requests",
            "servicerequests.view_servicerequest",
            "What you asked for, who approved it and how the work is going.",
        ),
        (
            "Approvals",
            "servicerequests:approval_queue",
            "servicerequests.view_approval",
            "Requests awaiting your decision, and who stands in for you.",
        ),
        *PROFILE_LINKS,
    ]

    def get_context_data(self, **kwargs):
        """Add the service desks that serve the person's organisation and their latest calls."""
        context = super().get_context_data(**kwargs)
        organisation = self.request.user.organisation
        context["service_desks"] = (
            Team.objects.filter(
                kind=TeamKind.SERVICE_DESK, organisations=organisation, is_active=True
            )
            if organisation
            else Team.objects.none()
        )
        context["recent_calls"] = queries.my_calls(self.request.user)[:5]
        context["major_banner"] = public_major_incidents_for(self.request.user)
        return context


class MyCallsView(ObjectListView):
    """The calls a person logged, and their states."""

    permission_required = "core.use_portal"
    model = Incident
    table_class = IncidentTable
    filterset_class = IncidentFilterSet
    title = "My calls"
    create_url_name = "servicedesk:portal_log"
    create_permission = "servicedesk.add_incident"

    def get_queryset(self):
        """Only the person's own calls, even for agents."""
        return queries.my_calls(self.request.user)

    def get_table_kwargs(self):
        """Callers do not need the desk's columns or selection boxes; links go to the portal."""
        return {"exclude": ("selection", "team", "assignee", "caller"), "portal": True}


class PortalLogView(ObjectEditView):
    """Log a call for oneself."""

    model = Incident
    form_class = LogIncidentForm
    template_name = "servicedesk/incident_form.html"
    add_permission = "servicedesk.add_incident"
    success_message = "Your call is logged. We will be in touch."

    def perform(self, form):
        """Log through the action; the caller is the person signed in."""
        data = form.cleaned_data
        self.record = do_log_incident(
            actor=self.request.user,
            caller=self.request.user,
            service=data["service"],
            category=data["category"],
            short_description=data["short_description"],
            description=data["description"],
            impact=data["impact"],
            urgency=Level.MEDIUM,
            channel=Channel.PORTAL,
            attachments=data["attachments"],
        )
        return self.record

    def form_valid(self, form):
        """Go to the portal's page of the new call rather than the desk's."""
        response = super().form_valid(form)
        if response.status_code == 302:
            return redirect(self.record.get_portal_url())
        return response

    def get_context_data(self, **kwargs):
        """Title it as the portal does."""
        context = super().get_context_data(**kwargs)
        context["title"] = "Log a call"
        # Shown where people log calls, so nobody reports an outage the desk already knows.
        context["major_banner"] = public_major_incidents_for(self.request.user)
        return context


class PortalIncidentView(IncidentPageMixin, ObjectDetailView):
    """The caller's own call: state, public comments, confirm or reopen, rating."""

    permission_required = "core.use_portal"
    model = Incident
    template_name = "servicedesk/portal_incident.html"
    internal = False

    def get_queryset(self):
        """The person's own calls only, so nobody reads someone else's through the portal."""
        return queries.my_calls(self.request.user).select_related("survey")

    def get_context_data(self, **kwargs):
        """Add the comment, reopen and rating forms."""
        context = super().get_context_data(**kwargs)
        context["comment_form"] = CommentForm(user=self.request.user)
        context["reason_form"] = ReasonForm()
        context["rating_form"] = RatingForm()
        return context
