"""Running a django-fsm-2 transition the civicdesk way: from an action, checked, saved, audited.

Workflow graphs live in each app's `workflows.py` (FSMField(protected=True), one
@transition per edge with `conditions=` and `permission=`). Actions call `run_transition`
after locking the record with `core.actions.base.lock_visible`; views list what a person
may do now with `transitions_for`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django_fsm import FSMFieldMixin, can_proceed

from core.audit import diff, record_audit, snapshot
from core.exceptions import ActionError, ActionForbidden


def state_field_of(model: type[models.Model]) -> str:
    """The name of the model's (single) FSM state field."""
    for field in model._meta.concrete_fields:
        if isinstance(field, FSMFieldMixin):
            return field.name
    raise ValueError(f"{model.__name__} has no FSM field")


def transition_label(bound_method) -> str:
    """A transition's human label: `custom={"label": ...}` or its name with spaces."""
    for transition in bound_method._django_fsm.transitions.values():
        label = transition.custom.get("label")
        if label:
            return label
    return bound_method.__name__.replace("_", " ")


def run_transition(
    obj: models.Model,
    name: str,
    *,
    actor,
    verb: str,
    extra_fields: tuple[str, ...] = (),
    note: str = "",
    **kwargs,
) -> tuple[str, str]:
    """Take the transition `name` on a locked `obj` for `actor`, save and audit it.

    Refuses with a message a person can act on when the edge does not exist from the
    current state or its conditions fail (ActionError), or when the actor lacks the
    edge's permission (ActionForbidden). The transition body only sets fields; this saves
    the state field, `version`, `updated_at` and `extra_fields` with update_fields, and
    records one audit event with what changed. Returns (source, target) states.
    """
    state_field = state_field_of(type(obj))
    method = getattr(obj, name, None)
    if method is None or not hasattr(method, "_django_fsm"):
        raise ActionError(f"Unknown action {name!r}.")
    label = transition_label(method)
    source = getattr(obj, state_field)
    display = obj._meta.get_field(state_field).flatchoices
    source_label = dict(display).get(source, source)
    noun = obj._meta.verbose_name
    if not can_proceed(method, check_conditions=False):
        raise ActionError(f"This {noun} is {source_label}: it cannot be {label} now.")
    # The edge's own permission only: django_fsm.has_transition_perm also evaluates the
    # conditions, and would report an unmet condition as a missing right.
    edge = method._django_fsm.get_transition(source)
    if edge is None or not edge.has_perm(obj, actor):
        raise ActionForbidden(f"You do not have the right to {label} this {noun}.")
    if not can_proceed(method):
        raise ActionError(f"This {noun} cannot be {label} yet: {_unmet(method)}")
    tracked = [state_field, *extra_fields]
    before = snapshot(obj, tracked)
    method(**kwargs)
    update_fields = [state_field, *extra_fields]
    if hasattr(obj, "version"):
        obj.version += 1
        update_fields.append("version")
    if hasattr(obj, "updated_at"):
        update_fields.append("updated_at")
    obj.save(update_fields=list(dict.fromkeys(update_fields)))
    old, new = diff(before, snapshot(obj, tracked))
    record_audit(actor=actor, verb=verb, obj=obj, before=old, after=new, note=note)
    return source, getattr(obj, state_field)


def _unmet(bound_method) -> str:
    """The docstrings of the conditions that fail, as the reason given to the person."""
    reasons = []
    for transition in bound_method._django_fsm.transitions.values():
        for condition in transition.conditions:
            if not condition(bound_method.__self__):
                reasons.append((condition.__doc__ or condition.__name__).strip().rstrip("."))
    return "; ".join(dict.fromkeys(reasons)) + "." if reasons else "a condition is not met."


@dataclass(frozen=True)
class AvailableTransition:
    """One thing a person may do to a record now: the transition's name and label."""

    name: str
    label: str
    target: str


def transitions_for(obj: models.Model, user) -> list[AvailableTransition]:
    """The transitions `user` may take on `obj` now (conditions met, permission held)."""
    state_field = state_field_of(type(obj))
    getter = getattr(obj, f"get_available_user_{state_field}_transitions")
    found = []
    for transition in getter(user):
        label = transition.custom.get("label") or transition.name.replace("_", " ")
        found.append(AvailableTransition(transition.name, label, str(transition.target)))
    return found
