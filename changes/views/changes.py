"""Pages of requests for change: landing, list, detail, raise/edit, and each step's form."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.views import View
from django.views.generic import FormView

from changes import actions, queries
from changes.filtersets import ChangeFilterSet
from changes.forms import ChangeForm, ReviewForm, RiskForm, ScheduleForm
from changes.models import Change
from changes.tables import ChangeTable
from core.exceptions import ActionError
from core.models import User
from core.roles import Role
from core.views.generic import (
    AreaHomeView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ScopedMixin,
)
from core.workflow import transitions_for


class ChangesHomeView(AreaHomeView):
    """Change management's front page: my changes, the next CAB and the calendars."""

    permission_required = "core.use_changes"
    template_name = "changes/home.html"
    title = "Change management"
    links = [
        ("Requests for change", "changes:change_list", "changes.view_change", "Every RFC."),
        ("Raise a change", "changes:change_create", "changes.add_change", "A new RFC."),
        (
            "Forward schedule of change",
            "changes:calendar",
            "changes.view_change",
            "Month and week calendar of scheduled changes.",
        ),
        (
            "Calendar feed",
            "changes:feed_settings",
            "changes.view_change",
            "Subscribe to the schedule from Outlook.",
        ),
        ("CAB meetings", "changes:meeting_list", "changes.view_cabmeeting", "Agendas, minutes."),
        (
            "CABs",
            "changes:board_list",
            "changes.view_cabboard",
            "Weekly slot, chair, members, quorums, ECAB and the organisations each serves.",
        ),
        (
            "Maintenance windows",
            "changes:window_list",
            "changes.view_maintenancewindow",
            "Published weekly slots for changes, per organisation, service or site.",
        ),
        (
            "Blackout periods",
            "changes:blackout_list",
            "changes.view_blackoutperiod",
            "When only emergency changes may be made.",
        ),
        (
            "Standard change templates",
            "changes:template_list",
            "changes.view_changetemplate",
            "Pre-approved changes that skip the CAB.",
        ),
        (
            "Business calendars",
            "core:calendar_list",
            "core.view_businesscalendar",
            "Core hours and bank holidays that changes are planned around.",
        ),
        ("Teams", "core:team_list", "core.view_team", "Implementer teams and suppliers."),
        ("My profile", "core:profile", None, "Your roles and teams."),
    ]

    def get_context_data(self, **kwargs):
        """Add the CAB members, my open changes and the next meetings."""
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["cab"] = (
            User.objects.visible_to(user)
            .filter(is_active=True, groups__name__in=[Role.CHANGE_MANAGER, Role.CAB_MEMBER])
            .select_related("organisation")
            .prefetch_related("groups")
            .distinct()
        )
        context["my_changes"] = (
            queries.changes_for(user)
            .filter(requester=user)
            .exclude(status__in=["closed", "cancelled", "rejected"])[:10]
        )
        context["next_meetings"] = (
            queries.meetings_for(user).exclude(status="minutes_published").order_by("starts_at")[:3]
        )
        return context


class ChangeListView(ObjectListView):
    """Requests for change, filtered, sorted and exportable."""

    model = Change
    queryset = Change.objects.select_related("organisation", "requester", "implementer_team")
    table_class = ChangeTable
    filterset_class = ChangeFilterSet
    permission_required = "changes.view_change"
    title = "Requests for change"
    create_url_name = "changes:change_create"
    create_permission = "changes.add_change"


class ChangeDetailView(ObjectDetailView):
    """One change: its details, risk, what the viewer may do next, ECAB, CAB and history."""

    model = Change
    template_name = "changes/change_detail.html"
    permission_required = "changes.view_change"
    edit_url_name = "changes:change_edit"
    edit_permission = "changes.add_change"

    def get_context_data(self, **kwargs):
        """Add the available transitions, collisions, ECAB approvals and CAB votes."""
        context = super().get_context_data(**kwargs)
        change = self.object
        user = self.request.user
        steps = []
        for transition in transitions_for(change, user):
            method = getattr(change, transition.name)
            custom = next(iter(method._django_fsm.transitions.values())).custom
            if custom.get("hidden"):
                continue
            steps.append((transition, custom.get("form", False)))
        # Assessment is a form too, taken from its own page.
        context["steps"] = steps
        context["can_assess"] = change.status == "submitted" and user.has_perm(
            "changes.manage_change"
        )
        context["can_ecab"] = (
            change.change_type == "emergency"
            and change.status in ("submitted", "assessed")
            and user.has_perm("changes.approve_emergency_change")
        )
        context["collisions"] = queries.collisions_for(change)
        context["affected_services"] = change.affected_services.all()
        # Only assets the viewer may see are linked; the others are counted, not named.
        all_assets = change.affected_assets.all()
        context["affected_assets"] = all_assets.visible_to(user)
        context["hidden_assets"] = all_assets.count() - context["affected_assets"].count()
        context["agenda_items"] = change.agenda_items.select_related(
            "meeting", "decision"
        ).prefetch_related("votes__member")
        context["ecab_approvals"] = change.ecab_approvals.select_related("approver")
        review = getattr(change, "review", None) if hasattr(change, "review") else None
        context["review"] = review
        if review is not None:
            caused = review.incidents_caused.all()
            context["incidents_caused"] = caused.visible_to(user)
            context["hidden_incidents"] = caused.count() - context["incidents_caused"].count()
        return context


