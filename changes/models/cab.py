"""The Change Advisory Board: the standing board, its meetings, agendas, votes and decisions."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.urls import reverse

from changes.choices import (
    AgendaItemStatus,
    AgendaKind,
    CabMeetingStatus,
    DecisionOutcome,
    VoteChoice,
)
from changes.workflows import CabMeetingWorkflow
from core.models import Weekday
from core.models.base import ScopedManager, TimestampedModel, VersionedModel


class CabBoard(VersionedModel, TimestampedModel):
    """The standing CAB: its weekly slot, chair, members and quorum, and its ECAB panel."""

    name = models.CharField(max_length=100, unique=True)
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices, default=Weekday.TUESDAY)
    start_time = models.TimeField(default=dt.time(10))
    duration_minutes = models.PositiveIntegerField(default=60)
    chair = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, related_name="cab_boards_chaired"
    )
    members = models.ManyToManyField("core.User", related_name="cab_boards", blank=True)
    quorum = models.PositiveSmallIntegerField(
        default=2, help_text="Votes needed on an item before the chair may decide it."
    )
    ecab_members = models.ManyToManyField(
        "core.User",
        related_name="ecab_boards",
        blank=True,
        help_text="The named emergency CAB who approve emergency changes out of meeting.",
    )
    ecab_quorum = models.PositiveSmallIntegerField(
        default=2, help_text="ECAB approvals an emergency change needs."
    )
    organisations = models.ManyToManyField(
        "core.Organisation",
        related_name="cab_boards",
        blank=True,
        help_text="Whose changes this CAB decides; an organisation has one active CAB.",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "CAB"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        """The board's settings page."""
        return reverse("changes:board_edit", args=[self.pk])

    @classmethod
    def serving(cls, organisation_id: int) -> CabBoard | None:
        """The active board that decides the changes of an organisation, if it has one."""
        return cls.objects.filter(is_active=True, organisations=organisation_id).first()


class CabMeeting(CabMeetingWorkflow, VersionedModel, TimestampedModel):
    """One weekly CAB meeting: who sits, what is on the agenda, and what was decided."""

    board = models.ForeignKey(CabBoard, on_delete=models.PROTECT, related_name="meetings")
    starts_at = models.DateTimeField(db_index=True)
    chair = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    members = models.ManyToManyField("core.User", related_name="cab_meetings", blank=True)
    quorum = models.PositiveSmallIntegerField(default=2)
    attendees = models.ManyToManyField("core.User", related_name="+", blank=True)
    apologies = models.ManyToManyField("core.User", related_name="+", blank=True)
    current_item = models.ForeignKey(
        "changes.AgendaItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    minutes_notes = models.TextField(blank=True)
    agenda_published_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    minutes_published_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager()

    # Members and the chair see their meetings; change managers see all (changes.queries).
    visibility_organisation_field = None
    visibility_owner_fields = ("members", "chair")
    visibility_many_to_many = True

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = "CAB meeting"
        permissions = [
            ("manage_cab", "Can prepare CAB agendas and publish minutes"),
            ("chair_cab", "Can chair a CAB and record its decisions"),
            ("vote_cab", "Can vote at a CAB"),
        ]

    def __str__(self) -> str:
        from django.utils import timezone

        return f"{self.board.name} {timezone.localtime(self.starts_at):%a %d %b %Y %H:%M}"

    def get_absolute_url(self) -> str:
        """The meeting's agenda page."""
        return reverse("changes:meeting_detail", args=[self.pk])

    @property
    def status_colour(self) -> str:
        """Badge colour of the current state."""
        return CabMeetingStatus(self.status).colour

    def is_member(self, user) -> bool:
        """True if `user` sits on this meeting (member or chair)."""
        return user.pk == self.chair_id or self.members.filter(pk=user.pk).exists()


class AgendaItem(models.Model):
    """One change on a meeting's agenda: for decision, or for review."""

    meeting = models.ForeignKey(CabMeeting, on_delete=models.CASCADE, related_name="agenda_items")
    change = models.ForeignKey(
        "changes.Change", on_delete=models.PROTECT, related_name="agenda_items"
    )
    kind = models.CharField(max_length=20, choices=AgendaKind.choices, default=AgendaKind.DECISION)
    position = models.PositiveIntegerField(default=0)
    status = models.CharField(
        max_length=10, choices=AgendaItemStatus.choices, default=AgendaItemStatus.PENDING
    )

    class Meta:
        ordering = ["meeting", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "change", "kind"], name="agenda_item_once_per_meeting"
            )
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.change} ({self.get_kind_display()})"


class CabVote(models.Model):
    """A member's vote on an agenda item, with a comment; a member may change it while open."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(max_length=10, choices=VoteChoice.choices)
    comment = models.TextField(blank=True)
    cast_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["cast_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["item", "member"], name="cab_vote_one_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.get_choice_display()}"


class CabDecision(models.Model):
    """The chair's decision on an agenda item; one per item, so a second decider is refused."""

    item = models.OneToOneField(AgendaItem, on_delete=models.CASCADE, related_name="decision")
    outcome = models.CharField(max_length=30, choices=DecisionOutcome.choices)
    conditions = models.TextField(blank=True)
    actions = models.TextField(blank=True, help_text="Follow-up actions, one a line.")
    decided_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "CAB decision"

    def __str__(self) -> str:
        return f"{self.item.change.reference}: {self.get_outcome_display()}"
