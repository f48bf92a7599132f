"""Abstract bases shared by civicdesk models: optimistic versions and visibility scoping."""

from django.db import models

from core.visibility import VisibleQuerySet


class VersionedModel(models.Model):
    """A record edited by people; `version` lets an action refuse a write made from a stale page."""

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


class TimestampedModel(models.Model):
    """A record that keeps when it was created and last changed."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class ScopedManager(models.Manager.from_queryset(VisibleQuerySet)):
    """Default manager whose querysets offer `.visible_to(user)`."""
