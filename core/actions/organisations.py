"""Actions that create and change organisations, departments and sites."""

from __future__ import annotations

from django.db import transaction

from core.actions.base import lock_visible, require_permission, save_audited
from core.models import Department, Organisation, Site

# The fields an administrator edits; the form offers exactly these.
ORGANISATION_FIELDS = ("name", "slug", "kind", "calendar", "email_domain", "is_active")


@transaction.atomic
def do_create_organisation(*, actor, **values) -> Organisation:
    """Create an organisation served by the desk."""
    require_permission(actor, "core.add_organisation", "Only administrators can add organisations.")
    organisation = Organisation()
    save_audited(
        organisation, actor=actor, verb="organisation.created", changes=values, creating=True
    )
    return organisation


@transaction.atomic
def do_update_organisation(
    organisation: Organisation, *, actor, expected_version: int | None, **changes
) -> Organisation:
    """Change an organisation's details, refusing an edit made from a stale page."""
    require_permission(
        actor, "core.change_organisation", "Only administrators can change organisations."
    )
    organisation = lock_visible(Organisation, organisation.pk, actor, expected_version)
    save_audited(organisation, actor=actor, verb="organisation.updated", changes=changes)
    return organisation


@transaction.atomic
def do_create_department(*, actor, organisation: Organisation, name: str) -> Department:
    """Add a department to an organisation."""
    require_permission(actor, "core.add_department", "Only administrators can add departments.")
    department = Department(organisation=organisation)
    save_audited(
        department, actor=actor, verb="department.created", changes={"name": name}, creating=True
    )
    return department


@transaction.atomic
def do_create_site(*, actor, organisation: Organisation, **values) -> Site:
    """Add a site (building, office) to an organisation."""
    require_permission(actor, "core.add_site", "Only administrators can add sites.")
    site = Site(organisation=organisation)
    save_audited(site, actor=actor, verb="site.created", changes=values, creating=True)
    return site
