"""The append-only audit log: who changed what, from what, to what, and when."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from core.visibility import VisibleQuerySet


class AuditImmutableError(Exception):
    """Raised when code tries to change or remove an audit event."""


class AuditEventQuerySet(VisibleQuerySet):
    """Queries over audit events; bulk updates and deletes are refused."""

    def update(self, **kwargs):
        """Refuse: audit events are never changed."""
        raise AuditImmutableError("Audit events are append-only; they cannot be updated.")

    def delete(self):
        """Refuse: audit events are never removed."""
        raise AuditImmutableError("Audit events are append-only; they cannot be deleted.")

    def bulk_update(self, objs, fields, batch_size=None):
        """Refuse: audit events are never changed."""
        raise AuditImmutableError("Audit events are append-only; they cannot be updated.")


class AuditEvent(models.Model):
    """One recorded change: actor, verb, the object, its values before and after, and when."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    # PROTECT: people and organisations with history are deactivated, never deleted,
    # so the log never loses who did something.
    actor = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verb = models.CharField(max_length=60, db_index=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    object = GenericForeignKey("content_type", "object_id")
    object_repr = models.CharField(max_length=200)
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True)

    objects = AuditEventQuerySet.as_manager()

    visibility_organisation_field = "organisation"
    visibility_owner_fields = ("actor",)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "at"]),
            # Reports over one kind of record's events in a period for some organisations
            # (the KPIs' reassignments): without it SQLite, which keeps no statistics, read
            # them through the organisation index, a whole history.
            models.Index(fields=["content_type", "organisation", "at"], name="audit_type_org_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor or 'system'} {self.verb} {self.object_repr}"

    def save(self, *args, **kwargs):
        """Insert only: saving an event that already exists is refused."""
        if not self._state.adding:
            raise AuditImmutableError("Audit events are append-only; they cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        """Refuse: audit events are never removed."""
        raise AuditImmutableError("Audit events are append-only; they cannot be deleted.")

    def changes(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for every field the event recorded, for display."""
        keys = list(dict.fromkeys([*self.before.keys(), *self.after.keys()]))
        return [(key, self.before.get(key), self.after.get(key)) for key in keys]
