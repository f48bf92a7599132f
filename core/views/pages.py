"""Pages of core: landing redirect, profile, notifications, and the settings pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views import View
from django.views.generic import ListView, TemplateView

from core import actions
from core.filtersets import OrganisationFilterSet, PersonFilterSet, TeamFilterSet
from core.forms import OrganisationForm, PersonForm, TeamForm
from core.models import AuditEvent, BusinessCalendar, Organisation, Team, User
from core.navigation import landing_url_for
from core.tables import OrganisationTable, PersonTable, TeamTable
from core.views.generic import ObjectDetailView, ObjectEditView, ObjectListView, ScopedMixin


class HomeView(LoginRequiredMixin, View):
    """Send a signed-in person to the landing page of their role."""

    def get(self, request):
        """Redirect to the person's landing page."""
        return redirect(landing_url_for(request.user))


class ProfileView(LoginRequiredMixin, TemplateView):
    """Who I am: organisation, place, teams, roles."""

    template_name = "core/profile.html"


class NotificationListView(LoginRequiredMixin, ListView):
    """My notifications, newest first, with a button to mark them all read."""

    template_name = "core/notifications.html"
    paginate_by = 30

    def get_queryset(self):
        """Only my own notifications."""
        return self.request.user.notifications.all()

    def post(self, request):
        """Mark all my notifications read."""
        actions.do_mark_notifications_read(actor=request.user)
        messages.success(request, "All notifications marked as read.")
        return redirect("core:notifications")


# --- organisations -----------------------------------------------------------------------


class OrganisationListView(ObjectListView):
    """Organisations the desk serves."""

    model = Organisation
    queryset = Organisation.objects.select_related("calendar")
    table_class = OrganisationTable
    filterset_class = OrganisationFilterSet
    permission_required = "core.view_organisation"
    create_url_name = "core:organisation_create"
    create_permission = "core.add_organisation"


class OrganisationDetailView(ObjectDetailView):
    """One organisation: departments, sites, teams serving it."""

    model = Organisation
    template_name = "core/organisation_detail.html"
    permission_required = "core.view_organisation"
    edit_url_name = "core:organisation_edit"
    edit_permission = "core.change_organisation"


class OrganisationEditView(ObjectEditView):
    """Create or edit an organisation through its actions."""

    model = Organisation
    form_class = OrganisationForm

    add_permission = "core.add_organisation"
    change_permission = "core.change_organisation"

    def perform(self, form):
        """Call the organisation action."""
        if self.object is None:
            return actions.do_create_organisation(actor=self.request.user, **form.changes())
        return actions.do_update_organisation(
            self.object,
            actor=self.request.user,
            expected_version=form.expected_version,
            **form.changes(),
        )


# --- teams -------------------------------------------------------------------------------


class TeamListView(ObjectListView):
    """Teams (assignment groups)."""

    model = Team
    table_class = TeamTable
    filterset_class = TeamFilterSet
    permission_required = "core.view_team"
    create_url_name = "core:team_create"
    create_permission = "core.add_team"

    def get_queryset(self):
        """Teams with their lead and member count, for the table."""
        from django.db.models import Count

        return (
            super()
            .get_queryset()
            .select_related("lead")
            .annotate(member_count=Count("members", distinct=True))
        )


class TeamDetailView(ObjectDetailView):
    """One team: lead, members, organisations served."""

    model = Team
    template_name = "core/team_detail.html"
    permission_required = "core.view_team"
    edit_url_name = "core:team_edit"
    edit_permission = "core.change_team"

    def get_context_data(self, **kwargs):
        """Add whether the viewer may add or remove members, and who could be added."""
        from core.actions.teams import can_manage_members

        context = super().get_context_data(**kwargs)
        context["can_manage_members"] = can_manage_members(self.request.user, self.object)
        if context["can_manage_members"]:
            context["candidates"] = (
                User.objects.visible_to(self.request.user)
                .filter(is_active=True)
                .exclude(teams=self.object)
                .order_by("last_name", "first_name")
            )
        return context


