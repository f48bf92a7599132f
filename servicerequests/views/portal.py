"""The portal's request pages: the catalogue, an item's order form, my requests, one request."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.views import View
from django.views.generic import TemplateView

from core.exceptions import ActionError, InvalidInput
from core.models import User
from core.views.generic import ObjectDetailView, ObjectListView
from servicedesk.models import Service, ServiceStandard
from servicerequests import actions, approval_rules, queries
from servicerequests.actions.requests import request_targets, total_cost_of
from servicerequests.choices import ApprovalStep, DecisionRule, FieldKind, RequestChannel
from servicerequests.filtersets import ServiceRequestFilterSet
from servicerequests.forms import (
    QUANTITY,
    OnBehalfForm,
    RequestFormInvalid,
    build_request_form,
)
from servicerequests.models import RequestItem, ServiceRequest
from servicerequests.tables import ServiceRequestTable
from servicerequests.views.shared import PermissionPageMixin, bootstrap, request_page_context


class CatalogueView(PermissionPageMixin, TemplateView):
    """The request catalogue: each service's hours, standards and availability, and its items."""

    permission_required = "servicerequests.view_requestitem"
    template_name = "servicerequests/catalogue.html"

    def get_context_data(self, **kwargs):
        """The published items grouped under their services, with each service's targets."""
        context = super().get_context_data(**kwargs)
        items = list(queries.published_items())
        service_ids = {item.service_id for item in items}
        services = (
            Service.objects.filter(pk__in=service_ids)
            .select_related("calendar", "owner_team")
            .prefetch_related(
                "calendar__hours",
                Prefetch("standards", queryset=ServiceStandard.objects.order_by("priority")),
            )
            .order_by("name")
        )
        user = self.request.user
        fallback_calendar = user.organisation.calendar if user.organisation_id else None
        context["title"] = "Request something"
        context["catalogue"] = [
            {
                "service": service,
                "hours": (service.calendar or fallback_calendar).describe_hours()
                if (service.calendar or fallback_calendar)
                else None,
                "standards": standards_by_priority(service.standards.all()),
                "items": [item for item in items if item.service_id == service.pk],
            }
            for service in services
        ]
        return context


def standards_by_priority(standards) -> list[dict]:
    """A service's standards as one row per priority: everyone's targets and councillors'."""
    rows: dict[int, dict] = {}
    for standard in standards:
        row = rows.setdefault(
            standard.priority,
            {"priority": standard.get_priority_display(), "everyone": None, "vip": None},
        )
        row["vip" if standard.audience == "vip" else "everyone"] = standard
    return list(rows.values())


def approval_preview(item: RequestItem, requester, data) -> dict:
    """The total and the approval steps a request would need, from the form as typed so far.

    Reads the quantity and the cost answers leniently (a half-typed form still previews);
    the submit action validates everything again.
    """
    try:
        quantity = min(max(int(data.get(QUANTITY) or 1), 1), max(1, item.max_quantity))
    except (TypeError, ValueError):
        quantity = 1
    extra = Decimal("0")
    for definition in item.fields.all():
        if definition.kind != FieldKind.COST:
            continue
        try:
            amount = Decimal(str(data.get(definition.key) or "0"))
        except InvalidOperation:
            continue
        if amount.is_finite() and amount > 0:
            extra += amount
    total = total_cost_of(item, quantity, extra)
    policy = approval_rules.policy_for(requester.organisation_id)
    preview = {
        "quantity": quantity,
        "total": total,
        "steps": [],
        "problem": "",
        "threshold": approval_rules.board_threshold(policy),
    }
    try:
        plan = approval_rules.plan_approvals(item, requester, total)
    except InvalidInput as exc:
        preview["problem"] = exc.message
        return preview
    for planned in plan:
        step = {"label": ApprovalStep(planned.step).label, "who": ""}
        others = [person for person in planned.approvers if person.pk != requester.pk]
        if planned.step == ApprovalStep.BOARD:
            rule = DecisionRule(planned.decision_rule).label.lower()
            step["who"] = f"{len(others)} members; {rule}"
        else:
            step["who"] = " or ".join(person.get_full_name() or str(person) for person in others)
        preview["steps"].append(step)
    return preview


