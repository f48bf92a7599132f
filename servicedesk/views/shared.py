"""Pieces both the portal and the desk use: the call page's context and the POST endpoints."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from core.exceptions import ActionError
from core.visibility import visible_to
from core.workflow import transitions_for
from servicedesk import actions
from servicedesk.forms import (
    AssignForm,
    CommentForm,
    HoldForm,
    RatingForm,
    ReasonForm,
    ReprioritiseForm,
    ResolveForm,
)
from servicedesk.models import Attachment, Incident

# Edges a caller may see on the portal's page; the desk shows every edge the user may take.
CALLER_EDGES = {"confirm", "reopen", "cancel"}


class IncidentPageMixin:
    """Context of a call page: the edges the user may take now, clocks, comments, files."""

    internal = True  # whether internal notes may be shown (still subject to the permission)

    def get_context_data(self, **kwargs):
        """Add transitions, SLA clocks, comments and attachments the user may see."""
        context = super().get_context_data(**kwargs)
        incident, user = self.object, self.request.user
        may_see_internal = self.internal and user.has_perm("servicedesk.view_internal_comment")
        edges = transitions_for(incident, user)
        if not self.internal:
            edges = [edge for edge in edges if edge.name in CALLER_EDGES]
        context["transitions"] = [
            (edge, form_class(user=user, prefix=edge.name) if form_class else None)
            for edge in edges
            for form_class in [TRANSITION_ACTIONS.get(edge.name, (None,))[0]]
        ]
        context["may_see_internal"] = may_see_internal
        comments = incident.comments.select_related("author")
        attachments = incident.attachments.all()
        if not may_see_internal:
            comments = comments.filter(is_internal=False)
            attachments = attachments.filter(is_internal=False)
        context["comments"] = comments
        context["attachments"] = attachments
        spec = incident.calendar_spec()
        context["response_clock"], context["resolution_clock"] = incident.clocks(
            spec, timezone.now()
        )
        context["clock_list"] = [
            ("Response", context["response_clock"]),
            ("Resolution", context["resolution_clock"]),
        ]
        context["title"] = str(incident)
        sockets = [f"/ws/servicedesk/incidents/{incident.pk}/"]
        context["live_sockets"] = " ".join(sockets)
        return context


def _back(request, incident: Incident | None = None) -> HttpResponseRedirect:
    """Back to the page the form was on (if it is ours), else the call page."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = incident.get_absolute_url() if incident else "/"
    return HttpResponseRedirect(target)


def _version(request) -> int | None:
    """The version of the call the page was showing, to refuse a stale page."""
    try:
        return int(request.POST["version"])
    except (KeyError, ValueError):
        return None


def _form_error(form) -> str:
    """The first error of an invalid form, as one sentence."""
    for field, errors in form.errors.items():
        label = form.fields[field].label or field if field in form.fields else ""
        return f"{label}: {errors[0]}" if label else errors[0]
    return "Please check the form."


# name -> (form class or None, call of the action with the cleaned data)
TRANSITION_ACTIONS = {
    "assign": (
        AssignForm,
        lambda pk, u, v, d: actions.do_assign_incident(
            pk, actor=u, team=d["team"], assignee=d["assignee"], expected_version=v
        ),
    ),
    "take": (None, lambda pk, u, v, d: actions.do_take_incident(pk, actor=u, expected_version=v)),
    "start": (
        None,
        lambda pk, u, v, d: actions.do_start_incident(pk, actor=u, expected_version=v),
    ),
    "put_on_hold": (
        HoldForm,
        lambda pk, u, v, d: actions.do_put_incident_on_hold(
            pk, actor=u, reason=d["reason"], expected_version=v
        ),
    ),
    "resume": (
        None,
        lambda pk, u, v, d: actions.do_resume_incident(pk, actor=u, expected_version=v),
    ),
    "resolve": (
        ResolveForm,
        lambda pk, u, v, d: actions.do_resolve_incident(
            pk, actor=u, code=d["code"], notes=d["notes"], expected_version=v
        ),
    ),
    "reopen": (
        ReasonForm,
        lambda pk, u, v, d: actions.do_reopen_incident(
            pk, actor=u, reason=d["reason"], expected_version=v
        ),
    ),
    "confirm": (
        None,
        lambda pk, u, v, d: actions.do_confirm_incident(pk, actor=u, expected_version=v),
    ),
    "cancel": (
        ReasonForm,
        lambda pk, u, v, d: actions.do_cancel_incident(
            pk, actor=u, reason=d["reason"], expected_version=v
        ),
    ),
}