class TeamEditView(ObjectEditView):
    """Create or edit a team through its actions."""

    model = Team
    form_class = TeamForm

    add_permission = "core.add_team"
    change_permission = "core.change_team"

    def perform(self, form):
        """Call the team action."""
        data = form.cleaned_data
        if self.object is None:
            return actions.do_create_team(
                actor=self.request.user,
                name=data["name"],
                kind=data["kind"],
                email=data["email"],
                lead=data["lead"],
                members=data["members"],
                organisations=data["organisations"],
            )
        return actions.do_update_team(
            self.object,
            actor=self.request.user,
            expected_version=form.expected_version,
            members=data["members"],
            organisations=data["organisations"],
            **form.changes(),
        )


class TeamMembershipView(ScopedMixin, View):
    """Add or remove one member (administrators and the team's lead)."""

    model = Team
    permission_required = "core.view_team"

    def post(self, request, pk):
        """Apply the add or remove, then return to the team page with the outcome."""
        from core.exceptions import ActionError

        team = get_object_or_404(self.get_queryset(), pk=pk)
        person = get_object_or_404(
            User.objects.visible_to(request.user), pk=request.POST.get("person")
        )
        operations = {"add": actions.do_add_team_member, "remove": actions.do_remove_team_member}
        action = operations.get(request.POST.get("op", ""))
        if action is None:
            return HttpResponseBadRequest("Unknown membership operation.")
        try:
            action(team, actor=request.user, person=person)
        except ActionError as exc:
            messages.error(request, exc.message)
        else:
            done = "added to" if action is actions.do_add_team_member else "removed from"
            messages.success(request, f"{person} {done} {team}.")
        return redirect(team)


# --- people ------------------------------------------------------------------------------


class PersonListView(ObjectListView):
    """People the viewer may see."""

    model = User
    queryset = User.objects.select_related("organisation", "department").prefetch_related("groups")
    table_class = PersonTable
    filterset_class = PersonFilterSet
    permission_required = "core.view_user"
    title = "People"
    create_url_name = "core:person_create"
    create_permission = "core.add_user"


class PersonDetailView(ObjectDetailView):
    """One person: organisation, place, teams, roles."""

    model = User
    template_name = "core/person_detail.html"
    permission_required = "core.view_user"
    edit_url_name = "core:person_edit"
    edit_permission = "core.change_user"
    context_object_name = "person"


class PersonEditView(ObjectEditView):
    """Register or edit a person through the people actions."""

    model = User
    form_class = PersonForm

    add_permission = "core.add_user"
    change_permission = "core.change_user"

    def perform(self, form):
        """Call the people action."""
        roles = form.cleaned_data["roles"]
        if self.object is None:
            return actions.do_create_person(
                actor=self.request.user,
                password=form.cleaned_data["password"],
                roles=roles,
                **form.changes(),
            )
        return actions.do_update_person(
            self.object,
            actor=self.request.user,
            expected_version=form.expected_version,
            roles=roles,
            **form.changes(),
        )


# --- calendars and audit -----------------------------------------------------------------


class CalendarListView(ScopedMixin, ListView):
    """Business calendars with their weekly hours and coming closures."""

    model = BusinessCalendar
    template_name = "core/calendar_list.html"
    permission_required = "core.view_businesscalendar"

    def get_queryset(self):
        """Calendars are shared settings, not tenant records: every one is listed."""
        return BusinessCalendar.objects.prefetch_related("hours", "closures")

    def get_context_data(self, **kwargs):
        """Add the next bank holidays of each calendar's region."""
        from core.calendars import upcoming_holidays

        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        context["calendars"] = [
            (calendar, upcoming_holidays(calendar.spec(), today, 5))
            for calendar in context["object_list"]
        ]
        return context


class AuditListView(ScopedMixin, ListView):
    """The audit log, scoped to the organisations the viewer may see."""

    model = AuditEvent
    template_name = "core/audit_list.html"
    permission_required = "core.view_auditevent"
    paginate_by = 50

    def get_queryset(self):
        """Newest events first, with the acting person."""
        return super().get_queryset().select_related("actor", "content_type")
