"""Django admin for the change calendar's reference data (workflow records go through actions)."""

from django.contrib import admin

from changes.models import BlackoutPeriod, ChangeTemplate, MaintenanceWindow


@admin.register(MaintenanceWindow)
class MaintenanceWindowAdmin(admin.ModelAdmin):
    """Published weekly maintenance windows."""

    list_display = ("name", "organisation", "weekday", "starts", "ends", "site", "is_active")
    list_filter = ("organisation", "weekday", "is_active")


@admin.register(BlackoutPeriod)
class BlackoutPeriodAdmin(admin.ModelAdmin):
    """Periods when only emergency changes may be made."""

    list_display = ("name", "organisation", "starts_at", "ends_at")
    list_filter = ("organisation",)


@admin.register(ChangeTemplate)
class ChangeTemplateAdmin(admin.ModelAdmin):
    """Pre-approved standard changes."""

    list_display = ("name", "category", "risk_level", "is_active")
    list_filter = ("is_active", "category")