class ItemOrderView(PermissionPageMixin, View):
    """One item of the catalogue and its order form; submitting creates one request."""

    permission_required = "servicerequests.add_servicerequest"
    template_name = "servicerequests/item_order.html"

    def get_item(self, pk) -> RequestItem:
        """A published item of an active service (404 otherwise)."""
        return get_object_or_404(
            queries.published_items().select_related("standard", "service__calendar"), pk=pk
        )

    def behalf_form(self, request, data=None) -> OnBehalfForm | None:
        """The "for whom" part of the form, for those who may order on someone's behalf."""
        if not request.user.has_perm("servicerequests.log_request_for_others"):
            return None
        return bootstrap(OnBehalfForm(data, agent=request.user))

    def requester_for(self, request, data) -> User:
        """Whom the typed-in form orders for: the chosen caller if valid, else oneself."""
        behalf = self.behalf_form(request, data)
        if behalf is not None and behalf.is_valid():
            return behalf.requester_or(request.user)
        return request.user

    def render_page(self, request, item, form, behalf=None, status=200):
        """The item, its targets for the requester, the form and the approvals it needs."""
        data = form.data if form.is_bound else {}
        requester = self.requester_for(request, data) if data else request.user
        priority, response, resolution = request_targets(item, requester.is_vip)
        context = {
            "title": item.name,
            "item": item,
            "form": form,
            "behalf": behalf if behalf is not None else self.behalf_form(request),
            "response_minutes": response // 60,
            "resolution_minutes": resolution // 60,
            "preview": approval_preview(item, requester, data),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request, pk):
        """The empty form."""
        item = self.get_item(pk)
        return self.render_page(request, item, bootstrap(build_request_form(item, request.user)))

    def post(self, request, pk):
        """Submit through the action; per-field errors and nothing created when invalid."""
        item = self.get_item(pk)
        form = bootstrap(build_request_form(item, request.user, request.POST))
        behalf = self.behalf_form(request, request.POST)
        if form.is_valid() and (behalf is None or behalf.is_valid()):
            requester = behalf.requester_or(request.user) if behalf else request.user
            on_behalf = requester.pk != request.user.pk
            try:
                service_request = actions.do_submit_request(
                    actor=request.user,
                    requester=requester,
                    item=item,
                    answers=form.answers(),
                    quantity=form.quantity(),
                    channel=behalf.cleaned_data["channel"] if on_behalf else RequestChannel.PORTAL,
                )
            except RequestFormInvalid as exc:
                for field, errors in exc.errors.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            except ActionError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                for_whom = f" for {requester.get_full_name() or requester}" if on_behalf else ""
                messages.success(
                    request,
                    f"{service_request.reference} is submitted{for_whom}: "
                    f"{service_request.get_status_display().lower()}.",
                )
                # An agent ordering for a caller goes on to the desk's page of the request.
                url = (
                    service_request.get_absolute_url()
                    if on_behalf
                    else service_request.get_portal_url()
                )
                return HttpResponseRedirect(url)
        return self.render_page(request, item, form, behalf=behalf)


class ApprovalPreviewView(ItemOrderView):
    """The approvals fragment of an order form, recomputed as the quantity or cost changes."""

    http_method_names = ["post"]

    def post(self, request, pk):
        """Render only the preview of what the typed-in request would need."""
        item = self.get_item(pk)
        return render(
            request,
            "servicerequests/_approval_preview.html",
            {
                "item": item,
                "preview": approval_preview(
                    item, self.requester_for(request, request.POST), request.POST
                ),
            },
        )


class MyRequestsView(ObjectListView):
    """The requests a person made (or the desk made for them)."""

    permission_required = "servicerequests.view_servicerequest"
    model = ServiceRequest
    table_class = ServiceRequestTable
    filterset_class = ServiceRequestFilterSet
    title = "My requests"
    create_url_name = "servicerequests:catalogue"
    create_permission = "servicerequests.add_servicerequest"

    def get_queryset(self):
        """Only the person's own requests, even for agents."""
        return queries.my_requests(self.request.user)

    def get_table_kwargs(self):
        """Requesters do not need the desk's columns; links go to the portal's pages."""
        return {"exclude": ("requester", "organisation", "team"), "portal": True}


class PortalRequestView(ObjectDetailView):
    """The requester's page of their request: state, answers, approvals, tasks, deadline."""

    permission_required = "servicerequests.view_servicerequest"
    model = ServiceRequest
    template_name = "servicerequests/portal_request.html"

    def get_queryset(self):
        """The person's own requests only: nobody reads someone else's through the portal."""
        return queries.my_requests(self.request.user)

    def get_context_data(self, **kwargs):
        """Add the request's answers, steps, tasks and clocks."""
        context = super().get_context_data(**kwargs)
        context.update(request_page_context(self.object, self.request.user))
        context["title"] = str(self.object)
        return context
