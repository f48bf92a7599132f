"""Give the roles the new major incident and catalogue administration permissions."""

from django.db import migrations

from core.roles import sync_role_permissions


class Migration(migrations.Migration):
    """Data migration: role grants of the permissions added in 0004."""

    dependencies = [("servicedesk", "0004_major_incidents_and_assets")]

    operations = [migrations.RunPython(sync_role_permissions, migrations.RunPython.noop)]
