"""Pieces the request pages share: a request's page context, safe redirects, Bootstrap widgets."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from core.exceptions import ActionError
from servicerequests import actions, queries
from servicerequests.choices import CANCELLABLE_STATUSES, RequestStatus
from servicerequests.forms import describe_answers
from servicerequests.workflows import WORK


class PermissionPageMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """Signed-in people without the right get a 403; anonymous people go to the login page."""

    def handle_no_permission(self):
        """403 rather than a login loop for people who are signed in."""
        if self.request.user.is_authenticated:
            self.raise_exception = True
        return super().handle_no_permission()


def bootstrap(form: forms.Form) -> forms.Form:
    """Give a form's widgets Bootstrap classes (the domain's forms are plain Django forms)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.HiddenInput):
            continue
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
            css = "form-check-input"
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs.setdefault("class", css)
    return form


def safe_next(request, fallback: str) -> str:
    """The `next` address posted by the page when it is one of ours, else `fallback`."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


def posted_version(request) -> int | None:
    """The version of the record the page was showing, to refuse a stale page."""
    try:
        return int(request.POST["version"])
    except (KeyError, ValueError):
        return None


def request_page_context(service_request, user) -> dict:
    """What every page of one request shows: answers, approval steps, tasks, clocks, buttons."""
    response_clock, resolution_clock = service_request.clocks(
        service_request.calendar_spec(), timezone.now()
    )
    may_act = user.pk == service_request.requester_id or user.has_perm(WORK)
    tasks = list(service_request.tasks.select_related("team", "assignee"))
    finished = sum(1 for task in tasks if task.status in ("done", "cancelled"))
    return {
        "answers": describe_answers(service_request),
        "steps": list(queries.approvals_of(service_request)),
        "tasks": tasks,
        "tasks_finished": finished,
        "tasks_percent": round(100 * finished / len(tasks)) if tasks else 0,
        "clock_list": [("Response", response_clock), ("Fulfilment", resolution_clock)],
        "may_cancel": may_act and service_request.status in CANCELLABLE_STATUSES,
        "may_close": may_act and service_request.status == RequestStatus.FULFILLED,
    }


class RequestActionView(LoginRequiredMixin, View):
    """POST endpoints on one request (cancel, close): run the action, report, go back."""

    http_method_names = ["post"]

    def post(self, request, pk, name):
        """Call the action named in the URL and turn its refusal into a message."""
        service_request = get_object_or_404(queries.requests_visible_to(request.user), pk=pk)
        fallback = (
            service_request.get_portal_url()
            if service_request.requester_id == request.user.pk
            else service_request.get_absolute_url()
        )
        try:
            if name == "cancel":
                actions.do_cancel_request(
                    pk,
                    actor=request.user,
                    reason=request.POST.get("reason", ""),
                    expected_version=posted_version(request),
                )
                messages.success(request, f"{service_request.reference} is cancelled.")
            elif name == "close":
                actions.do_close_request(
                    pk, actor=request.user, expected_version=posted_version(request)
                )
                messages.success(request, f"{service_request.reference} is closed. Thank you.")
            else:
                return HttpResponseRedirect(fallback)
        except ActionError as exc:
            messages.error(request, exc.message)
        return HttpResponseRedirect(safe_next(request, fallback))
