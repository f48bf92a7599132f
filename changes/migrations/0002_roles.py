"""Give the change manager and CAB member roles their change-management permissions."""

from django.db import migrations

from core.roles import sync_role_permissions


class Migration(migrations.Migration):
    """Data migration: role grants declared on ChangesConfig.role_permissions."""

    dependencies = [("changes", "0001_initial"), ("core", "0002_roles")]

    operations = [migrations.RunPython(sync_role_permissions, migrations.RunPython.noop)]