class IncidentActionView(LoginRequiredMixin, View):
    """Base of the POST endpoints on one call: run the action, report, go back."""

    http_method_names = ["post"]
    success_message = "Done."

    def post(self, request, pk, **kwargs):
        """Validate the form, call the action and turn its refusal into a message."""
        incident = get_object_or_404(visible_to(Incident.objects.all(), request.user), pk=pk)
        form_class = self.get_form_class(**kwargs)
        data = {}
        if form_class is not None:
            form = form_class(
                request.POST, request.FILES, user=request.user, prefix=self.form_prefix(**kwargs)
            )
            if not form.is_valid():
                messages.error(request, _form_error(form))
                return _back(request, incident)
            data = form.cleaned_data
        try:
            self.run(incident.pk, request.user, _version(request), data, **kwargs)
        except ActionError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, self.get_success_message(**kwargs))
        return _back(request, incident)

    def get_form_class(self, **kwargs):
        """The form that validates the POST, or None."""
        return None

    def form_prefix(self, **kwargs) -> str | None:
        """The prefix the page rendered the form with."""
        return None

    def get_success_message(self, **kwargs) -> str:
        """What to tell the person when it worked."""
        return self.success_message

    def run(self, pk, user, version, data, **kwargs):
        """Call the action."""
        raise NotImplementedError


class IncidentTransitionView(IncidentActionView):
    """Take one edge of the life cycle (POST /…/calls/<pk>/do/<name>/)."""

    def _entry(self, name):
        if name not in TRANSITION_ACTIONS:
            raise Http404("Unknown action.")
        return TRANSITION_ACTIONS[name]

    def get_form_class(self, name):
        """The edge's form, if it needs input."""
        return self._entry(name)[0]

    def form_prefix(self, name) -> str:
        """Edge forms are rendered prefixed by the edge's name (several on one page)."""
        return name

    def get_success_message(self, name) -> str:
        """E.g. "Done: put on hold"."""
        return f"Done: {name.replace('_', ' ')}."

    def run(self, pk, user, version, data, name):
        """Call the edge's action."""
        return self._entry(name)[1](pk, user, version, data)


class CommentView(IncidentActionView):
    """Add a comment or work note with optional attachments."""

    success_message = "Comment added."

    def get_form_class(self):
        """The comment form."""
        return CommentForm

    def run(self, pk, user, version, data):
        """Call do_add_comment."""
        return actions.do_add_comment(
            pk,
            actor=user,
            body=data["body"],
            internal=data.get("internal", False),
            attachments=data["attachments"],
        )


class RateIncidentView(IncidentActionView):
    """The caller rates their resolved call."""

    success_message = "Thank you for your rating."

    def get_form_class(self):
        """The rating form."""
        return RatingForm

    def run(self, pk, user, version, data):
        """Call do_rate_incident."""
        return actions.do_rate_incident(
            pk, actor=user, score=data["score"], comment=data["comment"]
        )


class ReprioritiseView(IncidentActionView):
    """Change a call's impact, urgency or service."""

    success_message = "Priority and deadlines updated."

    def get_form_class(self):
        """The reprioritise form."""
        return ReprioritiseForm

    def run(self, pk, user, version, data):
        """Call do_reprioritise_incident."""
        return actions.do_reprioritise_incident(
            pk,
            actor=user,
            impact=data["impact"],
            urgency=data["urgency"],
            service=data["service"],
            expected_version=version,
        )


class AttachmentDownloadView(LoginRequiredMixin, View):
    """Serve an attachment only to people who may see its call (and its note, if internal)."""

    def get(self, request, pk):
        """The file, as a download, never rendered inline."""
        attachment = get_object_or_404(visible_to(Attachment.objects.all(), request.user), pk=pk)
        if attachment.is_internal and not request.user.has_perm(
            "servicedesk.view_internal_comment"
        ):
            raise Http404("No such attachment.")
        response = FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.original_name,
            content_type=attachment.content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response
