"""Generic views every civicdesk page is declared on: list, detail, create/edit.

A concrete view only declares: the model (or queryset), the table and filter set for a
list, the form and the action for an edit. Scoping by `visible_to`, permissions, Excel
export of what is shown, stale-page refusal and turning action errors into form errors
live here, once.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import HttpResponseRedirect
from django.views.generic import DetailView, FormView, TemplateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from core.audit import history_of
from core.exceptions import ActionError, StaleRecord
from core.exports import table_to_xlsx
from core.pagination import KeyFirstPaginator
from core.visibility import visible_to


class ScopedMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """Requires login and `permission_required`; limits the queryset to what the user may see."""

    model = None
    queryset = None
    permission_required: str | tuple[str, ...] = ()
    # Anonymous users go to the login page; signed-in users without the right get a 403.
    raise_exception = False

    def handle_no_permission(self):
        """Signed-in users get 403 rather than a login loop."""
        if self.request.user.is_authenticated:
            self.raise_exception = True
        return super().handle_no_permission()

    def get_queryset(self):
        """The declared queryset, limited to the records the user may see."""
        queryset = self.queryset if self.queryset is not None else self.model._default_manager.all()
        return visible_to(queryset.all(), self.request.user)

    def get_context_data(self, **kwargs):
        """Add the model's names for the shared templates."""
        context = super().get_context_data(**kwargs)
        model = self.model or self.queryset.model
        context["model_meta"] = model._meta
        return context


class ObjectListView(ScopedMixin, SingleTableMixin, FilterView):
    """A filtered, sorted, paginated table of records; `?export=xlsx` downloads what is shown."""

    template_name = "core/object_list.html"
    table_class = None
    filterset_class = None
    title = ""
    create_url_name: str | None = None
    create_permission: str | None = None
    paginator_class = KeyFirstPaginator

    def get(self, request, *args, **kwargs):
        """Render the list, or the same rows as an Excel workbook when asked to export."""
        response = super().get(request, *args, **kwargs)
        if request.GET.get("export") == "xlsx":
            return table_to_xlsx(response.context_data["table"], self.get_title())
        return response

    def get_title(self) -> str:
        """The page title; defaults to the model's plural name."""
        model = self.model or self.queryset.model
        return self.title or str(model._meta.verbose_name_plural).capitalize()

    def get_context_data(self, **kwargs):
        """Add the title and, if the user may create records, the create link."""
        context = super().get_context_data(**kwargs)
        context["title"] = self.get_title()
        if self.create_url_name and (
            self.create_permission is None or self.request.user.has_perm(self.create_permission)
        ):
            context["create_url_name"] = self.create_url_name
        export_query = self.request.GET.copy()
        export_query["export"] = "xlsx"
        export_query.pop("page", None)
        context["export_query"] = export_query.urlencode()
        return context


class ObjectDetailView(ScopedMixin, DetailView):
    """One record the user may see (404 otherwise), with its audit history."""

    template_name = "core/object_detail.html"
    edit_url_name: str | None = None
    edit_permission: str | None = None

    def get_context_data(self, **kwargs):
        """Add the record's history and, if the user may edit it, the edit link."""
        context = super().get_context_data(**kwargs)
        context["history"] = history_of(self.object)[:50]
        if self.edit_url_name and (
            self.edit_permission is None or self.request.user.has_perm(self.edit_permission)
        ):
            context["edit_url_name"] = self.edit_url_name
        return context


class ObjectEditView(ScopedMixin, FormView):
    """Create (no pk in the URL) or edit a record through an action, never by saving the form.

    Subclasses implement `perform(form)` to call the action and return the record. The
    form carries the record's version; an action that finds the record changed since the
    page was loaded refuses, and the error is shown on the form with nothing saved.
    """

    template_name = "core/object_form.html"
    success_message = "Saved."
    add_permission: str = ""
    change_permission: str = ""

    def get_permission_required(self):
        """Adding a record and changing one are separate rights."""
        return (self.change_permission,) if self.object else (self.add_permission,)

    def dispatch(self, request, *args, **kwargs):
        """Load the record being edited (if any) before the permission and form handling."""
        self.object = None
        if "pk" in kwargs and request.user.is_authenticated:
            self.object = self.get_object()
        return super().dispatch(request, *args, **kwargs)

    def get_object(self):
        """The record being edited; 404 when it does not exist or is not visible."""
        from django.shortcuts import get_object_or_404

        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        """Give the form the record being edited and the acting user."""
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.object
        kwargs["user"] = self.request.user
        return kwargs

    def form_valid(self, form):
        """Run the action; show its refusal on the form, or go to the record."""
        try:
            record = self.perform(form)
        except StaleRecord as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        except ActionError as exc:
            field = exc.field if exc.field in form.fields else None
            form.add_error(field, exc.message)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return HttpResponseRedirect(record.get_absolute_url())

    def perform(self, form):
        """Call the action that makes the change; return the changed record."""
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        """Add the record being edited and a title."""
        context = super().get_context_data(**kwargs)
        context["object"] = self.object
        model = self.model or self.queryset.model
        name = model._meta.verbose_name
        context["title"] = f"Edit {self.object}" if self.object else f"New {name}"
        return context


class AreaHomeView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """The landing page of a work area: who the person is, their teams, and what they can open.

    Subclasses declare `permission_required`, `template_name`, `title` and `links`: a list
    of (label, url name, permission or None, description); links the person may not use are
    left out, so every link shown works for them.
    """

    title = ""
    links: list[tuple[str, str, str | None, str]] = []

    def handle_no_permission(self):
        """Signed-in people without the right get a 403 rather than a login loop."""
        if self.request.user.is_authenticated:
            self.raise_exception = True
        return super().handle_no_permission()

    def get_context_data(self, **kwargs):
        """Add the person's teams, served organisations and usable links."""
        from django.urls import reverse

        from core.models import Organisation

        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["title"] = self.title
        context["my_teams"] = user.teams.filter(is_active=True).prefetch_related("organisations")
        context["served_organisations"] = Organisation.objects.visible_to(user).filter(
            is_active=True
        )
        context["area_links"] = [
            (label, reverse(url_name), description)
            for label, url_name, permission, description in self.links
            if permission is None or user.has_perm(permission)
        ]
        return context
