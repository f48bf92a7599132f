"""Actions that administer the request catalogue: items, their form fields and fulfilment plans.

Like the service catalogue, request items are public to everyone the desk serves; the right to
change them (desk managers, administrators) is the only gate.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models, transaction

from core.actions.base import require_permission, save_audited
from core.audit import record_audit
from core.exceptions import InvalidInput, StaleRecord
from core.models import Team
from servicedesk.models import Service, ServiceStandard
from servicerequests.choices import ApprovalRule, FieldKind
from servicerequests.models import FulfilmentStep, RequestField, RequestItem


def _lock(model: type[models.Model], pk: int, expected_version: int | None = None):
    """Row-lock a catalogue record, refusing an edit made from a stale page."""
    obj = model._default_manager.select_for_update().get(pk=pk)
    if expected_version is not None and obj.version != expected_version:
        raise StaleRecord(
            f"This {model._meta.verbose_name} was changed by someone else while you were editing "
            "it. Reload the page to see their changes, then make yours again."
        )
    return obj


def _require(actor, verb: str, model_name: str, noun: str) -> None:
    """Adding and changing catalogue records are separate rights."""
    require_permission(
        actor,
        f"servicerequests.{verb}_{model_name}",
        f"Only desk managers and administrators may {verb} {noun}.",
    )


def _touch(item: RequestItem) -> None:
    """A change to an item's fields or plan is a change of the item: a stale page is refused."""
    RequestItem.objects.filter(pk=item.pk).update(version=models.F("version") + 1)


@transaction.atomic
def do_save_request_item(
    item: RequestItem | None,
    *,
    actor,
    expected_version: int | None = None,
    service: Service,
    name: str,
    description: str = "",
    cost: Decimal = Decimal("0"),
    max_quantity: int = 1,
    approval_rule: str = ApprovalRule.NONE,
    is_ict_purchase: bool = False,
    standard: ServiceStandard | None = None,
    pause_sla_while_awaiting_approval: bool = True,
    is_published: bool = False,
) -> RequestItem:
    """Create a request item under a service (no `item`) or change one."""
    creating = item is None
    _require(actor, "add" if creating else "change", "requestitem", "request items")
    name = name.strip()
    if not name:
        raise InvalidInput("Give the item a name.", field="name")
    if cost is None or Decimal(cost) < 0:
        raise InvalidInput("The cost is an amount of £0 or more.", field="cost")
    if max_quantity < 1:
        raise InvalidInput("At least one must be orderable.", field="max_quantity")
    if approval_rule not in ApprovalRule.values:
        raise InvalidInput("Unknown approval rule.", field="approval_rule")
    if standard is not None and standard.service_id != service.pk:
        raise InvalidInput("Choose a standard of the item's own service.", field="standard")
    duplicate = RequestItem.objects.filter(service=service, name__iexact=name)
    if not creating:
        duplicate = duplicate.exclude(pk=item.pk)
    if duplicate.exists():
        raise InvalidInput(f"{service} already offers an item called {name}.", field="name")
    item = RequestItem() if creating else _lock(RequestItem, item.pk, expected_version)
    save_audited(
        item,
        actor=actor,
        verb="request_item.created" if creating else "request_item.changed",
        creating=creating,
        changes={
            "service": service,
            "name": name,
            "description": description,
            "cost": Decimal(cost),
            "max_quantity": max_quantity,
            "approval_rule": approval_rule,
            "is_ict_purchase": is_ict_purchase,
            "standard": standard,
            "pause_sla_while_awaiting_approval": pause_sla_while_awaiting_approval,
            "is_published": is_published,
        },
    )
    return item


@transaction.atomic
def do_save_request_field(
    field: RequestField | None,
    *,
    actor,
    item: RequestItem,
    key: str,
    label: str,
    kind: str = FieldKind.TEXT,
    required: bool = True,
    choices: str = "",
    help_text: str = "",
    order: int = 0,
) -> RequestField:
    """Add a question to an item's form (no `field`) or change one."""
    creating = field is None
    _require(actor, "add" if creating else "change", "requestfield", "request forms")
    if kind not in FieldKind.values:
        raise InvalidInput("Unknown kind of question.", field="kind")
    duplicate = RequestField.objects.filter(item=item, key=key)
    if not creating:
        duplicate = duplicate.exclude(pk=field.pk)
    if duplicate.exists():
        raise InvalidInput(f"{item} already has a question stored as {key}.", field="key")
    field = RequestField() if creating else _lock(RequestField, field.pk)
    save_audited(
        field,
        actor=actor,
        verb="request_field.created" if creating else "request_field.changed",
        creating=creating,
        changes={
            "item": item,
            "key": key.strip(),
            "label": label.strip(),
            "kind": kind,
            "required": required,
            "choices": choices,
            "help_text": help_text,
            "order": order,
        },
    )
    _touch(item)
    return field


@transaction.atomic
def do_delete_request_field(field_id: int, *, actor) -> None:
    """Remove a question from an item's form (answers already given stay on their requests)."""
    _require(actor, "change", "requestfield", "request forms")
    field = _lock(RequestField, field_id)
    record_audit(
        actor=actor,
        verb="request_field.deleted",
        obj=field.item,
        before={"field": field.key, "label": field.label},
    )
    _touch(field.item)
    field.delete()


@transaction.atomic
def do_save_fulfilment_step(
    step: FulfilmentStep | None,
    *,
    actor,
    item: RequestItem,
    team: Team,
    title: str,
    stage: int = 1,
    description: str = "",
) -> FulfilmentStep:
    """Add a task to an item's fulfilment plan (no `step`) or change one; same stage = parallel."""
    creating = step is None
    _require(actor, "add" if creating else "change", "fulfilmentstep", "fulfilment plans")
    if not team.is_active:
        raise InvalidInput(f"{team} is no longer active.", field="team")
    if stage < 1:
        raise InvalidInput("Stages count from 1.", field="stage")
    if not title.strip():
        raise InvalidInput("Say what the team does.", field="title")
    step = FulfilmentStep() if creating else _lock(FulfilmentStep, step.pk)
    save_audited(
        step,
        actor=actor,
        verb="fulfilment_step.created" if creating else "fulfilment_step.changed",
        creating=creating,
        changes={
            "item": item,
            "team": team,
            "title": title.strip(),
            "stage": stage,
            "description": description,
        },
    )
    _touch(item)
    return step


@transaction.atomic
def do_delete_fulfilment_step(step_id: int, *, actor) -> None:
    """Remove a task from an item's plan (tasks already created for requests stay)."""
    _require(actor, "change", "fulfilmentstep", "fulfilment plans")
    step = _lock(FulfilmentStep, step_id)
    record_audit(
        actor=actor,
        verb="fulfilment_step.deleted",
        obj=step.item,
        before={"step": str(step)},
    )
    _touch(step.item)
    step.delete()
