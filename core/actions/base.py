"""Building blocks of actions: permission checks, row locks, version checks, audited saves."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models

from core.audit import diff, record_audit, snapshot
from core.exceptions import ActionForbidden, InvalidInput, StaleRecord
from core.visibility import visible_to


def require_permission(actor, permission: str, message: str) -> None:
    """Refuse with `message` unless `actor` holds the Django permission `permission`."""
    if not getattr(actor, "is_authenticated", False) or not actor.has_perm(permission):
        raise ActionForbidden(message)


def lock_visible(model: type[models.Model], pk, actor, expected_version: int | None = None):
    """Fetch and row-lock a record the actor may see, refusing a stale version.

    On PostgreSQL the lock is a row lock; on SQLite the IMMEDIATE transaction already holds
    the database write lock. Either way the version comparison that follows cannot race.
    """
    manager = model._default_manager
    # Visibility first, then the lock by primary key alone: PostgreSQL refuses FOR UPDATE
    # on the DISTINCT query that many-to-many scoping needs.
    if not visible_to(manager.filter(pk=pk), actor).exists():
        raise ActionForbidden(
            f"That {model._meta.verbose_name} does not exist or is not yours to see."
        )
    obj = manager.select_for_update().get(pk=pk)
    if expected_version is not None and obj.version != expected_version:
        raise StaleRecord(
            f"This {model._meta.verbose_name} was changed by someone else while you were editing "
            "it. Reload the page to see their changes, then make yours again."
        )
    return obj


def validation_message(error: ValidationError) -> str:
    """One readable sentence from a Django ValidationError."""
    if hasattr(error, "message_dict"):
        parts = []
        for field, messages in error.message_dict.items():
            label = "" if field == "__all__" else f"{field.replace('_', ' ')}: "
            parts.extend(f"{label}{message}" for message in messages)
        return " ".join(parts)
    return " ".join(error.messages)


def save_audited(
    obj: models.Model,
    *,
    actor,
    verb: str,
    changes: dict,
    many_to_many: dict[str, Iterable] | None = None,
    creating: bool = False,
    exclude_from_validation: Iterable[str] = (),
) -> tuple[dict, dict]:
    """Apply `changes` (and many-to-many sets) to `obj`, validate, save and audit them.

    Returns the (before, after) values that actually changed. A change that alters nothing
    is not saved and writes no audit event.
    """
    many_to_many = many_to_many or {}
    tracked = [*changes.keys(), *many_to_many.keys()]
    before = {} if creating else snapshot(obj, tracked)
    for field, value in changes.items():
        setattr(obj, field, value)
    try:
        obj.full_clean(exclude=[*exclude_from_validation, *many_to_many.keys()])
    except ValidationError as exc:
        raise InvalidInput(validation_message(exc)) from exc
    if creating:
        obj.save()
    else:
        changed_fields = [f for f in changes if before.get(f) != snapshot(obj, [f])[f]]
        if changed_fields:
            update_fields = list(changed_fields)
            if hasattr(obj, "version"):
                obj.version += 1
                update_fields.append("version")
            if hasattr(obj, "updated_at"):
                update_fields.append("updated_at")
            obj.save(update_fields=update_fields)
    for field, values in many_to_many.items():
        getattr(obj, field).set(list(values))
    after = snapshot(obj, tracked)
    old, new = ({}, after) if creating else diff(before, after)
    if not creating and many_to_many and not any(f in new for f in changes) and new:
        # Only many-to-many fields changed: the row itself still needs a new version so
        # that another editor's stale page is refused.
        if hasattr(obj, "version"):
            obj.version += 1
            obj.save(update_fields=["version"])
    if creating or new:
        record_audit(actor=actor, verb=verb, obj=obj, before=old, after=new)
    return old, new
