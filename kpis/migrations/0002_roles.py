"""Give managers their KPI permissions (targets, manual measures, report subscriptions)."""

from django.db import migrations

from core.roles import sync_role_permissions


class Migration(migrations.Migration):
    """Data migration: role grants declared on KpisConfig.role_permissions."""

    dependencies = [("kpis", "0001_initial"), ("core", "0002_roles")]

    operations = [migrations.RunPython(sync_role_permissions, migrations.RunPython.noop)]
