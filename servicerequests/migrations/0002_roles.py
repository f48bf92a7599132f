"""Give the roles their service-request permissions."""

from django.db import migrations

from core.roles import sync_role_permissions


class Migration(migrations.Migration):
    """Data migration: role grants of servicerequests (see its AppConfig.role_permissions)."""

    dependencies = [("servicerequests", "0001_initial"), ("core", "0002_roles")]

    operations = [migrations.RunPython(sync_role_permissions, migrations.RunPython.noop)]
