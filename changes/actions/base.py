"""Shared step of change-management actions: taking a workflow edge with clear refusals."""

from __future__ import annotations

from django.db import models

from core.exceptions import ActionError
from core.workflow import run_transition, state_field_of, transition_label


def take(obj: models.Model, name: str, *, actor, verb: str, **kwargs) -> tuple[str, str]:
    """Run the edge `name` through core's run_transition, refusing unmet conditions first.

    django-fsm's permission check also evaluates the edge's conditions, so a person who holds
    the right but meets a failed condition would be told they lack the right; checking the
    conditions of a permitted edge here gives them the real reason instead.
    """
    method = getattr(obj, name)
    meta = method._django_fsm
    state = getattr(obj, state_field_of(type(obj)))
    transition = meta.get_transition(state)
    if (
        transition is not None
        and transition.has_perm(obj, actor)
        and not meta.conditions_met(obj, state)
    ):
        reasons = [
            (condition.__doc__ or condition.__name__).strip().rstrip(".")
            for condition in transition.conditions
            if not condition(obj)
        ]
        raise ActionError(
            f"This {obj._meta.verbose_name} cannot be {transition_label(method)} yet: "
            + "; ".join(reasons)
            + "."
        )
    return run_transition(obj, name, actor=actor, verb=verb, **kwargs)
