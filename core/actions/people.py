"""Actions that register people, change their details and roles, and deactivate them."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from core.actions.base import lock_visible, require_permission, save_audited, validation_message
from core.exceptions import ActionForbidden, InvalidInput
from core.models import User
from core.roles import Role

# The fields an administrator edits; the form offers exactly these.
PERSON_FIELDS = (
    "username",
    "first_name",
    "last_name",
    "email",
    "organisation",
    "department",
    "site",
    "phone",
    "job_title",
    "is_vip",
    "is_active",
)


def _check_placement(values: dict) -> None:
    """Refuse a department or site that belongs to another organisation than the person."""
    organisation = values.get("organisation")
    for field in ("department", "site"):
        place = values.get(field)
        if (
            place is not None
            and organisation is not None
            and place.organisation_id != organisation.pk
        ):
            raise InvalidInput(f"The {field} {place} belongs to another organisation.", field=field)


def _role_groups(roles: Iterable[str]) -> list[Group]:
    """The groups for the named roles, refusing names that are not roles."""
    roles = list(roles)
    unknown = sorted(set(roles) - set(Role.values))
    if unknown:
        raise InvalidInput(f"Unknown role(s): {', '.join(unknown)}.", field="roles")
    return list(Group.objects.filter(name__in=roles))


@transaction.atomic
def do_create_person(*, actor, password: str, roles: Iterable[str] = (), **values) -> User:
    """Register a person with their organisation, place, contact details and roles."""
    require_permission(actor, "core.add_user", "Only administrators can add people.")
    _check_placement(values)
    person = User(**{k: v for k, v in values.items() if k == "username"})
    try:
        validate_password(password, person)
    except ValidationError as exc:
        raise InvalidInput(validation_message(exc), field="password") from exc
    person.set_password(password)
    groups = _role_groups(roles)
    # Only administrators reach the Django admin, where calendars are edited.
    person.is_staff = any(group.name == Role.ADMINISTRATOR for group in groups)
    save_audited(
        person,
        actor=actor,
        verb="person.created",
        changes=values,
        many_to_many={"groups": groups},
        creating=True,
        exclude_from_validation=["password"],
    )
    return person


@transaction.atomic
def do_update_person(
    person: User,
    *,
    actor,
    expected_version: int | None,
    roles: Iterable[str] | None = None,
    **changes,
) -> User:
    """Change a person's details or roles, refusing an edit made from a stale page."""
    require_permission(actor, "core.change_user", "Only administrators can change people.")
    person = lock_visible(User, person.pk, actor, expected_version)
    merged = {
        "organisation": person.organisation,
        "department": person.department,
        "site": person.site,
    }
    merged.update(changes)
    _check_placement(merged)
    if person.pk == actor.pk and changes.get("is_active") is False:
        raise ActionForbidden("You cannot deactivate your own account.")
    many_to_many = {}
    if roles is not None:
        many_to_many["groups"] = _role_groups(roles)
        if (
            person.pk == actor.pk
            and Role.ADMINISTRATOR not in set(roles)
            and not actor.is_superuser
        ):
            raise ActionForbidden("You cannot remove your own Administrator role.")
        changes["is_staff"] = Role.ADMINISTRATOR in set(roles)
    save_audited(
        person,
        actor=actor,
        verb="person.updated",
        changes=changes,
        many_to_many=many_to_many,
        exclude_from_validation=["password"],
    )
    return person
