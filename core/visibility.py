"""Who may see which records: the one helper every list, detail, export, API and socket uses.

A model declares how it is scoped with three class attributes:

- ``visibility_organisation_field``: the lookup path to the organisation a record
  belongs to ("organisation", "id" for Organisation itself, "organisations" for a
  many-to-many), or None when the record belongs to no organisation.
- ``visibility_owner_fields``: lookup paths to the people whose own record it is
  (a call's caller, a notification's recipient); they always see it.
- ``visibility_public_to_organisation``: True when everyone in the organisation may
  see it (its sites and departments, for example).

Rules: administrators (and superusers) see everything; people holding a service role
see the records of the organisations their teams serve and of their own organisation;
everyone else sees their own records, plus what is public to their organisation.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.db.models import Q

from core.roles import SERVICE_ROLES, Role, roles_of


@dataclass(frozen=True)
class Scope:
    """What one user may see: everything, or a set of organisations plus their own records."""

    user_id: int | None
    sees_everything: bool = False
    organisation_ids: frozenset[int] = frozenset()
    own_organisation_id: int | None = None


def scope_for(user) -> Scope:
    """Compute (once per request, cached on the user) the visibility scope of a user."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope(user_id=None)
    cached = getattr(user, "_civicdesk_scope", None)
    if cached is not None:
        return cached
    roles = roles_of(user)
    if user.is_superuser or Role.ADMINISTRATOR in roles:
        scope = Scope(user_id=user.pk, sees_everything=True)
    else:
        served: set[int] = set()
        team_orgs = user.teams.filter(is_active=True).values_list("organisations", flat=True)
        served.update(org_id for org_id in team_orgs if org_id is not None)
        in_service = bool(served) or bool(roles & SERVICE_ROLES)
        if in_service and user.organisation_id:
            served.add(user.organisation_id)
        scope = Scope(
            user_id=user.pk,
            organisation_ids=frozenset(served) if in_service else frozenset(),
            own_organisation_id=user.organisation_id,
        )
    user._civicdesk_scope = scope
    return scope


def visibility_filter(model: type[models.Model], scope: Scope) -> Q | None:
    """The Q that limits `model` to what `scope` may see; None means no limit."""
    if scope.sees_everything:
        return None
    if scope.user_id is None:
        return Q(pk__in=[])
    org_field = getattr(model, "visibility_organisation_field", None)
    owner_fields = getattr(model, "visibility_owner_fields", ())
    public = getattr(model, "visibility_public_to_organisation", False)

    condition = Q(pk__in=[])
    for field in owner_fields:
        lookup = "pk" if field == "self" else field
        condition |= Q(**{lookup: scope.user_id})
    if org_field is not None:
        if scope.organisation_ids:
            condition |= Q(**{f"{org_field}__in": scope.organisation_ids})
        if public and scope.own_organisation_id is not None:
            condition |= Q(**{org_field: scope.own_organisation_id})
    return condition


def visible_to(queryset: models.QuerySet, user) -> models.QuerySet:
    """Limit a queryset to the records `user` may see."""
    condition = visibility_filter(queryset.model, scope_for(user))
    if condition is None:
        return queryset
    filtered = queryset.filter(condition)
    org_field = getattr(queryset.model, "visibility_organisation_field", None) or ""
    if getattr(queryset.model, "visibility_many_to_many", False) or "__" in org_field:
        # Joins through a many-to-many can repeat a row once per matching organisation.
        filtered = filtered.distinct()
    return filtered


def organisation_id_of(obj: models.Model) -> int | None:
    """The organisation a single record belongs to, by its declared visibility field."""
    field = getattr(type(obj), "visibility_organisation_field", None)
    if field == "id":
        return obj.pk
    if field and "__" not in field:
        value = getattr(obj, f"{field}_id", None)
        if isinstance(value, int):
            return value
    return None


def can_see(user, obj: models.Model) -> bool:
    """True if `user` may see the single record `obj` (for sockets, downloads, links)."""
    return visible_to(type(obj)._default_manager.filter(pk=obj.pk), user).exists()


class VisibleQuerySet(models.QuerySet):
    """QuerySet offering `.visible_to(user)`."""

    def visible_to(self, user) -> models.QuerySet:
        """Limit to the records `user` may see."""
        return visible_to(self, user)
