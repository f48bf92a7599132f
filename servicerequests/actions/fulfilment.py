"""Actions of the fulfilling teams: start, complete or cancel a task; the request follows."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from core.actions.base import lock_visible
from core.exceptions import ActionForbidden, InvalidInput
from core.workflow import run_transition
from servicerequests.actions.common import (
    TASK_FIELDS,
    lock_request,
    open_tasks,
    save_fields,
    system_edge,
    tell_requester_fulfilled,
)
from servicerequests.choices import FINISHED_TASK_STATUSES, TaskStatus
from servicerequests.models import FulfilmentTask, ServiceRequest
from servicerequests.realtime import announce_request


def _lock_task(task_id: int, actor, expected_version: int | None):
    """Lock the task's request, then the task (one the actor may see), refusing a stale page."""
    request_id = (
        FulfilmentTask.objects.filter(pk=task_id).values_list("request_id", flat=True).first()
    )
    if request_id is None:
        raise ActionForbidden("That fulfilment task does not exist or is not yours to see.")
    service_request = lock_request(request_id)
    task = lock_visible(FulfilmentTask, task_id, actor, expected_version)
    task.request = service_request
    return service_request, task


def _record_response(service_request: ServiceRequest, at: dt.datetime) -> None:
    """The first work on a task is the request's first response (its response clock stops)."""
    if service_request.first_response_at is None:
        service_request.record_response(at, service_request.calendar_spec())
        save_fields(
            service_request,
            ["first_response_at", "business_seconds_to_respond", "response_breached"],
        )


def _advance(service_request: ServiceRequest, at: dt.datetime, actor) -> None:
    """Open the next stage once a stage is finished; fulfil the request once all are."""
    tasks = list(service_request.tasks.select_related("team"))
    unfinished = [task for task in tasks if task.status not in FINISHED_TASK_STATUSES]
    if not unfinished:
        system_edge(
            service_request,
            "fulfil",
            verb="servicerequest.fulfilled",
            cause=actor,
            at=at,
            spec=service_request.calendar_spec(),
            by=actor,
        )
        tell_requester_fulfilled(service_request)
        return
    active = [task for task in unfinished if task.status != TaskStatus.WAITING]
    if active:
        return
    next_stage = min(task.stage for task in unfinished)
    for task in unfinished:
        task.request = service_request
    open_tasks([task for task in unfinished if task.stage == next_stage], at, actor)


def _task_edge(task_id: int, name: str, *, actor, verb: str, expected_version, note="", **kwargs):
    """Lock, take edge `name` on a task, audit it, then move the request on."""
    service_request, task = _lock_task(task_id, actor, expected_version)
    at = timezone.now()
    run_transition(
        task, name, actor=actor, verb=verb, extra_fields=TASK_FIELDS, note=note, at=at, **kwargs
    )
    if name in ("start", "complete"):
        _record_response(service_request, at)
    if name in ("complete", "cancel"):
        _advance(service_request, at, actor)
    announce_request(service_request, verb, team_ids=[task.team_id])
    return task


@transaction.atomic
def do_start_task(task_id: int, *, actor, expected_version: int | None = None) -> FulfilmentTask:
    """A member of the task's team takes an open task and starts it."""
    return _task_edge(
        task_id,
        "start",
        actor=actor,
        verb="fulfilment_task.started",
        expected_version=expected_version,
        agent=actor,
    )


@transaction.atomic
def do_complete_task(
    task_id: int, *, actor, notes: str = "", expected_version: int | None = None
) -> FulfilmentTask:
    """Mark a task done; the next stage opens when its stage is done, and the request is
    fulfilled (the requester emailed) when every task is."""
    return _task_edge(
        task_id,
        "complete",
        actor=actor,
        verb="fulfilment_task.done",
        expected_version=expected_version,
        agent=actor,
        notes=notes.strip(),
    )


@transaction.atomic
def do_cancel_task(
    task_id: int, *, actor, notes: str, expected_version: int | None = None
) -> FulfilmentTask:
    """Cancel a task that turned out not to be needed (say why); the request moves on as if done."""
    if not notes.strip():
        raise InvalidInput("Say why this task is not needed.", field="notes")
    return _task_edge(
        task_id,
        "cancel",
        actor=actor,
        verb="fulfilment_task.cancelled",
        expected_version=expected_version,
        note=notes.strip(),
        notes=notes.strip(),
    )
