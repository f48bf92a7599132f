"""Actions on a person's own notifications."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from core.realtime import broadcast_on_commit, user_group


@transaction.atomic
def do_mark_notifications_read(*, actor) -> int:
    """Mark all of the actor's unread notifications read; their open pages reset the bell."""
    count = actor.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
    if count:
        broadcast_on_commit(user_group(actor.pk), {"type": "unread", "count": 0})
    return count
