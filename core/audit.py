"""The one function that writes the audit log, and snapshots of records for it."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid

from django.contrib.contenttypes.models import ContentType
from django.db import models

from core.models import AuditEvent
from core.visibility import organisation_id_of


def _json_value(value):
    """Turn a field value into something JSON can hold, readable in the log."""
    if isinstance(value, models.Model):
        return {"id": value.pk, "repr": str(value)}
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return sorted((_json_value(item) for item in value), key=str)
    if isinstance(value, models.QuerySet):
        return sorted(str(item) for item in value)
    return value


def snapshot(obj: models.Model, fields: list[str]) -> dict:
    """The values of `fields` of `obj` (many-to-many fields as sorted names), for audit."""
    values = {}
    for name in fields:
        field = obj._meta.get_field(name)
        if field.many_to_many:
            values[name] = sorted(str(item) for item in getattr(obj, name).all())
        else:
            values[name] = _json_value(getattr(obj, name))
    return values


def diff(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the keys whose values differ, as (before, after)."""
    keys = [key for key in after if before.get(key) != after.get(key)]
    keys += [key for key in before if key not in after]
    return {key: before.get(key) for key in keys}, {key: after.get(key) for key in keys}


def record_audit(
    *,
    actor,
    verb: str,
    obj: models.Model,
    before: dict | None = None,
    after: dict | None = None,
    organisation=None,
    note: str = "",
) -> AuditEvent:
    """Append one event to the audit log, inside the caller's transaction."""
    organisation_id = organisation.pk if organisation is not None else organisation_id_of(obj)
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        verb=verb,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        organisation_id=organisation_id,
        before=before or {},
        after=after or {},
        note=note,
    )


def history_of(obj: models.Model) -> models.QuerySet:
    """The audit events of one record, newest first."""
    return AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk),
    ).select_related("actor")
