"""Drop the review's old text list of incidents, now carried across as links by 0006."""

from django.db import migrations


class Migration(migrations.Migration):
    """Remove PostImplementationReview.incidents_caused_text."""

    dependencies = [("changes", "0006_review_links_incidents")]

    operations = [
        migrations.RemoveField(model_name="postimplementationreview", name="incidents_caused_text")
    ]