class ChangeEditView(ObjectEditView):
    """Raise or edit a change through its actions."""

    model = Change
    form_class = ChangeForm
    add_permission = "changes.add_change"
    change_permission = "changes.add_change"
    success_message = "Change saved."

    def perform(self, form):
        """Call the change action."""
        affected = {
            "affected_services": form.cleaned_data.get("affected_services", []),
            "affected_assets": form.cleaned_data.get("affected_assets", []),
        }
        if self.object is None:
            return actions.do_create_change(actor=self.request.user, **affected, **form.changes())
        return actions.do_update_change(
            self.object,
            actor=self.request.user,
            expected_version=form.expected_version,
            **affected,
            **form.changes(),
        )


class ChangeStepView(ScopedMixin, FormView):
    """A step that needs input (assess, schedule, review): the form, then the action."""

    model = Change
    permission_required = "changes.view_change"
    template_name = "core/object_form.html"
    step_title = ""

    def dispatch(self, request, *args, **kwargs):
        """Load the change the step is for."""
        if request.user.is_authenticated:
            self.object = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        """Give the form the change and the acting user."""
        return {**super().get_form_kwargs(), "instance": self.object, "user": self.request.user}

    def get_context_data(self, **kwargs):
        """The change as `object` and the step as the title."""
        context = super().get_context_data(**kwargs)
        context["object"] = self.object
        context["title"] = f"{self.step_title} {self.object}"
        return context

    def form_valid(self, form):
        """Run the action; show a refusal on the form with nothing changed."""
        try:
            message = self.perform(form)
        except ActionError as exc:
            field = exc.field if exc.field in form.fields else None
            form.add_error(field, exc.message)
            return self.form_invalid(form)
        messages.success(self.request, message)
        return HttpResponseRedirect(self.object.get_absolute_url())

    def perform(self, form) -> str:
        """Call the step's action; return the success message."""
        raise NotImplementedError


class ChangeAssessView(ChangeStepView):
    """Answer the risk questionnaire and mark the change assessed."""

    form_class = RiskForm
    step_title = "Assess"

    def perform(self, form):
        """Call do_assess_change."""
        data = dict(form.cleaned_data)
        version = data.pop("version")
        change = actions.do_assess_change(
            self.object, actor=self.request.user, expected_version=version, answers=data
        )
        return f"Assessed: {change.get_risk_level_display()} risk."


class ChangeScheduleView(ChangeStepView):
    """Fix the implementation window, with the calendar checks."""

    form_class = ScheduleForm
    step_title = "Schedule"

    def perform(self, form):
        """Call do_schedule_change; show its warnings."""
        data = form.cleaned_data
        _change, report = actions.do_schedule_change(
            self.object,
            actor=self.request.user,
            expected_version=data["version"],
            planned_start=data["planned_start"],
            planned_end=data["planned_end"],
            reason=data["reason"],
        )
        for warning in report.warnings:
            messages.warning(self.request, warning)
        return "Scheduled."


class ChangeReviewView(ChangeStepView):
    """Record the post-implementation review."""

    form_class = ReviewForm
    step_title = "Review"

    def perform(self, form):
        """Call do_record_review."""
        data = dict(form.cleaned_data)
        version = data.pop("version")
        actions.do_record_review(
            self.object, actor=self.request.user, expected_version=version, **data
        )
        return "Review recorded."


class ChangeTransitionView(ScopedMixin, View):
    """Take one simple edge (POST), then back to the change with the outcome."""

    model = Change
    permission_required = "changes.view_change"

    def post(self, request, pk, name):
        """Run do_transition_change (or the ECAB approval) and report."""
        change = get_object_or_404(self.get_queryset(), pk=pk)
        version = request.POST.get("version")
        try:
            if name == "ecab_approve":
                change = actions.do_record_ecab_approval(
                    change, actor=request.user, comment=request.POST.get("comment", "")
                )
                messages.success(request, "Your ECAB approval is recorded.")
            else:
                change = actions.do_transition_change(
                    change,
                    actor=request.user,
                    name=name,
                    expected_version=int(version) if version else None,
                    outcome=request.POST.get("outcome", ""),
                )
                messages.success(request, f"{change.reference} is {change.get_status_display()}.")
        except ActionError as exc:
            messages.error(request, exc.message)
        return HttpResponseRedirect(change.get_absolute_url())
