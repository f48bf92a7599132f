"""Data migration: give existing CABs the organisations they serve, and the new page rights.

Until now every change went to the one CAB there was. Where exactly one active board exists,
it goes on serving every organisation; with several, a change manager assigns them on the
CAB pages (an emergency change of an unserved organisation is refused with that advice).
"""

from django.db import migrations

from core.roles import sync_role_permissions


def serve_every_organisation_from_the_only_board(apps, schema_editor):
    """Give the only active board every organisation, keeping today's behaviour."""
    CabBoard = apps.get_model("changes", "CabBoard")
    Organisation = apps.get_model("core", "Organisation")
    boards = list(CabBoard.objects.filter(is_active=True)[:2])
    if len(boards) == 1:
        boards[0].organisations.set(Organisation.objects.all())


class Migration(migrations.Migration):
    """Assign organisations to the sole board; grant the rights of the new settings pages."""

    dependencies = [("changes", "0008_cab_organisations_and_versions")]

    operations = [
        migrations.RunPython(
            serve_every_organisation_from_the_only_board, migrations.RunPython.noop
        ),
        migrations.RunPython(sync_role_permissions, migrations.RunPython.noop),
    ]
