"""The state graphs of a change and of a CAB meeting: every edge, its conditions, who may take it.

Change::

    draft ─submit─▶ submitted ─assess─▶ assessed ─send_to_cab─▶ awaiting_cab
    submitted/assessed ─approve_standard─▶ approved        (standard, from a template)
    submitted/assessed ─approve_by_ecab─▶ approved         (emergency, ECAB quorum met)
    awaiting_cab/deferred ─approve─▶ approved | ─reject─▶ rejected | ─defer─▶ deferred
    approved/scheduled ─schedule─▶ scheduled ─start─▶ in_progress
    in_progress ─complete─▶ implemented | ─fail─▶ failed ─back_out─▶ backed_out
    implemented/backed_out ─review─▶ reviewed ─close─▶ closed
    implemented ─close─▶ closed                             (standard changes need no review)
    any open state before in_progress ─cancel─▶ cancelled

CAB meeting::

    planned ─publish_agenda─▶ agenda_published ─open_session─▶ in_session
    in_session ─publish_minutes─▶ minutes_published

Transition bodies only set fields; the actions in changes.actions save, audit and notify.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django_fsm import FSMField, FSMModelMixin, transition

from changes.choices import CabMeetingStatus, ChangeStatus, ChangeType

S = ChangeStatus

# --- who may take an edge (django-fsm `permission=` callables: (instance, user) -> bool) ---


def is_change_manager(change, user) -> bool:
    """Change managers assess, route, review and close changes."""
    return user.has_perm("changes.manage_change")


def is_requester_or_manager(change, user) -> bool:
    """The person who raised the change, its owner, or a change manager."""
    return user.pk in (change.requester_id, change.owner_id) or is_change_manager(change, user)


def is_cab_chair(change, user) -> bool:
    """Only a CAB chair records the CAB's decision on a change."""
    return user.has_perm("changes.chair_cab")


def is_ecab_member(change, user) -> bool:
    """Members of the emergency CAB approve emergency changes out of meeting."""
    return user.has_perm("changes.approve_emergency_change")


def is_implementer(change, user) -> bool:
    """A member of the implementer team, or a change manager."""
    if is_change_manager(change, user):
        return True
    return (
        change.implementer_team_id is not None
        and change.implementer_team.members.filter(pk=user.pk).exists()
    )


def can_run_meeting(meeting, user) -> bool:
    """The change manager who prepares CABs, or a CAB chair."""
    return user.has_perm("changes.manage_cab") or user.has_perm("changes.chair_cab")


def can_prepare_meeting(meeting, user) -> bool:
    """Only a change manager prepares and publishes the agenda."""
    return user.has_perm("changes.manage_cab")


# --- conditions (pure: their docstrings are the refusal shown to people) -------------------


def is_normal(change) -> bool:
    """Only normal changes go to the CAB; standard and emergency changes have their own routes."""
    return change.change_type == ChangeType.NORMAL


def is_standard_from_template(change) -> bool:
    """Only a standard change made from a pre-approved template skips the CAB."""
    return change.change_type == ChangeType.STANDARD and change.template_id is not None


def is_emergency(change) -> bool:
    """Only emergency changes are approved by the ECAB out of meeting."""
    return change.change_type == ChangeType.EMERGENCY


def has_ecab_quorum(change) -> bool:
    """The ECAB quorum of the CAB serving this organisation has not yet approved this change."""
    required = change.ecab_quorum_required()
    return required is not None and change.ecab_approvals.count() >= required


def has_risk_assessment(change) -> bool:
    """The risk questionnaire must be answered first."""
    return bool(change.risk_level)


def has_valid_schedule(change) -> bool:
    """A planned start and an end after it are needed."""
    return bool(
        change.planned_start and change.planned_end and change.planned_end > change.planned_start
    )


def has_review(change) -> bool:
    """A post-implementation review must be recorded first."""
    return hasattr(change, "review") and change.review is not None


def review_done_if_required(change) -> bool:
    """Normal and emergency changes need a post-implementation review before closing."""
    return change.change_type == ChangeType.STANDARD or change.status == S.REVIEWED


def no_item_open(meeting) -> bool:
    """Close the item being voted on first."""
    return not meeting.agenda_items.filter(status="open").exists()


def has_agenda_items(meeting) -> bool:
    """The agenda is empty."""
    return meeting.agenda_items.exists()


CANCELLABLE = [
    S.DRAFT,
    S.SUBMITTED,
    S.ASSESSED,
    S.AWAITING_CAB,
    S.DEFERRED,
    S.APPROVED,
    S.SCHEDULED,
]


