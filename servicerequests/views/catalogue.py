"""Administration of the request catalogue: items, their questions and plans, who approves.

Like the service catalogue's pages (servicedesk.views.catalogue): request items are public to
everyone the desk serves, so these pages are not scoped by organisation and the model
permissions are the gate; approval policies and line managers are scoped to the
organisations the administrator may see.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views import View

from core.audit import history_of
from core.exceptions import ActionError
from core.forms import ActionForm
from core.models import Organisation, User
from core.views.generic import ObjectEditView, ObjectListView
from servicerequests import actions
from servicerequests.choices import DecisionRule
from servicerequests.filtersets import LineManagerFilterSet, RequestItemFilterSet
from servicerequests.models import (
    ApprovalPolicy,
    FulfilmentStep,
    LineManager,
    RequestField,
    RequestItem,
)
from servicerequests.models.approvals import DEFAULT_BOARD_THRESHOLD
from servicerequests.tables import LineManagerTable, RequestItemTable
from servicerequests.views.shared import PermissionPageMixin, bootstrap

MANAGE_APPROVALS = "servicerequests.manage_approvals"


# --- forms (they only validate; the actions save) -------------------------------------------
class RequestItemForm(ActionForm):
    """Create or edit a request item."""

    class Meta:
        model = RequestItem
        fields = [
            "service",
            "name",
            "description",
            "cost",
            "max_quantity",
            "approval_rule",
            "is_ict_purchase",
            "standard",
            "pause_sla_while_awaiting_approval",
            "is_published",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class RequestFieldForm(ActionForm):
    """Create or edit one question of an item's form."""

    class Meta:
        model = RequestField
        fields = ["label", "key", "kind", "required", "choices", "help_text", "order"]
        widgets = {"choices": forms.Textarea(attrs={"rows": 3})}


class FulfilmentStepForm(ActionForm):
    """Create or edit one task of an item's fulfilment plan."""

    class Meta:
        model = FulfilmentStep
        fields = ["stage", "team", "title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class ApprovalPolicyForm(forms.Form):
    """An organisation's ICT managers, its board, the board's threshold and decision rule."""

    ict_managers = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(), required=False, label="ICT managers"
    )
    board_name = forms.CharField(max_length=100, initial="ICT executive board")
    board_members = forms.ModelMultipleChoiceField(queryset=User.objects.none(), required=False)
    board_threshold = forms.DecimalField(
        label="Board threshold (£)",
        min_value=0,
        max_digits=12,
        decimal_places=2,
        initial=DEFAULT_BOARD_THRESHOLD,
        help_text="Requests whose total is above this also need the board.",
    )
    board_decision = forms.ChoiceField(choices=DecisionRule.choices)

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        people = User.objects.filter(organisation=organisation, is_active=True).order_by(
            "last_name", "first_name", "username"
        )
        for name in ("ict_managers", "board_members"):
            self.fields[name].queryset = people
            self.fields[name].widget.attrs["size"] = 8
        bootstrap(self)


class LineManagerForm(forms.Form):
    """Who a person's line manager is (none removes the record)."""

    person = forms.ModelChoiceField(queryset=User.objects.none())
    manager = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        help_text="Leave empty to remove the person's line manager.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        people = User.objects.visible_to(user).filter(is_active=True)
        self.fields["person"].queryset = people
        self.fields["manager"].queryset = people
        bootstrap(self)

    def clean(self):
        """Nobody manages themself; a manager works for the person's own organisation."""
        cleaned = super().clean()
        person, manager = cleaned.get("person"), cleaned.get("manager")
        if person and manager:
            if person.pk == manager.pk:
                self.add_error("manager", "Nobody is their own line manager.")
            elif person.organisation_id != manager.organisation_id:
                self.add_error("manager", "Choose a manager of the person's own organisation.")
        return cleaned


# --- request items ---------------------------------------------------------------------------
class UnscopedMixin:
    """The request catalogue is public: every record of the model, the permissions gate."""

    def get_queryset(self):
        """Every record of the model."""
        queryset = self.queryset if self.queryset is not None else self.model._default_manager
        return queryset.all()


class RequestItemListView(UnscopedMixin, ObjectListView):
    """The request catalogue's items, published or not."""

    model = RequestItem
    queryset = RequestItem.objects.select_related("service", "standard__service")
    table_class = RequestItemTable
    filterset_class = RequestItemFilterSet
    permission_required = "servicerequests.change_requestitem"
    title = "Request catalogue"
    create_url_name = "servicerequests:request_item_create"
    create_permission = "servicerequests.add_requestitem"


