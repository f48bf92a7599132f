"""The approvers' pages in the portal: what awaits me, one approval, and my delegation."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from core.exceptions import ActionError, StaleRecord
from servicerequests import actions, approval_rules, queries
from servicerequests.forms import ApprovalDecisionForm, DelegationForm, describe_answers
from servicerequests.models import Approval, ApprovalDelegation
from servicerequests.views.shared import PermissionPageMixin, bootstrap


def standing_in_for(approval: Approval, user, at) -> list:
    """The approvers of a step `user` would decide for as their delegate (empty: in person)."""
    approvers = list(approval.approvers.all())
    if any(person.pk == user.pk for person in approvers):
        return []
    delegators = set(approval_rules.active_delegators(user, at))
    return [person for person in approvers if person.pk in delegators]


class ApprovalQueueView(PermissionPageMixin, TemplateView):
    """The steps awaiting my decision now (mine, and those I decide as someone's delegate)."""

    permission_required = "servicerequests.view_approval"
    template_name = "servicerequests/approval_queue.html"

    def get_context_data(self, **kwargs):
        """What awaits the person, what they decided lately, and their delegations in force."""
        context = super().get_context_data(**kwargs)
        user, at = self.request.user, timezone.now()
        awaiting = list(queries.approvals_awaiting(user, at).prefetch_related("approvers"))
        context["title"] = "Approvals"
        context["awaiting"] = [
            (approval, standing_in_for(approval, user, at)) for approval in awaiting
        ]
        context["decided"] = (
            Approval.objects.filter(Q(decided_by=user) | Q(votes__cast_by=user))
            .select_related("request__item", "request__requester")
            .distinct()
            .order_by("-decided_at", "-id")[:10]
        )
        context["standing_in"] = ApprovalDelegation.objects.filter(
            delegate=user, starts_at__lte=at, ends_at__gt=at
        ).select_related("delegator")
        context["my_delegation"] = ApprovalDelegation.objects.filter(
            delegator=user, ends_at__gt=at
        ).select_related("delegate")
        return context


class ApprovalView(PermissionPageMixin, View):
    """One approval step: the request it is about, the votes so far, and Approve / Reject."""

    permission_required = "servicerequests.view_approval"
    template_name = "servicerequests/approval.html"

    def get_approval(self, pk) -> Approval:
        """A step the person may decide (now or before) or see; 404 otherwise."""
        approval = queries.approval_for(self.request.user, pk)
        if approval is None:
            raise Http404("No such approval.")
        return approval

    def render_page(self, approval, form=None, stale: str = "", refusal: str = ""):
        """The step, its request and, when the person may decide it now, the decision form."""
        user, at = self.request.user, timezone.now()
        may_decide = queries.approvals_awaiting(user, at).filter(pk=approval.pk).exists()
        if may_decide and form is None:
            form = ApprovalDecisionForm(initial={"version": approval.version})
        service_request = approval.request
        context = {
            "title": str(approval),
            "approval": approval,
            "service_request": service_request,
            "answers": describe_answers(service_request),
            "steps": list(queries.approvals_of(service_request)),
            "votes": list(approval.votes.all()),
            "may_decide": may_decide,
            "form": bootstrap(form) if form is not None and may_decide else None,
            "on_behalf_of": standing_in_for(approval, user, at) if may_decide else [],
            "stale": stale,
            "refusal": refusal,
        }
        return render(self.request, self.template_name, context)

    def get(self, request, pk):
        """The step as it stands."""
        return self.render_page(self.get_approval(pk))

    def post(self, request, pk):
        """Decide through the action; someone else deciding first gets a clear message."""
        approval = self.get_approval(pk)
        form = ApprovalDecisionForm(request.POST)
        if not form.is_valid():
            return self.render_page(approval, form)
        data = form.cleaned_data
        try:
            decided = actions.do_decide_approval(
                approval.pk,
                actor=request.user,
                decision=data["decision"],
                reason=data["reason"],
                expected_version=data.get("version"),
            )
        except StaleRecord as exc:
            return self.render_page(self.get_approval(pk), stale=exc.message)
        except ActionError as exc:
            if exc.field in form.fields:
                form.add_error(exc.field, exc.message)
                return self.render_page(approval, form)
            return self.render_page(approval, form, refusal=exc.message)
        reference = decided.request.reference
        if decided.state == "pending":
            messages.success(request, f"Your vote on {reference} is recorded.")
        else:
            messages.success(request, f"{reference}: {decided.get_state_display().lower()}.")
        return HttpResponseRedirect(reverse("servicerequests:approval_queue"))


class DelegationView(PermissionPageMixin, View):
    """Set who decides my approvals while I am away, and end it when I am back."""

    permission_required = "servicerequests.add_approvaldelegation"
    template_name = "servicerequests/delegation.html"

    def render_page(self, form, status=200):
        """My delegations (given and held) and the form for a new one."""
        user, at = self.request.user, timezone.now()
        context = {
            "title": "Delegate my approvals",
            "form": bootstrap(form),
            "given": ApprovalDelegation.objects.filter(delegator=user, ends_at__gt=at)
            .select_related("delegate")
            .order_by("starts_at"),
            "held": ApprovalDelegation.objects.filter(delegate=user, ends_at__gt=at)
            .select_related("delegator")
            .order_by("starts_at"),
            "now": at,
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request):
        """The form and my delegations."""
        return self.render_page(DelegationForm(delegator=request.user))

    def post(self, request):
        """Create the delegation through the action; refusals are shown on the form."""
        form = DelegationForm(request.POST, delegator=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                delegation = actions.do_create_delegation(
                    actor=request.user,
                    delegator=request.user,
                    delegate=data["delegate"],
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    reason=data["reason"],
                )
            except ActionError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(
                    request,
                    f"{delegation.delegate} decides your approvals from "
                    f"{timezone.localtime(delegation.starts_at):%d %b %Y %H:%M} to "
                    f"{timezone.localtime(delegation.ends_at):%d %b %Y %H:%M}.",
                )
                return HttpResponseRedirect(reverse("servicerequests:delegation"))
        return self.render_page(form)


class EndDelegationView(PermissionPageMixin, View):
    """End one of my delegations now (POST)."""

    permission_required = "servicerequests.add_approvaldelegation"
    http_method_names = ["post"]

    def post(self, request, pk):
        """Call do_end_delegation; someone else's delegation is refused like a missing one."""
        try:
            actions.do_end_delegation(pk, actor=request.user)
        except ActionError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Your delegation has ended: your approvals come to you.")
        return HttpResponseRedirect(reverse("servicerequests:delegation"))
