"""Team leaders may read KPI reports and run the wallboard (core.roles)."""

from django.db import migrations

from core.roles import sync_role_permissions


class Migration(migrations.Migration):
    """Data migration: give the role groups their current permissions again."""

    dependencies = [("core", "0002_roles")]

    operations = [migrations.RunPython(sync_role_permissions, migrations.RunPython.noop)]