class RequestItemEditView(UnscopedMixin, ObjectEditView):
    """Create or edit a request item; its page also lists its questions and its plan."""

    model = RequestItem
    form_class = RequestItemForm
    template_name = "servicerequests/item_form.html"
    add_permission = "servicerequests.add_requestitem"
    change_permission = "servicerequests.change_requestitem"

    def perform(self, form):
        """Call do_save_request_item; stay on the item's page, where its parts are edited."""
        item = actions.do_save_request_item(
            self.object,
            actor=self.request.user,
            expected_version=form.expected_version if self.object else None,
            **form.changes(),
        )
        return with_item_page(item, item)

    def get_context_data(self, **kwargs):
        """Add the item's questions, plan and history."""
        context = super().get_context_data(**kwargs)
        if self.object:
            context["item_fields"] = self.object.fields.all()
            context["item_steps"] = self.object.steps.select_related("team")
            context["history"] = history_of(self.object)[:50]
        context["list_url"] = reverse("servicerequests:request_item_list")
        return context


def item_url(item: RequestItem) -> str:
    """The administration page of a request item."""
    return reverse("servicerequests:request_item_edit", args=[item.pk])


def with_item_page(record, item: RequestItem):
    """The saved record, sent back to its item's page when the edit view redirects.

    ObjectEditView goes to `record.get_absolute_url()`; catalogue records have no page of
    their own (the item's page lists its questions and plan), so this gives them that one.
    """
    record.get_absolute_url = lambda: item_url(item)
    return record


