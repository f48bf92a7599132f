"""Post-implementation reviews link the incidents a change caused instead of listing them as text.

References that name an incident (INC0001234, or its number) become links; any that name
nothing are kept at the end of the review's lessons, so no review loses what it recorded.
"""

import re

from django.db import migrations, models

REFERENCE = re.compile(r"^(?:INC)?0*(\d+)$", re.IGNORECASE)


def link_incidents(apps, schema_editor):
    """Turn each review's incident references into links to the incidents."""
    Review = apps.get_model("changes", "PostImplementationReview")
    Incident = apps.get_model("servicedesk", "Incident")
    for review in Review.objects.exclude(incidents_caused_text=""):
        unknown = []
        for reference in re.split(r"[\s,;]+", review.incidents_caused_text.strip()):
            match = REFERENCE.match(reference)
            incident = Incident.objects.filter(pk=int(match.group(1))).first() if match else None
            if incident is None:
                unknown.append(reference)
            else:
                review.incidents_caused.add(incident)
        if unknown:
            note = "Incidents noted that match no incident: " + ", ".join(unknown)
            Review.objects.filter(pk=review.pk).update(
                lessons=f"{review.lessons}\n\n{note}".strip()
            )


class Migration(migrations.Migration):
    """Add the many-to-many link and carry the references across (0007 drops the text).

    The text goes in a migration of its own: PostgreSQL refuses to alter a table while the
    rows just linked still have constraint checks pending in the same transaction.
    """

    dependencies = [
        ("changes", "0005_drop_affected_item"),
        ("servicedesk", "0003_queue_indexes_only"),
    ]

    operations = [
        migrations.RenameField(
            model_name="postimplementationreview",
            old_name="incidents_caused",
            new_name="incidents_caused_text",
        ),
        migrations.AddField(
            model_name="postimplementationreview",
            name="incidents_caused",
            field=models.ManyToManyField(
                blank=True, related_name="caused_by_change_reviews", to="servicedesk.incident"
            ),
        ),
        migrations.RunPython(link_incidents, migrations.RunPython.noop),
    ]
