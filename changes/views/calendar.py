"""The forward schedule of change: month and week pages, and the personal iCalendar feed."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from changes import actions, queries
from changes.ics import feed_for
from changes.models import BlackoutPeriod, CalendarFeedToken, MaintenanceWindow


class _ChangesPermission(LoginRequiredMixin, PermissionRequiredMixin):
    """Signed-in people who may see changes; others get a 403."""

    permission_required = "changes.view_change"

    def handle_no_permission(self):
        """Signed-in people without the right get a 403 rather than a login loop."""
        if self.request.user.is_authenticated:
            self.raise_exception = True
        return super().handle_no_permission()


def _parse_day(value: str | None) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else timezone.localdate()
    except ValueError:
        return timezone.localdate()


class ChangeCalendarView(_ChangesPermission, TemplateView):
    """A month (default) or week of scheduled changes, with blackouts."""

    template_name = "changes/calendar.html"

    def get_context_data(self, **kwargs):
        """Weeks of days, each with the changes whose window touches it."""
        context = super().get_context_data(**kwargs)
        mode = "week" if self.request.GET.get("view") == "week" else "month"
        day = _parse_day(self.request.GET.get("date"))
        if mode == "week":
            first = day - dt.timedelta(days=day.weekday())
            last = first + dt.timedelta(days=6)
            previous, following = first - dt.timedelta(days=7), first + dt.timedelta(days=7)
            heading = f"Week of {first:%d %B %Y}"
        else:
            month_start = day.replace(day=1)
            next_month = (month_start + dt.timedelta(days=32)).replace(day=1)
            first = month_start - dt.timedelta(days=month_start.weekday())
            last_of_month = next_month - dt.timedelta(days=1)
            last = last_of_month + dt.timedelta(days=6 - last_of_month.weekday())
            previous = (month_start - dt.timedelta(days=1)).replace(day=1)
            following = next_month
            heading = f"{month_start:%B %Y}"
        zone = timezone.get_current_timezone()
        start = dt.datetime.combine(first, dt.time(0), zone)
        end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), zone)
        changes = list(queries.forward_schedule(self.request.user, start, end))
        blackouts = list(
            BlackoutPeriod.objects.visible_to(self.request.user).filter(
                starts_at__lt=end, ends_at__gt=start
            )
        )
        weeks, week = [], []
        current = first
        while current <= last:
            day_start = dt.datetime.combine(current, dt.time(0), zone)
            day_end = day_start + dt.timedelta(days=1)
            week.append(
                {
                    "date": current,
                    "in_period": mode == "week" or current.month == day.month,
                    "today": current == timezone.localdate(),
                    "changes": [
                        c
                        for c in changes
                        if c.planned_start < day_end and c.planned_end > day_start
                    ],
                    "blackouts": [
                        b for b in blackouts if b.starts_at < day_end and b.ends_at > day_start
                    ],
                }
            )
            if len(week) == 7:
                weeks.append(week)
                week = []
            current += dt.timedelta(days=1)
        context.update(
            title="Forward schedule of change",
            heading=heading,
            mode=mode,
            weeks=weeks,
            changes=changes,
            previous=previous.isoformat(),
            following=following.isoformat(),
            anchor=day.isoformat(),
            windows=MaintenanceWindow.objects.visible_to(self.request.user).filter(is_active=True),
        )
        return context


class FeedSettingsView(_ChangesPermission, TemplateView):
    """My calendar feed address: show it, renew it (revoking the old one) or switch it off."""

    template_name = "changes/feed.html"

    def get_context_data(self, **kwargs):
        """Add the feed address, if the person has one."""
        context = super().get_context_data(**kwargs)
        feed = CalendarFeedToken.objects.filter(user=self.request.user).first()
        context["title"] = "Calendar feed"
        if feed is not None:
            path = reverse("changes:feed", args=[feed.token])
            context["feed_url"] = self.request.build_absolute_uri(path)
        return context

    def post(self, request):
        """Renew or revoke the address."""
        if request.POST.get("op") == "revoke":
            actions.do_revoke_calendar_feed(actor=request.user)
            messages.success(request, "Your calendar feed is switched off.")
        else:
            actions.do_renew_calendar_feed(actor=request.user)
            messages.success(request, "New feed address made; any old address no longer works.")
        return redirect("changes:feed_settings")


class CalendarFeedView(View):
    """The iCalendar document at a person's secret address (no sign-in: calendar apps can't)."""

    def get(self, request, token):
        """The feed of the person the token belongs to, or 404 for an unknown/revoked token."""
        feed = CalendarFeedToken.objects.select_related("user").filter(token=token).first()
        if feed is None or not feed.user.is_active or not feed.user.has_perm("changes.view_change"):
            raise Http404("No such calendar feed.")
        response = HttpResponse(feed_for(feed.user), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="civicdesk-changes.ics"'
        response["Cache-Control"] = "private, max-age=300"
        return response