class ItemPartEditView(UnscopedMixin, ObjectEditView):
    """Base of the edit pages of an item's questions and plan steps (create under an item)."""

    template_name = "core/object_form.html"

    def dispatch(self, request, *args, **kwargs):
        """Know the item: the edited record's, or the one in the URL when creating."""
        self.item = None
        if "item_pk" in kwargs:
            self.item = get_object_or_404(RequestItem, pk=kwargs["item_pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        """A new record starts attached to its item (the model's own checks need it)."""
        kwargs = super().get_form_kwargs()
        if self.object is None:
            kwargs["instance"] = self.model(item=self.item)
        return kwargs

    def the_item(self) -> RequestItem:
        """The item the record belongs to."""
        return self.object.item if self.object else self.item

    def get_context_data(self, **kwargs):
        """Title it with the item's name."""
        context = super().get_context_data(**kwargs)
        noun = self.model._meta.verbose_name
        context["title"] = f"{'Edit' if self.object else 'New'} {noun} of {self.the_item()}"
        return context


class RequestFieldEditView(ItemPartEditView):
    """Add or change a question of an item's form."""

    model = RequestField
    form_class = RequestFieldForm
    add_permission = "servicerequests.add_requestfield"
    change_permission = "servicerequests.change_requestfield"

    def perform(self, form):
        """Call do_save_request_field."""
        field = actions.do_save_request_field(
            self.object, actor=self.request.user, item=self.the_item(), **form.changes()
        )
        return with_item_page(field, field.item)


class FulfilmentStepEditView(ItemPartEditView):
    """Add or change a task of an item's fulfilment plan."""

    model = FulfilmentStep
    form_class = FulfilmentStepForm
    add_permission = "servicerequests.add_fulfilmentstep"
    change_permission = "servicerequests.change_fulfilmentstep"

    def perform(self, form):
        """Call do_save_fulfilment_step."""
        step = actions.do_save_fulfilment_step(
            self.object, actor=self.request.user, item=self.the_item(), **form.changes()
        )
        return with_item_page(step, step.item)


class ItemPartDeleteView(PermissionPageMixin, View):
    """POST: remove a question or a plan step from an item."""

    http_method_names = ["post"]
    model = RequestField
    permission_required = "servicerequests.change_requestfield"

    def post(self, request, pk):
        """Call the delete action; back to the item's page."""
        record = get_object_or_404(self.model, pk=pk)
        item = record.item
        try:
            if self.model is RequestField:
                actions.do_delete_request_field(record.pk, actor=request.user)
            else:
                actions.do_delete_fulfilment_step(record.pk, actor=request.user)
        except ActionError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Removed.")
        return HttpResponseRedirect(item_url(item))


# --- who approves ----------------------------------------------------------------------------
class ApprovalPolicyListView(PermissionPageMixin, View):
    """Each organisation's approval policy: ICT managers, board, threshold, decision rule."""

    permission_required = MANAGE_APPROVALS

    def get(self, request):
        """The organisations the person may see, with their policies."""
        organisations = Organisation.objects.visible_to(request.user).filter(is_active=True)
        policies = {
            policy.organisation_id: policy
            for policy in ApprovalPolicy.objects.filter(
                organisation__in=organisations
            ).prefetch_related("ict_managers", "board_members")
        }
        rows = [(organisation, policies.get(organisation.pk)) for organisation in organisations]
        return render(
            request,
            "servicerequests/approval_policies.html",
            {"title": "Approval policies", "rows": rows},
        )


class ApprovalPolicyEditView(PermissionPageMixin, View):
    """Set one organisation's approval policy."""

    permission_required = MANAGE_APPROVALS
    template_name = "servicerequests/approval_policy_form.html"

    def get_organisation(self, pk) -> Organisation:
        """An organisation the person may see (another's is a 404)."""
        organisation = Organisation.objects.visible_to(self.request.user).filter(pk=pk).first()
        if organisation is None:
            raise Http404("No such organisation.")
        return organisation

    def render_page(self, organisation, form):
        """The form and the policy's history."""
        policy = ApprovalPolicy.objects.filter(organisation=organisation).first()
        return render(
            self.request,
            self.template_name,
            {
                "title": f"Approval policy of {organisation}",
                "form": form,
                "organisation": organisation,
                "history": history_of(policy)[:50] if policy else [],
            },
        )

    def get(self, request, pk):
        """The policy as it stands (or the defaults)."""
        organisation = self.get_organisation(pk)
        policy = ApprovalPolicy.objects.filter(organisation=organisation).first()
        initial = {}
        if policy is not None:
            initial = {
                "ict_managers": list(policy.ict_managers.all()),
                "board_members": list(policy.board_members.all()),
                "board_name": policy.board_name,
                "board_threshold": policy.board_threshold,
                "board_decision": policy.board_decision,
            }
        return self.render_page(
            organisation, ApprovalPolicyForm(initial=initial, organisation=organisation)
        )

    def post(self, request, pk):
        """Save through do_set_approval_policy."""
        organisation = self.get_organisation(pk)
        form = ApprovalPolicyForm(request.POST, organisation=organisation)
        if form.is_valid():
            try:
                actions.do_set_approval_policy(
                    organisation, actor=request.user, **form.cleaned_data
                )
            except ActionError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, f"Approval policy of {organisation} saved.")
                return HttpResponseRedirect(reverse("servicerequests:approval_policy_list"))
        return self.render_page(organisation, form)


class LineManagerListView(ObjectListView):
    """Who manages whom, in the organisations the person may see."""

    model = LineManager
    queryset = LineManager.objects.select_related("person__organisation", "manager")
    table_class = LineManagerTable
    filterset_class = LineManagerFilterSet
    permission_required = MANAGE_APPROVALS
    title = "Line managers"
    create_url_name = "servicerequests:line_manager_create"


class LineManagerEditView(PermissionPageMixin, View):
    """Record, change or remove a person's line manager."""

    permission_required = MANAGE_APPROVALS
    template_name = "core/object_form.html"

    def get_link(self, pk):
        """A record the person may see (another council's is a 404)."""
        if pk is None:
            return None
        return get_object_or_404(LineManager.objects.visible_to(self.request.user), pk=pk)

    def render_page(self, form, link):
        """The form."""
        title = f"Line manager of {link.person}" if link else "Record a line manager"
        return render(self.request, self.template_name, {"title": title, "form": form})

    def get(self, request, pk=None):
        """The form, filled in when editing."""
        link = self.get_link(pk)
        initial = {"person": link.person, "manager": link.manager} if link else {}
        return self.render_page(LineManagerForm(initial=initial, user=request.user), link)

    def post(self, request, pk=None):
        """Save through do_set_line_manager."""
        link = self.get_link(pk)
        form = LineManagerForm(request.POST, user=request.user)
        if form.is_valid():
            person, manager = form.cleaned_data["person"], form.cleaned_data["manager"]
            try:
                actions.do_set_line_manager(person, actor=request.user, manager=manager)
            except ActionError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, "Line manager saved.")
                return HttpResponseRedirect(reverse("servicerequests:line_manager_list"))
        return self.render_page(form, link)
