"""Catalogue administration in the desk: services, standards, categories, priority matrix."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.views.generic import FormView

from core.audit import history_of
from core.exceptions import ActionError
from core.views.generic import ObjectEditView, ObjectListView, ScopedMixin
from servicedesk.actions import catalogue as actions
from servicedesk.filtersets import (
    CategoryFilterSet,
    ServiceFilterSet,
    ServiceStandardFilterSet,
)
from servicedesk.forms import CategoryForm, PriorityMatrixForm, ServiceForm, ServiceStandardForm
from servicedesk.models import Category, PriorityRule, Service, ServiceStandard
from servicedesk.tables import CategoryTable, ServiceStandardTable, ServiceTable


class CatalogueMixin:
    """The catalogue is public to everyone the desk serves: these pages are not scoped by
    organisation; the model permissions each view requires are the gate."""

    def get_queryset(self):
        """Every record of the model."""
        queryset = self.queryset if self.queryset is not None else self.model._default_manager
        return queryset.all()


class CatalogueEditView(CatalogueMixin, ObjectEditView):
    """Create or edit a catalogue record through its action; back to the list when saved."""

    template_name = "servicedesk/catalogue_form.html"
    list_url_name = ""

    def form_valid(self, form):
        """Go back to the list rather than to the record."""
        response = super().form_valid(form)
        if response.status_code == 302:
            return HttpResponseRedirect(reverse(self.list_url_name))
        return response

    def get_context_data(self, **kwargs):
        """Add the record's history and the way back to the list."""
        context = super().get_context_data(**kwargs)
        context["history"] = history_of(self.object)[:50] if self.object else []
        context["list_url"] = reverse(self.list_url_name)
        return context

    def common(self, form) -> dict:
        """What every catalogue action takes: the record, the actor, the page's version."""
        return {
            "actor": self.request.user,
            "expected_version": form.expected_version if self.object else None,
        }


# --- services ---------------------------------------------------------------------------
class ServiceListView(CatalogueMixin, ObjectListView):
    """The services of the catalogue."""

    model = Service
    queryset = Service.objects.select_related("owner_team", "calendar")
    table_class = ServiceTable
    filterset_class = ServiceFilterSet
    permission_required = "servicedesk.change_service"
    create_url_name = "servicedesk:service_create"
    create_permission = "servicedesk.add_service"


class ServiceEditView(CatalogueEditView):
    """Create or edit a service."""

    model = Service
    form_class = ServiceForm
    add_permission = "servicedesk.add_service"
    change_permission = "servicedesk.change_service"
    list_url_name = "servicedesk:service_list"
    # The service's page also lists the changes that affect it.
    shows_related_changes = True

    def perform(self, form):
        """Call do_save_service."""
        return actions.do_save_service(self.object, **self.common(form), **form.changes())


# --- service standards ------------------------------------------------------------------
class ServiceStandardListView(CatalogueMixin, ObjectListView):
    """Response and resolution targets per service, priority and audience."""

    model = ServiceStandard
    queryset = ServiceStandard.objects.select_related("service")
    table_class = ServiceStandardTable
    filterset_class = ServiceStandardFilterSet
    permission_required = "servicedesk.change_servicestandard"
    create_url_name = "servicedesk:standard_create"
    create_permission = "servicedesk.add_servicestandard"


class ServiceStandardEditView(CatalogueEditView):
    """Create or edit a service standard."""

    model = ServiceStandard
    form_class = ServiceStandardForm
    add_permission = "servicedesk.add_servicestandard"
    change_permission = "servicedesk.change_servicestandard"
    list_url_name = "servicedesk:standard_list"

    def perform(self, form):
        """Call do_save_service_standard."""
        return actions.do_save_service_standard(self.object, **self.common(form), **form.changes())


# --- categories -------------------------------------------------------------------------
class CategoryListView(CatalogueMixin, ObjectListView):
    """The category tree."""

    model = Category
    queryset = Category.objects.select_related("parent", "service")
    table_class = CategoryTable
    filterset_class = CategoryFilterSet
    permission_required = "servicedesk.change_category"
    create_url_name = "servicedesk:category_create"
    create_permission = "servicedesk.add_category"


class CategoryEditView(CatalogueEditView):
    """Create or edit a category."""

    model = Category
    form_class = CategoryForm
    add_permission = "servicedesk.add_category"
    change_permission = "servicedesk.change_category"
    list_url_name = "servicedesk:category_list"

    def perform(self, form):
        """Call do_save_category."""
        return actions.do_save_category(self.object, **self.common(form), **form.changes())


# --- priority matrix --------------------------------------------------------------------
class PriorityMatrixView(ScopedMixin, FormView):
    """The impact × urgency matrix, edited as one grid and saved at once."""

    model = PriorityRule
    permission_required = "servicedesk.change_priorityrule"
    form_class = PriorityMatrixForm
    template_name = "servicedesk/priority_matrix.html"

    def get_form_kwargs(self):
        """The matrix as it stands, and the acting user."""
        kwargs = super().get_form_kwargs()
        kwargs["matrix"] = actions.current_matrix()
        kwargs["user"] = self.request.user
        return kwargs

    def form_valid(self, form):
        """Save the grid through the action; show a refusal on the form."""
        try:
            actions.do_set_priority_matrix(
                actor=self.request.user,
                matrix=form.matrix(),
                expected=form.decode(form.cleaned_data["loaded"]),
            )
        except ActionError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        messages.success(self.request, "Priority matrix saved. New calls use it from now on.")
        return HttpResponseRedirect(reverse("servicedesk:priority_matrix"))

    def get_context_data(self, **kwargs):
        """Title it; add the urgency headings and the audit of the cells."""
        from django.contrib.contenttypes.models import ContentType

        from core.models import AuditEvent
        from servicedesk.choices import Level

        context = super().get_context_data(**kwargs)
        context["title"] = "Priority matrix"
        context["urgencies"] = [label for _, label in Level.choices]
        context["history"] = AuditEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(PriorityRule)
        ).select_related("actor")[:50]
        return context
