"""Give the role groups the asset register's permissions."""

from django.db import migrations

from core.roles import sync_role_permissions


class Migration(migrations.Migration):
    dependencies = [("assets", "0001_initial"), ("core", "0002_roles")]

    operations = [migrations.RunPython(sync_role_permissions, migrations.RunPython.noop)]
