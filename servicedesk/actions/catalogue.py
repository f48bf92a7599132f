"""Actions that administer the catalogue: services, their standards, categories, the matrix.

The catalogue is public to everyone the desk serves, so these records are not scoped by
organisation: the right to change them (desk managers, administrators) is the only gate.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models, transaction

from core.actions.base import require_permission, save_audited
from core.audit import record_audit
from core.exceptions import InvalidInput, StaleRecord
from core.models import BusinessCalendar, Team
from servicedesk.choices import OPEN_STATUSES, Audience, Level, Priority
from servicedesk.models import Category, PriorityRule, Service, ServiceStandard


def _lock(model: type[models.Model], pk: int, expected_version: int | None):
    """Row-lock a catalogue record, refusing an edit made from a stale page."""
    obj = model._default_manager.select_for_update().get(pk=pk)
    if expected_version is not None and obj.version != expected_version:
        raise StaleRecord(
            f"This {model._meta.verbose_name} was changed by someone else while you were editing "
            "it. Reload the page to see their changes, then make yours again."
        )
    return obj


def _require(actor, creating: bool, model_name: str, noun: str) -> None:
    """Adding and changing catalogue records are separate rights."""
    verb = "add" if creating else "change"
    require_permission(
        actor,
        f"servicedesk.{verb}_{model_name}",
        f"Only desk managers and administrators may {verb} {noun}.",
    )


# --- services ---------------------------------------------------------------------------
@transaction.atomic
def do_save_service(
    service: Service | None,
    *,
    actor,
    expected_version: int | None = None,
    name: str,
    owner_team: Team,
    description: str = "",
    calendar: BusinessCalendar | None = None,
    availability_target: Decimal = Decimal("99"),
    is_active: bool = True,
) -> Service:
    """Create a catalogue service (no `service`) or change one: owner, hours, target."""
    creating = service is None
    _require(actor, creating, "service", "services")
    name = name.strip()
    if not name:
        raise InvalidInput("Give the service a name.", field="name")
    duplicate = Service.objects.filter(name__iexact=name)
    if not creating:
        duplicate = duplicate.exclude(pk=service.pk)
    if duplicate.exists():
        raise InvalidInput(f"There is already a service called {name}.", field="name")
    if not owner_team.is_active:
        raise InvalidInput(f"{owner_team} is no longer active.", field="owner_team")
    if availability_target is None or not Decimal(0) < availability_target <= Decimal(100):
        raise InvalidInput(
            "The availability target is a percentage above 0 and at most 100.",
            field="availability_target",
        )
    service = Service() if creating else _lock(Service, service.pk, expected_version)
    if not creating and not is_active and service.is_active:
        open_calls = service.incidents.filter(status__in=OPEN_STATUSES).count()
        if open_calls:
            raise InvalidInput(
                f"{service} still has {open_calls} open call(s): move or resolve them before "
                "withdrawing it.",
                field="is_active",
            )
    save_audited(
        service,
        actor=actor,
        verb="service.created" if creating else "service.updated",
        changes={
            "name": name,
            "description": description,
            "owner_team": owner_team,
            "calendar": calendar,
            "availability_target": availability_target,
            "is_active": is_active,
        },
        creating=creating,
    )
    return service


# --- service standards ------------------------------------------------------------------
@transaction.atomic
def do_save_service_standard(
    standard: ServiceStandard | None,
    *,
    actor,
    expected_version: int | None = None,
    service: Service,
    priority: int,
    audience: str,
    response_minutes: int,
    resolution_minutes: int,
) -> ServiceStandard:
    """Create or change the response and resolution targets of one priority and audience.

    New calls take the new targets; calls already logged keep theirs until reprioritised.
    """
    creating = standard is None
    _require(actor, creating, "servicestandard", "service standards")
    if priority not in Priority.values:
        raise InvalidInput("Choose a priority.", field="priority")
    if audience not in Audience.values:
        raise InvalidInput("Choose who the standard applies to.", field="audience")
    if not response_minutes or response_minutes <= 0:
        raise InvalidInput(
            "The response target must be at least a minute.", field="response_minutes"
        )
    if not resolution_minutes or resolution_minutes < response_minutes:
        raise InvalidInput(
            "The resolution target cannot be shorter than the response target.",
            field="resolution_minutes",
        )
    duplicate = ServiceStandard.objects.filter(
        service=service, priority=priority, audience=audience
    )
    if not creating:
        duplicate = duplicate.exclude(pk=standard.pk)
    if duplicate.exists():
        label = Audience(audience).label
        raise InvalidInput(
            f"{service} already has a {Priority(priority).label} standard for "
            f"{label[:1].lower()}{label[1:]}: edit that one instead.",
            field="priority",
        )
    standard = (
        ServiceStandard() if creating else _lock(ServiceStandard, standard.pk, expected_version)
    )
    save_audited(
        standard,
        actor=actor,
        verb="service_standard.created" if creating else "service_standard.updated",
        changes={
            "service": service,
            "priority": priority,
            "audience": audience,
            "response_minutes": response_minutes,
            "resolution_minutes": resolution_minutes,
        },
        creating=creating,
    )
    return standard


# --- categories -------------------------------------------------------------------------
def _ancestors(category: Category | None) -> list[Category]:
    """`category` and its parents up to the root (stops on a loop rather than spinning)."""
    chain, seen = [], set()
    while category is not None and category.pk not in seen:
        chain.append(category)
        seen.add(category.pk)
        category = category.parent
    return chain


@transaction.atomic
def do_save_category(
    category: Category | None,
    *,
    actor,
    expected_version: int | None = None,
    name: str,
    parent: Category | None = None,
    service: Service | None = None,
    is_active: bool = True,
) -> Category:
    """Create or change a node of the category tree, refusing a loop in the tree."""
    creating = category is None
    _require(actor, creating, "category", "categories")
    name = name.strip()
    if not name:
        raise InvalidInput("Give the category a name.", field="name")
    if not creating:
        category = _lock(Category, category.pk, expected_version)
        if parent is not None and any(node.pk == category.pk for node in _ancestors(parent)):
            raise InvalidInput(
                f"{category.name} cannot go under {parent.name}: {parent.name} is inside "
                f"{category.name}, so the category would become its own ancestor.",
                field="parent",
            )
    siblings = Category.objects.filter(parent=parent, name__iexact=name)
    if not creating:
        siblings = siblings.exclude(pk=category.pk)
    if siblings.exists():
        place = f"under {parent.name}" if parent else "at the top level"
        raise InvalidInput(f"There is already a category {name} {place}.", field="name")
    if is_active and parent is not None and not parent.is_active:
        raise InvalidInput(
            f"{parent.name} is inactive: an active category cannot sit under it.", field="parent"
        )
    if not creating and not is_active and category.is_active:
        active_children = category.children.filter(is_active=True).count()
        if active_children:
            raise InvalidInput(
                f"{category.name} has {active_children} active sub-categor"
                f"{'y' if active_children == 1 else 'ies'}: deactivate those first.",
                field="is_active",
            )
    category = Category() if creating else category
    save_audited(
        category,
        actor=actor,
        verb="category.created" if creating else "category.updated",
        changes={"name": name, "parent": parent, "service": service, "is_active": is_active},
        creating=creating,
    )
    return category


# --- priority matrix --------------------------------------------------------------------
Matrix = dict[tuple[int, int], int]


def current_matrix() -> Matrix:
    """The priority of every (impact, urgency) pair, as the matrix stands now."""
    from servicedesk.models.catalogue import DEFAULT_MATRIX

    matrix = dict(DEFAULT_MATRIX)
    matrix.update({(r.impact, r.urgency): r.priority for r in PriorityRule.objects.all()})
    return matrix


@transaction.atomic
def do_set_priority_matrix(*, actor, matrix: Matrix, expected: Matrix | None = None) -> Matrix:
    """Replace the whole impact × urgency matrix at once, as edited on one grid.

    `expected` is the matrix the page showed; if someone changed it since, nothing is saved.
    New calls take the new priorities; calls already logged keep theirs.
    """
    require_permission(
        actor,
        "servicedesk.change_priorityrule",
        "Only desk managers and administrators may change the priority matrix.",
    )
    cells = [(impact, urgency) for impact in Level.values for urgency in Level.values]
    if set(matrix) != set(cells):
        raise InvalidInput("Give a priority for every impact and urgency.")
    for cell, priority in matrix.items():
        if priority not in Priority.values:
            raise InvalidInput(f"Impact {cell[0]} × urgency {cell[1]}: choose a priority.")
    for impact in Level.values:
        # Higher urgency never lowers the priority, nor does higher impact.
        for urgency in Level.values:
            worse = [(impact - 1, urgency), (impact, urgency - 1)]
            for other in worse:
                if other in matrix and matrix[other] > matrix[(impact, urgency)]:
                    raise InvalidInput(
                        f"{Level(other[0]).label} impact × {Level(other[1]).label.lower()} "
                        f"urgency cannot have a lower priority than "
                        f"{Level(impact).label.lower()} impact × "
                        f"{Level(urgency).label.lower()} urgency."
                    )
    rules = {(r.impact, r.urgency): r for r in PriorityRule.objects.select_for_update()}
    now = current_matrix()
    if expected is not None and expected != now:
        raise StaleRecord(
            "The priority matrix was changed by someone else while you were editing it. "
            "Reload the page to see their changes, then make yours again."
        )
    for cell in cells:
        if now[cell] == matrix[cell] and cell in rules:
            continue
        rule = rules.get(cell) or PriorityRule(impact=cell[0], urgency=cell[1])
        before = {} if rule.pk is None else {"priority": rule.priority}
        rule.priority = matrix[cell]
        rule.save()
        if before.get("priority") != rule.priority:
            record_audit(
                actor=actor,
                verb="priority_rule.changed",
                obj=rule,
                before=before,
                after={"priority": rule.priority},
            )
    return current_matrix()
