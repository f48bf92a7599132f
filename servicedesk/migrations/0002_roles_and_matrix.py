"""Give the roles their service desk permissions and fill in the default priority matrix."""

from django.db import migrations

from core.roles import sync_role_permissions


def default_matrix(apps, schema_editor):
    """The usual ITIL 3×3 matrix; administrators may change any cell afterwards."""
    from servicedesk.models.catalogue import DEFAULT_MATRIX

    rule = apps.get_model("servicedesk", "PriorityRule")
    for (impact, urgency), priority in DEFAULT_MATRIX.items():
        rule.objects.get_or_create(impact=impact, urgency=urgency, defaults={"priority": priority})


class Migration(migrations.Migration):
    """Data migration: role grants and the priority matrix."""

    dependencies = [("servicedesk", "0001_initial"), ("core", "0002_roles")]

    operations = [
        migrations.RunPython(sync_role_permissions, migrations.RunPython.noop),
        migrations.RunPython(default_matrix, migrations.RunPython.noop),
    ]
