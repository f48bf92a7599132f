"""Actions on the change calendar: maintenance windows, blackout periods, personal feeds."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from changes.models import BlackoutPeriod, CalendarFeedToken, MaintenanceWindow
from changes.models.calendar import new_feed_token
from core.actions.base import lock_visible, require_permission, save_audited
from core.audit import record_audit
from core.exceptions import ActionForbidden, InvalidInput
from core.visibility import can_see

WINDOW_FIELDS = (
    "organisation",
    "name",
    "weekday",
    "starts",
    "ends",
    "site",
    "service",
    "is_active",
)
BLACKOUT_FIELDS = ("organisation", "name", "starts_at", "ends_at", "reason")


def _only(fields: dict, allowed: tuple[str, ...]) -> None:
    """Refuse fields the record does not have (a typo would otherwise be silently ignored)."""
    unknown = set(fields) - set(allowed)
    if unknown:
        raise InvalidInput(f"Unknown fields: {', '.join(sorted(unknown))}.")


def _check_organisation(actor, organisation) -> None:
    """The calendar of an organisation is kept by those who serve it."""
    if organisation is None or not can_see(actor, organisation):
        raise InvalidInput("Choose an organisation you work for.", field="organisation")


@transaction.atomic
def do_save_maintenance_window(
    window: MaintenanceWindow | None,
    *,
    actor,
    expected_version: int | None = None,
    **fields,
) -> MaintenanceWindow:
    """Publish a new weekly maintenance window, or change one (None creates).

    Refused: an end before the start (00:00 is midnight at the end of the day), a site of
    another organisation, a service withdrawn from the catalogue.
    """
    _only(fields, WINDOW_FIELDS)
    creating = window is None
    require_permission(
        actor,
        "changes.add_maintenancewindow" if creating else "changes.change_maintenancewindow",
        "Only change managers publish maintenance windows.",
    )
    if creating:
        window = MaintenanceWindow()
    else:
        window = lock_visible(MaintenanceWindow, window.pk, actor, expected_version)
    organisation = fields.get("organisation", getattr(window, "organisation", None))
    _check_organisation(actor, organisation)
    starts, ends = fields.get("starts", window.starts), fields.get("ends", window.ends)
    if starts is not None and ends is not None and ends != dt.time(0) and ends <= starts:
        raise InvalidInput(
            "The window must end after it starts (an end of 00:00 means midnight).",
            field="ends",
        )
    site = fields.get("site", window.site if window.site_id else None)
    if site is not None and site.organisation_id != organisation.pk:
        raise InvalidInput(
            f"{site} is a site of {site.organisation}, not of {organisation}.", field="site"
        )
    service = fields.get("service")
    if service is not None and not service.is_active and service.pk != window.service_id:
        raise InvalidInput(f"The service “{service}” is withdrawn.", field="service")
    save_audited(
        window,
        actor=actor,
        verb="maintenance_window.created" if creating else "maintenance_window.updated",
        changes=fields,
        creating=creating,
    )
    return window


@transaction.atomic
def do_save_blackout_period(
    blackout: BlackoutPeriod | None,
    *,
    actor,
    expected_version: int | None = None,
    **fields,
) -> BlackoutPeriod:
    """Declare a blackout period (None creates) or change one; refused if it ends first."""
    _only(fields, BLACKOUT_FIELDS)
    creating = blackout is None
    require_permission(
        actor,
        "changes.add_blackoutperiod" if creating else "changes.change_blackoutperiod",
        "Only change managers declare blackout periods.",
    )
    if creating:
        blackout = BlackoutPeriod()
    else:
        blackout = lock_visible(BlackoutPeriod, blackout.pk, actor, expected_version)
    _check_organisation(actor, fields.get("organisation", getattr(blackout, "organisation", None)))
    starts_at = fields.get("starts_at", blackout.starts_at)
    ends_at = fields.get("ends_at", blackout.ends_at)
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        raise InvalidInput("The blackout must end after it starts.", field="ends_at")
    save_audited(
        blackout,
        actor=actor,
        verb="blackout_period.created" if creating else "blackout_period.updated",
        changes=fields,
        creating=creating,
    )
    return blackout


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
