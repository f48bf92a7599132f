"""The incident life cycle: one place for the graph, enforced by django-fsm-2.

    new ──assign──▶ assigned ──start──▶ in_progress ──put on hold──▶ pending
     │  └──take──────────┴──take──────▶    ▲     ◀──────resume───────────┘
     │                  assigned ◀─assign──┘
     └── resolve (from new, assigned, in_progress or pending) ──▶ resolved
    resolved ──confirm (caller) / auto_close (system)──▶ closed
    resolved ──reopen (caller or agent, within the window)──▶ in_progress
    cancel: new | assigned | in_progress | pending ──▶ cancelled

Transitions only set fields (including the SLA clock fields, through pure functions of
servicedesk.sla with a CalendarSpec the action passes in). Saving, audit, email and
broadcasts belong to the actions in servicedesk.actions.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_fsm import FSMField, transition

from servicedesk import sla
from servicedesk.choices import OPEN_STATUSES, IncidentStatus

S = IncidentStatus
WORK = "servicedesk.work_incident"


def reopen_window_days() -> int:
    """Calendar days after resolution during which a call may be reopened (setting)."""
    return int(getattr(settings, "SERVICEDESK_REOPEN_DAYS", 10))


def auto_close_working_days() -> int:
    """Working days after resolution before a call closes by itself (setting)."""
    return int(getattr(settings, "SERVICEDESK_AUTO_CLOSE_WORKING_DAYS", 3))


def caller_or_agent(instance, user) -> bool:
    """The caller of the call, or someone who works calls."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return user.pk == instance.caller_id or user.has_perm(WORK)


def caller_or_closer(instance, user) -> bool:
    """The caller confirms the fix; a person with the close right may do it for them."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return user.pk == instance.caller_id or user.has_perm("servicedesk.close_incident")


def caller_while_new_or_agent(instance, user) -> bool:
    """A caller may withdraw their own call until someone picks it up; agents any open call."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.has_perm(WORK):
        return True
    return user.pk == instance.caller_id and instance.status == S.NEW


def system_only(instance, user) -> bool:
    """Only the scheduler (no acting person) takes this edge."""
    return user is None


def within_reopen_window(instance) -> bool:
    """The call was resolved within the reopen window (see SERVICEDESK_REOPEN_DAYS)."""
    if instance.resolved_at is None:
        return False
    limit = instance.resolved_at + dt.timedelta(days=reopen_window_days())
    return timezone.now() <= limit


