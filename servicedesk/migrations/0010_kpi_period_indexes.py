"""Covering indexes for the KPI pack's range scans; partial ones for the backlog and major
incidents; the survey answers of a period."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("servicedesk", "0009_open_major_index"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="incident",
            name="incident_org_opened",
        ),
        migrations.RemoveIndex(
            model_name="incident",
            name="incident_org_resolved",
        ),
        migrations.AddIndex(
            model_name="incident",
            index=models.Index(
                fields=[
                    "organisation",
                    "opened_at",
                    "channel",
                    "team",
                    "service",
                    "category",
                    "priority",
                    "logged_by",
                    "caller",
                    "assignee",
                    "resolved_at",
                ],
                name="incident_org_opened",
            ),
        ),
        migrations.AddIndex(
            model_name="incident",
            index=models.Index(
                fields=[
                    "organisation",
                    "resolved_at",
                    "channel",
                    "team",
                    "service",
                    "category",
                    "priority",
                    "business_seconds_to_resolve",
                    "resolution_target_seconds",
                    "wall_seconds_to_resolve",
                    "resolved_first_contact",
                    "reassignment_count",
                    "reopen_count",
                    "assignee",
                    "logged_by",
                    "caller",
                    "opened_at",
                    "status",
                ],
                name="incident_org_resolved",
            ),
        ),
        migrations.AddIndex(
            model_name="incident",
            index=models.Index(
                condition=models.Q(("resolved_at__isnull", True)),
                fields=["organisation", "opened_at", "status", "team"],
                name="incident_org_unresolved",
            ),
        ),
        migrations.AddIndex(
            model_name="incident",
            index=models.Index(
                condition=models.Q(("is_major", True)),
                fields=["organisation", "opened_at"],
                name="incident_org_major",
            ),
        ),
        migrations.AddIndex(
            model_name="surveyresponse",
            index=models.Index(fields=["created_at"], name="survey_response_created"),
        ),
    ]
