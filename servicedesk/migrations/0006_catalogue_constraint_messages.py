"""Queue indexes of the lead's tuning, and readable messages on the catalogue's constraints."""

from django.db import migrations, models


class Migration(migrations.Migration):
    """Schema migration (generated, then trimmed to the dependencies it really has)."""

    dependencies = [("servicedesk", "0005_major_and_catalogue_roles")]

    operations = [
        migrations.RemoveIndex(
            model_name="incident",
            name="incident_team_queue",
        ),
        migrations.AddIndex(
            model_name="incident",
            index=models.Index(
                fields=["team", "status", "organisation", "caller"], name="incident_team_cover"
            ),
        ),
        migrations.AddIndex(
            model_name="incident",
            index=models.Index(fields=["category", "status"], name="incident_category_queue"),
        ),
        migrations.AddIndex(
            model_name="incident",
            index=models.Index(fields=["service", "status"], name="incident_service_queue"),
        ),
        migrations.AlterConstraint(
            model_name="category",
            name="category_unique_in_parent",
            constraint=models.UniqueConstraint(
                fields=("parent", "name"),
                name="category_unique_in_parent",
                violation_error_message="There is already a category of that name in that place.",
            ),
        ),
        migrations.AlterConstraint(
            model_name="servicestandard",
            name="standard_unique_per_audience",
            constraint=models.UniqueConstraint(
                fields=("service", "priority", "audience"),
                name="standard_unique_per_audience",
                violation_error_message=(
                    "This service already has a standard for that priority and audience: "
                    "edit that one instead."
                ),
            ),
        ),
    ]
