"""Django admin for the request catalogue and approval set-up (requests go through actions)."""

from django.contrib import admin

from servicerequests.models import (
    ApprovalDelegation,
    ApprovalPolicy,
    FulfilmentStep,
    LineManager,
    RequestField,
    RequestItem,
)


class RequestFieldInline(admin.TabularInline):
    """An item's form questions, edited with the item."""

    model = RequestField
    extra = 0


class FulfilmentStepInline(admin.TabularInline):
    """An item's fulfilment plan, edited with the item."""

    model = FulfilmentStep
    extra = 0


@admin.register(RequestItem)
class RequestItemAdmin(admin.ModelAdmin):
    """Catalogue items people can request, with their forms and plans."""

    list_display = ("name", "service", "cost", "approval_rule", "is_ict_purchase", "is_published")
    list_filter = ("service", "is_published", "is_ict_purchase", "approval_rule")
    search_fields = ("name",)
    inlines = [RequestFieldInline, FulfilmentStepInline]


@admin.register(ApprovalPolicy)
class ApprovalPolicyAdmin(admin.ModelAdmin):
    """Each organisation's ICT managers, ICT executive board and threshold."""

    list_display = ("organisation", "board_name", "board_threshold", "board_decision")
    filter_horizontal = ("ict_managers", "board_members")


@admin.register(LineManager)
class LineManagerAdmin(admin.ModelAdmin):
    """Who manages whom, for line-manager approvals."""

    list_display = ("person", "manager")
    search_fields = ("person__username", "person__last_name", "manager__last_name")


@admin.register(ApprovalDelegation)
class ApprovalDelegationAdmin(admin.ModelAdmin):
    """Approvers standing in for each other while away."""

    list_display = ("delegator", "delegate", "starts_at", "ends_at")
