"""Change managers' settings pages: maintenance windows, blackouts, templates and the CABs.

Each is a list and a create/edit form on core's generic views; every save goes through its
action, which checks the right, validates and writes the audit event.
"""

from __future__ import annotations

from changes import actions
from changes.filtersets import (
    BlackoutPeriodFilterSet,
    CabBoardFilterSet,
    ChangeTemplateFilterSet,
    MaintenanceWindowFilterSet,
)
from changes.forms import (
    BlackoutPeriodForm,
    CabBoardForm,
    ChangeTemplateForm,
    MaintenanceWindowForm,
)
from changes.models import BlackoutPeriod, CabBoard, ChangeTemplate, MaintenanceWindow
from changes.tables import (
    BlackoutPeriodTable,
    CabBoardTable,
    ChangeTemplateTable,
    MaintenanceWindowTable,
)
from core.views.generic import ObjectEditView, ObjectListView


class SharedRecordsMixin:
    """For records that belong to no organisation (templates, CABs): the permission decides.

    core's visibility would hide such records from everyone but administrators, so these
    views list them all to whoever holds the view's permission.
    """

    def get_queryset(self):
        """Every record of the declared queryset (or model)."""
        queryset = self.queryset if self.queryset is not None else self.model._default_manager
        return queryset.all()


class MaintenanceWindowListView(ObjectListView):
    """Published weekly maintenance windows of the organisations the person serves."""

    model = MaintenanceWindow
    queryset = MaintenanceWindow.objects.select_related("organisation", "site", "service")
    table_class = MaintenanceWindowTable
    filterset_class = MaintenanceWindowFilterSet
    permission_required = "changes.view_maintenancewindow"
    title = "Maintenance windows"
    create_url_name = "changes:window_create"
    create_permission = "changes.add_maintenancewindow"


class MaintenanceWindowEditView(ObjectEditView):
    """Publish or change a maintenance window through do_save_maintenance_window."""

    model = MaintenanceWindow
    form_class = MaintenanceWindowForm
    add_permission = "changes.add_maintenancewindow"
    change_permission = "changes.change_maintenancewindow"
    success_message = "Maintenance window saved."

    def perform(self, form):
        """Call the action."""
        return actions.do_save_maintenance_window(
            self.object,
            actor=self.request.user,
            expected_version=form.expected_version,
            **form.changes(),
        )


class BlackoutPeriodListView(ObjectListView):
    """Blackout periods of the organisations the person serves."""

    model = BlackoutPeriod
    queryset = BlackoutPeriod.objects.select_related("organisation")
    table_class = BlackoutPeriodTable
    filterset_class = BlackoutPeriodFilterSet
    permission_required = "changes.view_blackoutperiod"
    title = "Blackout periods"
    create_url_name = "changes:blackout_create"
    create_permission = "changes.add_blackoutperiod"


class BlackoutPeriodEditView(ObjectEditView):
    """Declare or change a blackout period through do_save_blackout_period."""

    model = BlackoutPeriod
    form_class = BlackoutPeriodForm
    add_permission = "changes.add_blackoutperiod"
    change_permission = "changes.change_blackoutperiod"
    success_message = "Blackout period saved."

    def perform(self, form):
        """Call the action."""
        return actions.do_save_blackout_period(
            self.object,
            actor=self.request.user,
            expected_version=form.expected_version,
            **form.changes(),
        )


class ChangeTemplateListView(SharedRecordsMixin, ObjectListView):
    """Pre-approved standard change templates."""

    model = ChangeTemplate
    table_class = ChangeTemplateTable
    filterset_class = ChangeTemplateFilterSet
    permission_required = "changes.view_changetemplate"
    title = "Standard change templates"
    create_url_name = "changes:template_create"
    create_permission = "changes.add_changetemplate"


class ChangeTemplateEditView(SharedRecordsMixin, ObjectEditView):
    """Pre-approve or change a template through do_save_change_template."""

    model = ChangeTemplate
    form_class = ChangeTemplateForm
    add_permission = "changes.add_changetemplate"
    change_permission = "changes.change_changetemplate"
    success_message = "Template saved."

    def perform(self, form):
        """Call the action."""
        return actions.do_save_change_template(
            self.object,
            actor=self.request.user,
            expected_version=form.expected_version,
            **form.changes(),
        )


class CabBoardListView(SharedRecordsMixin, ObjectListView):
    """The CABs: weekly slot, chair, quorums and the organisations each serves."""

    model = CabBoard
    queryset = CabBoard.objects.select_related("chair").prefetch_related("organisations")
    table_class = CabBoardTable
    filterset_class = CabBoardFilterSet
    permission_required = "changes.view_cabboard"
    title = "CABs"
    create_url_name = "changes:board_create"
    create_permission = "changes.manage_cab"


class CabBoardEditView(SharedRecordsMixin, ObjectEditView):
    """Set up or change a CAB through do_create_cab_board / do_update_cab_board."""

    model = CabBoard
    form_class = CabBoardForm
    add_permission = "changes.manage_cab"
    change_permission = "changes.manage_cab"
    success_message = "CAB saved."

    def perform(self, form):
        """Call the action."""
        if self.object is None:
            return actions.do_create_cab_board(
                actor=self.request.user, **form.changes(), **form.people()
            )
        return actions.do_update_cab_board(
            self.object,
            actor=self.request.user,
            expected_version=form.expected_version,
            **form.changes(),
            **form.people(),
        )
