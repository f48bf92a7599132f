"""Actions on the change calendar: personal feed addresses."""

from __future__ import annotations

from django.db import transaction

from changes.models import CalendarFeedToken
from changes.models.calendar import new_feed_token
from core.audit import record_audit
from core.exceptions import ActionForbidden


@transaction.atomic
def do_renew_calendar_feed(*, actor) -> CalendarFeedToken:
    """Give the person a new secret feed address; any old address stops working at once."""
    if not actor.has_perm("changes.view_change"):
        raise ActionForbidden("You do not have the right to see the change calendar.")
    feed, created = CalendarFeedToken.objects.select_for_update().get_or_create(user=actor)
    if not created:
        feed.token = new_feed_token()
        feed.save(update_fields=["token", "created_at"])
    record_audit(actor=actor, verb="change_feed.renewed", obj=actor)
    return feed


@transaction.atomic
def do_revoke_calendar_feed(*, actor) -> None:
    """Switch the person's feed off: the address they shared stops working."""
    deleted, _ = CalendarFeedToken.objects.filter(user=actor).delete()
    if deleted:
        record_audit(actor=actor, verb="change_feed.revoked", obj=actor)
