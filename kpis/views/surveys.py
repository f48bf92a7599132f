"""The survey answer page (a link, login required) and managers' report subscriptions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from core.exceptions import ActionError
from kpis.actions import do_answer_survey, do_save_report_subscription
from kpis.forms import SubscriptionForm, SurveyAnswerForm
from kpis.models import ReportSubscription, SurveyInvitation
from kpis.views.reports import KpiPageMixin


class SurveyAnswerView(LoginRequiredMixin, View):
    """Answer a survey invitation; only the invited person, once."""

    template_name = "kpis/survey_answer.html"

    def invitation(self, request, token) -> SurveyInvitation:
        """The invitation of this link, if it is the signed-in person's (404 otherwise)."""
        invitation = (
            SurveyInvitation.objects.filter(token=token, person=request.user)
            .select_related("incident")
            .first()
        )
        if invitation is None:
            raise Http404("This survey link is not yours.")
        return invitation

    def get(self, request, token):
        """The question, or a thank-you if already answered."""
        invitation = self.invitation(request, token)
        return render(
            request,
            self.template_name,
            {"invitation": invitation, "form": SurveyAnswerForm(), "title": "How did we do?"},
        )

    def post(self, request, token):
        """Record the answer through do_answer_survey."""
        invitation = self.invitation(request, token)
        form = SurveyAnswerForm(request.POST)
        if form.is_valid():
            try:
                do_answer_survey(
                    token,
                    actor=request.user,
                    score=form.cleaned_data["score"],
                    comment=form.cleaned_data["comment"],
                )
            except ActionError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "Thank you for your answer.")
                return HttpResponseRedirect(reverse("kpis:survey_answer", args=[token]))
        return render(
            request,
            self.template_name,
            {"invitation": invitation, "form": form, "title": "How did we do?"},
        )


class SubscriptionView(KpiPageMixin, View):
    """A manager chooses which KPI reports they receive by email."""

    template_name = "kpis/subscription.html"

    def get(self, request):
        """The current choice."""
        current = ReportSubscription.objects.filter(person=request.user).first()
        initial = (
            {
                "weekly": current.weekly,
                "monthly": current.monthly,
                "organisation": current.organisation,
            }
            if current
            else {"weekly": False, "monthly": False}
        )
        form = SubscriptionForm(initial=initial, user=request.user)
        return render(request, self.template_name, {"form": form, "title": "Report emails"})

    def post(self, request):
        """Save the choice through do_save_report_subscription."""
        form = SubscriptionForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                do_save_report_subscription(actor=request.user, **form.cleaned_data)
            except ActionError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "Your report emails are saved.")
                return HttpResponseRedirect(reverse("kpis:subscription"))
        return render(request, self.template_name, {"form": form, "title": "Report emails"})
