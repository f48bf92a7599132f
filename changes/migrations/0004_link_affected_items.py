"""Data migration: turn the names changes used to record into links to real services and assets.

Each `AffectedItem` becomes a link where a record of that name exists: a service of the
catalogue by name (the catalogue belongs to no organisation), an asset of the item's own
organisation by tag, host name or serial, a site of that organisation by name. Nothing is
lost: a change keeps the names that matched nothing in its description, and a maintenance
window that was limited to such an item is switched off rather than silently widened to
the whole organisation.
"""

from django.db import migrations
from django.db.models import Q

UNLINKED_HEADING = "Affected (named before services and assets were linked):"


def _service(apps, item):
    Service = apps.get_model("servicedesk", "Service")
    return (
        Service.objects.filter(name=item.name).first()
        or Service.objects.filter(name__iexact=item.name).first()
    )


def _asset(apps, item):
    # Only an unambiguous match: linking the wrong asset would raise false collisions.
    Asset = apps.get_model("assets", "Asset")
    matches = list(
        Asset.objects.filter(organisation_id=item.organisation_id).filter(
            Q(asset_tag=item.name) | Q(hostname=item.name) | Q(serial=item.name)
        )[:2]
    )
    return matches[0] if len(matches) == 1 else None


def _site(apps, item):
    Site = apps.get_model("core", "Site")
    return Site.objects.filter(organisation_id=item.organisation_id, name=item.name).first()


def link_affected_items(apps, schema_editor):
    """Link every change and maintenance window to the services, assets and sites it named."""
    Change = apps.get_model("changes", "Change")
    MaintenanceWindow = apps.get_model("changes", "MaintenanceWindow")
    label = {"service": "Service", "asset": "Asset", "site": "Site", "other": "Other"}

    for change in Change.objects.filter(affected_items__isnull=False).distinct():
        unlinked = []
        for item in change.affected_items.all():
            service = _service(apps, item) if item.kind == "service" else None
            asset = _asset(apps, item) if item.kind == "asset" else None
            if service is not None:
                change.affected_services.add(service)
            elif asset is not None:
                change.affected_assets.add(asset)
            else:
                unlinked.append(f"{label.get(item.kind, item.kind)}: {item.name}")
        if unlinked:
            note = f"{UNLINKED_HEADING} " + "; ".join(unlinked)
            Change.objects.filter(pk=change.pk).update(
                description=f"{change.description}\n\n{note}".strip()
            )

    for window in MaintenanceWindow.objects.filter(affected_item__isnull=False):
        item = window.affected_item
        updates = {}
        if item.kind == "service" and (service := _service(apps, item)) is not None:
            updates["service"] = service
        elif item.kind == "site" and (site := _site(apps, item)) is not None:
            updates["site"] = window.site or site
        elif item.kind == "asset" and (asset := _asset(apps, item)) is not None and asset.site_id:
            # A window cannot name an asset; the asset's site is the nearest scope.
            updates["site_id"] = window.site_id or asset.site_id
        else:
            updates["is_active"] = False
        MaintenanceWindow.objects.filter(pk=window.pk).update(**updates)


class Migration(migrations.Migration):
    """Map AffectedItem rows onto services, assets and sites (before AffectedItem is dropped)."""

    dependencies = [("changes", "0003_affected_services_and_assets")]

    operations = [migrations.RunPython(link_affected_items, migrations.RunPython.noop)]
