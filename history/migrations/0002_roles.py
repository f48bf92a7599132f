"""Give the administrators the history import permission."""

from django.db import migrations

from core.roles import sync_role_permissions


class Migration(migrations.Migration):
    """Data migration: administrators hold every permission, including run_history_import."""

    dependencies = [("history", "0001_initial"), ("core", "0002_roles")]

    operations = [migrations.RunPython(sync_role_permissions, migrations.RunPython.noop)]