class ChangeWorkflow(FSMModelMixin, models.Model):
    """The life cycle of a request for change."""

    status = FSMField(default=S.DRAFT, choices=S.choices, protected=True, db_index=True)

    class Meta:
        abstract = True

    @transition(
        status, S.DRAFT, S.SUBMITTED, permission=is_requester_or_manager, custom={"label": "submit"}
    )
    def submit(self):
        """Send the draft to change management."""
        self.submitted_at = timezone.now()

    @transition(
        status,
        S.SUBMITTED,
        S.ASSESSED,
        conditions=[has_risk_assessment],
        permission=is_change_manager,
        custom={"label": "assess"},
    )
    def assess(self):
        """Accept the risk assessment."""

    @transition(
        status,
        S.ASSESSED,
        S.AWAITING_CAB,
        conditions=[is_normal],
        permission=is_change_manager,
        custom={"label": "send to CAB"},
    )
    def send_to_cab(self):
        """Put the change before the next CAB."""

    @transition(
        status,
        [S.SUBMITTED, S.ASSESSED],
        S.APPROVED,
        conditions=[is_standard_from_template],
        permission=is_requester_or_manager,
        custom={"label": "approve as standard change"},
    )
    def approve_standard(self):
        """A pre-approved standard change needs no CAB."""
        self.approved_at = timezone.now()

    @transition(
        status,
        [S.SUBMITTED, S.ASSESSED],
        S.APPROVED,
        conditions=[is_emergency, has_ecab_quorum],
        permission=is_ecab_member,
        custom={"label": "approve by ECAB", "hidden": True},
    )
    def approve_by_ecab(self):
        """The ECAB quorum approved the emergency change."""
        self.approved_at = timezone.now()

    @transition(
        status,
        [S.AWAITING_CAB, S.DEFERRED],
        S.APPROVED,
        permission=is_cab_chair,
        custom={"label": "approve", "hidden": True},
    )
    def approve(self, conditions: str = ""):
        """The CAB approved the change, possibly with conditions."""
        self.approved_at = timezone.now()
        self.approval_conditions = conditions

    @transition(
        status,
        [S.AWAITING_CAB, S.DEFERRED],
        S.REJECTED,
        permission=is_cab_chair,
        custom={"label": "reject", "hidden": True},
    )
    def reject(self):
        """The CAB rejected the change."""
        self.closed_at = timezone.now()

    @transition(
        status,
        [S.AWAITING_CAB, S.DEFERRED],
        S.DEFERRED,
        permission=is_cab_chair,
        custom={"label": "defer", "hidden": True},
    )
    def defer(self):
        """The CAB deferred the change to its next meeting."""

    @transition(
        status,
        [S.APPROVED, S.SCHEDULED],
        S.SCHEDULED,
        conditions=[has_valid_schedule],
        permission=is_implementer,
        custom={"label": "schedule", "form": True},
    )
    def schedule(self):
        """Fix the implementation window (the action checks it first)."""

    @transition(
        status, S.SCHEDULED, S.IN_PROGRESS, permission=is_implementer, custom={"label": "start"}
    )
    def start(self):
        """Implementation has begun."""
        self.actual_start = timezone.now()

    @transition(
        status,
        S.IN_PROGRESS,
        S.IMPLEMENTED,
        permission=is_implementer,
        custom={"label": "complete"},
    )
    def complete(self, outcome: str = ""):
        """Implementation finished as planned."""
        self.actual_end = timezone.now()
        self.outcome = outcome or self.outcome

    @transition(
        status, S.IN_PROGRESS, S.FAILED, permission=is_implementer, custom={"label": "mark failed"}
    )
    def fail(self, outcome: str = ""):
        """Implementation went wrong."""
        self.outcome = outcome or self.outcome

    @transition(
        status, S.FAILED, S.BACKED_OUT, permission=is_implementer, custom={"label": "back out"}
    )
    def back_out(self):
        """The backout plan was carried out."""
        self.actual_end = timezone.now()

    @transition(
        status,
        [S.IMPLEMENTED, S.BACKED_OUT],
        S.REVIEWED,
        conditions=[has_review],
        permission=is_change_manager,
        custom={"label": "review", "form": True},
    )
    def review_done(self):
        """The post-implementation review is recorded."""

    @transition(
        status,
        [S.IMPLEMENTED, S.REVIEWED],
        S.CLOSED,
        conditions=[review_done_if_required],
        permission=is_change_manager,
        custom={"label": "close"},
    )
    def close(self):
        """Nothing more to do."""
        self.closed_at = timezone.now()

    @transition(
        status,
        CANCELLABLE,
        S.CANCELLED,
        permission=is_requester_or_manager,
        custom={"label": "cancel"},
    )
    def cancel(self):
        """The change will not go ahead."""
        self.closed_at = timezone.now()


M = CabMeetingStatus


class CabMeetingWorkflow(FSMModelMixin, models.Model):
    """The life cycle of one CAB meeting."""

    status = FSMField(default=M.PLANNED, choices=M.choices, protected=True, db_index=True)

    class Meta:
        abstract = True

    @transition(
        status,
        M.PLANNED,
        M.AGENDA_PUBLISHED,
        conditions=[has_agenda_items],
        permission=can_prepare_meeting,
        custom={"label": "publish agenda"},
    )
    def publish_agenda(self):
        """Fix the agenda and send it to members."""
        self.agenda_published_at = timezone.now()

    @transition(
        status,
        M.AGENDA_PUBLISHED,
        M.IN_SESSION,
        permission=can_run_meeting,
        custom={"label": "open session"},
    )
    def open_session(self):
        """The meeting has started."""
        self.opened_at = timezone.now()

    @transition(
        status,
        M.IN_SESSION,
        M.MINUTES_PUBLISHED,
        conditions=[no_item_open],
        permission=can_run_meeting,
        custom={"label": "publish minutes"},
    )
    def publish_minutes(self):
        """The meeting is over and its minutes are sent."""
        self.minutes_published_at = timezone.now()
