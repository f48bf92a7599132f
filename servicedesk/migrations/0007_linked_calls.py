"""Calls linked to the major incident they are one more report of."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Schema migration: Incident.major_incident."""

    dependencies = [("servicedesk", "0006_catalogue_constraint_messages")]

    operations = [
        migrations.AddField(
            model_name="incident",
            name="major_incident",
            field=models.ForeignKey(
                blank=True,
                help_text=(
                    "The major incident this call is one report of; its caller hears its updates."
                ),
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="linked_calls",
                to="servicedesk.incident",
            ),
        ),
    ]
