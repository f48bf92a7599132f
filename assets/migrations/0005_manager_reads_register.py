"""Give the Manager role (head of ICT) read access to the asset register."""

from django.db import migrations

from core.roles import sync_role_permissions


class Migration(migrations.Migration):
    dependencies = [("assets", "0004_credential_edit_counter")]

    operations = [migrations.RunPython(sync_role_permissions, migrations.RunPython.noop)]
