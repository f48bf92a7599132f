"""Notifications shown to one person in the browser (and mirrored by email)."""

from django.db import models

from core.visibility import VisibleQuerySet


class Notification(models.Model):
    """A message for one person, streamed live over their WebSocket and listed until read."""

    recipient = models.ForeignKey(
        "core.User", on_delete=models.CASCADE, related_name="notifications"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = VisibleQuerySet.as_manager()

    visibility_organisation_field = None
    visibility_owner_fields = ("recipient",)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.title

    def as_message(self) -> dict:
        """The JSON payload sent to the recipient's browser."""
        return {
            "type": "notification",
            "id": self.pk,
            "title": self.title,
            "body": self.body,
            "url": self.url,
            "created_at": self.created_at.isoformat() if self.created_at else None,
        }