class IncidentWorkflow(sla.SlaClocks, models.Model):
    """The state field and the edges of an incident (mixed into servicedesk.models.Incident)."""

    status = FSMField(default=S.NEW, choices=S.choices, protected=True)

    class Meta:
        abstract = True

    # --- edges ----------------------------------------------------------------------------
    @transition(
        field=status,
        source=[S.NEW, S.ASSIGNED, S.IN_PROGRESS],
        target=S.ASSIGNED,
        permission=WORK,
        custom={"label": "assign"},
    )
    def assign(self, *, team, assignee=None, at: dt.datetime, spec) -> None:
        """Give the call to a team (and optionally one of its members); a team change counts."""
        if self.team_id is not None and team.pk != self.team_id:
            self.reassignment_count += 1
        self.team = team
        self.assignee = assignee

    @transition(
        field=status,
        source=[S.NEW, S.ASSIGNED],
        target=S.IN_PROGRESS,
        permission=WORK,
        custom={"label": "take"},
    )
    def take(self, *, agent, team=None, at: dt.datetime, spec) -> None:
        """The acting agent takes the call and starts work on it."""
        if team is not None and self.team_id is not None and team.pk != self.team_id:
            self.reassignment_count += 1
        if team is not None:
            self.team = team
        self.assignee = agent
        self.record_response(at, spec)

    @transition(
        field=status,
        source=S.ASSIGNED,
        target=S.IN_PROGRESS,
        permission=WORK,
        custom={"label": "start work"},
    )
    def start(self, *, at: dt.datetime, spec) -> None:
        """The assignee starts work; that is the first response if none came before."""
        self.record_response(at, spec)

    @transition(
        field=status,
        source=S.IN_PROGRESS,
        target=S.PENDING,
        permission=WORK,
        custom={"label": "put on hold"},
    )
    def put_on_hold(self, *, reason: str, at: dt.datetime, spec) -> None:
        """Wait for the caller, a supplier or a change; the resolution clock pauses."""
        self.pending_reason = reason
        self.pauses = sla.open_pause(self.pauses, at)
        self.recompute_due(spec, at)

    @transition(
        field=status,
        source=S.PENDING,
        target=S.IN_PROGRESS,
        permission=WORK,
        custom={"label": "resume"},
    )
    def resume(self, *, at: dt.datetime, spec) -> None:
        """Work again; the resolution clock runs on from where it paused."""
        self.pending_reason = ""
        self.pauses = sla.close_pause(self.pauses, at)
        self.recompute_due(spec, at)

    @transition(
        field=status,
        source=list(OPEN_STATUSES),
        target=S.RESOLVED,
        permission=WORK,
        custom={"label": "resolve"},
    )
    def resolve(
        self, *, code: str, notes: str, at: dt.datetime, spec, first_contact: bool = False
    ) -> None:
        """Record the fix; store the measured times; the resolution clock stops."""
        self.pending_reason = ""
        pauses = sla.close_pause(self.pauses, at)
        self.record_response(at, spec)
        self.resolution_code = code
        self.resolution_notes = notes
        self.resolved_at = at
        self.resolved_first_contact = first_contact
        self.business_seconds_to_resolve = int(
            sla.elapsed_seconds(spec, self.opened_at, pauses, at)
        )
        self.wall_seconds_to_resolve = int((at - self.opened_at).total_seconds())
        self.resolution_breached = self.business_seconds_to_resolve > self.resolution_target_seconds
        # Resolved time is not counted: a reopened call's clock runs on from here.
        self.pauses = sla.open_pause(pauses, at)
        self.resolution_due = None
        self.sla_warn_at = None
        self.auto_close_at = sla.add_working_days(spec, at, auto_close_working_days())

    @transition(
        field=status,
        source=S.RESOLVED,
        target=S.IN_PROGRESS,
        conditions=[within_reopen_window],
        permission=caller_or_agent,
        custom={"label": "reopen"},
    )
    def reopen(self, *, at: dt.datetime, spec) -> None:
        """The fix did not hold: work again, the resolution clock restarts, the reopen counts."""
        self.reopen_count += 1
        self.resolved_at = None
        self.auto_close_at = None
        self.resolved_first_contact = False
        self.business_seconds_to_resolve = None
        self.wall_seconds_to_resolve = None
        self.pauses = sla.close_pause(self.pauses, at)
        self.recompute_due(spec, at)

    @transition(
        field=status,
        source=S.RESOLVED,
        target=S.CLOSED,
        permission=caller_or_closer,
        custom={"label": "confirm the fix"},
    )
    def confirm(self, *, at: dt.datetime) -> None:
        """The caller confirms the fix; the call closes."""
        self.closed_at = at
        self.auto_close_at = None

    @transition(
        field=status,
        source=S.RESOLVED,
        target=S.CLOSED,
        permission=system_only,
        custom={"label": "close automatically"},
    )
    def auto_close(self, *, at: dt.datetime) -> None:
        """Nobody answered within the working days allowed: the call closes by itself."""
        self.closed_at = at
        self.auto_close_at = None

    @transition(
        field=status,
        source=list(OPEN_STATUSES),
        target=S.CANCELLED,
        permission=caller_while_new_or_agent,
        custom={"label": "cancel"},
    )
    def cancel(self, *, at: dt.datetime) -> None:
        """Withdraw a call logged by mistake; its clocks stop."""
        self.pending_reason = ""
        self.closed_at = at
        self.resolution_due = None
        self.sla_warn_at = None
