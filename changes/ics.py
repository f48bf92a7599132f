"""The forward schedule of change as an iCalendar feed that Outlook can subscribe to."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from changes.queries import forward_schedule

# How far back and ahead the feed reaches: enough for a calendar client, bounded for speed.
PAST = dt.timedelta(days=60)
AHEAD = dt.timedelta(days=400)


def feed_for(user) -> bytes:
    """The changes `user` may see, as an iCalendar document (only what they may see)."""
    calendar = Calendar()
    calendar.add("prodid", "-//civicdesk//Forward schedule of change//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "civicdesk changes")
    now = timezone.now()
    for change in forward_schedule(user, now - PAST, now + AHEAD):
        event = Event()
        event.add("uid", f"{change.reference}@civicdesk")
        event.add("dtstamp", change.updated_at)
        event.add("dtstart", change.planned_start)
        event.add("dtend", change.planned_end)
        event.add("summary", f"{change.reference} {change.title}")
        event.add(
            "description",
            f"{change.get_change_type_display()} change, {change.get_status_display()}; "
            f"risk {change.get_risk_level_display() or 'not assessed'}.\n{change.description}",
        )
        event.add("url", f"{settings.SITE_URL}{change.get_absolute_url()}")
        event.add("status", "CONFIRMED" if change.status != "approved" else "TENTATIVE")
        calendar.add_component(event)
    return calendar.to_ical()
