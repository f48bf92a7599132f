"""Django admin for core's settings records (calendars); people and teams use civicdesk's pages."""

from django.contrib import admin

from core.models import AuditEvent, BusinessCalendar, CalendarClosure, OpeningHours


class OpeningHoursInline(admin.TabularInline):
    """Weekly hours edited on the calendar page."""

    model = OpeningHours
    extra = 0


class CalendarClosureInline(admin.TabularInline):
    """Closure days edited on the calendar page."""

    model = CalendarClosure
    extra = 0


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin):
    """Business calendars with their hours and closures."""

    list_display = ("name", "timezone", "holiday_region")
    inlines = [OpeningHoursInline, CalendarClosureInline]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only view of the audit log."""

    list_display = ("at", "actor", "verb", "object_repr")
    list_filter = ("verb",)
    search_fields = ("object_repr", "verb")

    def has_add_permission(self, request):
        """Events are written by actions only."""
        return False

    def has_change_permission(self, request, obj=None):
        """Events never change."""
        return False

    def has_delete_permission(self, request, obj=None):
        """Events are never removed."""
        return False
