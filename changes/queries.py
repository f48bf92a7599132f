"""Reads of change management shared by pages, the board, exports, the feed and actions."""

from __future__ import annotations

import datetime as dt

from django.db.models import F, Q, QuerySet

from changes import scheduling
from changes.choices import AgendaKind, ChangeStatus, ChangeType
from changes.models import (
    AgendaItem,
    BlackoutPeriod,
    CabMeeting,
    Change,
    MaintenanceWindow,
)

S = ChangeStatus
# States in which a change still holds (or may soon hold) its planned window.
ACTIVE_WINDOW_STATES = [
    S.SUBMITTED,
    S.ASSESSED,
    S.AWAITING_CAB,
    S.DEFERRED,
    S.APPROVED,
    S.SCHEDULED,
    S.IN_PROGRESS,
]
# What the forward schedule of change and the iCalendar feed show.
SCHEDULE_STATES = [S.APPROVED, S.SCHEDULED, S.IN_PROGRESS, S.IMPLEMENTED, S.FAILED, S.BACKED_OUT]


def changes_for(user) -> QuerySet:
    """Changes `user` may see, with what the list and detail pages show."""
    return Change.objects.visible_to(user).select_related(
        "organisation", "requester", "owner", "implementer_team", "template"
    )


def forward_schedule(user, start: dt.datetime, end: dt.datetime) -> QuerySet:
    """Changes `user` may see whose planned window overlaps [start, end), earliest first."""
    return (
        changes_for(user)
        .filter(status__in=SCHEDULE_STATES, planned_start__lt=end, planned_end__gt=start)
        .order_by("planned_start", "pk")
    )


def changes_for_asset(asset, user) -> QuerySet:
    """Changes `user` may see that affect `asset`, the latest window first (for asset pages)."""
    return (
        changes_for(user)
        .filter(affected_assets=asset)
        .order_by(F("planned_start").desc(nulls_last=True), "-pk")
    )


def changes_for_service(service, user) -> QuerySet:
    """Changes `user` may see that affect `service`, the latest window first (service pages)."""
    return (
        changes_for(user)
        .filter(affected_services=service)
        .order_by(F("planned_start").desc(nulls_last=True), "-pk")
    )


def changes_that_caused_incidents(queryset: QuerySet | None = None) -> QuerySet:
    """Changes whose post-implementation review links at least one incident they caused.

    The change success KPI counts these; pass a queryset (a period, an organisation) to
    narrow it.
    """
    queryset = Change.objects.all() if queryset is None else queryset
    return queryset.filter(review__incidents_caused__isnull=False).distinct()


def meetings_for(user) -> QuerySet:
    """CAB meetings `user` may see: all for change managers, else those they sit on."""
    queryset = CabMeeting.objects.select_related("board", "chair")
    if user.has_perm("changes.manage_cab"):
        return queryset.all()
    return queryset.visible_to(user)


def can_attend(user, meeting: CabMeeting) -> bool:
    """Only the meeting's members and chair, and change managers, may join its board."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.has_perm("changes.manage_cab") or meeting.is_member(user)


def affected_of(change: Change) -> frozenset[scheduling.Affected]:
    """The services and assets `change` affects, as comparable values for collision checks."""
    return frozenset(
        [
            scheduling.Affected("service", service.pk, f"Service: {service.name}")
            for service in change.affected_services.all()
        ]
        + [
            scheduling.Affected("asset", asset.pk, f"Asset: {asset}")
            for asset in change.affected_assets.all()
        ]
    )


def applicable_windows(change: Change) -> QuerySet:
    """The active maintenance windows that apply to `change`.

    A window for the whole organisation applies to every change; one limited to a service
    applies only when the change affects that service, one limited to a site only when the
    change affects an asset at that site (and one limited to both needs both).
    """
    services = change.affected_services.values_list("pk", flat=True)
    sites = change.affected_assets.filter(site__isnull=False).values_list("site_id", flat=True)
    return (
        MaintenanceWindow.objects.filter(organisation_id=change.organisation_id, is_active=True)
        .filter(Q(service__isnull=True) | Q(service__in=list(services)))
        .filter(Q(site__isnull=True) | Q(site__in=list(sites)))
    )


def schedule_inputs(change: Change) -> dict:
    """The windows, blackouts and other changes that a window for `change` is checked against.

    Other changes are found across organisations: a shared service changed by another
    council in the same window is a real collision.
    """
    service_ids = list(change.affected_services.values_list("pk", flat=True))
    asset_ids = list(change.affected_assets.values_list("pk", flat=True))
    blackouts = BlackoutPeriod.objects.filter(organisation_id=change.organisation_id)
    others = (
        Change.objects.filter(
            Q(affected_services__in=service_ids) | Q(affected_assets__in=asset_ids),
            status__in=ACTIVE_WINDOW_STATES,
            planned_start__isnull=False,
            planned_end__isnull=False,
        )
        .exclude(pk=change.pk)
        .distinct()
        .prefetch_related("affected_services", "affected_assets")
    )
    return {
        "windows": [
            scheduling.WeeklyWindow(w.name, w.weekday, w.starts, w.ends)
            for w in applicable_windows(change)
        ],
        "blackouts": [scheduling.Blackout(b.name, b.starts_at, b.ends_at) for b in blackouts],
        "others": [
            scheduling.OtherChange(
                o.reference, o.title, o.planned_start, o.planned_end, affected_of(o)
            )
            for o in others
        ],
        "items": affected_of(change),
        "emergency": change.change_type == ChangeType.EMERGENCY,
    }


def check_change_schedule(
    change: Change, start: dt.datetime | None, end: dt.datetime | None
) -> scheduling.ScheduleReport:
    """Run every scheduling rule for `change` over the proposed window."""
    return scheduling.check_schedule(start, end, **schedule_inputs(change))


def collisions_for(change: Change) -> list[str]:
    """Warnings naming other changes on the same items in an overlapping window."""
    if not (change.planned_start and change.planned_end):
        return []
    inputs = schedule_inputs(change)
    report = scheduling.check_schedule(
        change.planned_start,
        change.planned_end,
        emergency=True,
        windows=[scheduling.WeeklyWindow("any", d, dt.time(0), dt.time(0)) for d in range(7)],
        blackouts=[],
        others=inputs["others"],
        items=inputs["items"],
    )
    return [w for w in report.warnings if w.startswith("Collides")]


def previous_meeting(meeting: CabMeeting) -> CabMeeting | None:
    """The board's meeting before this one, if any."""
    return (
        CabMeeting.objects.filter(board_id=meeting.board_id, starts_at__lt=meeting.starts_at)
        .order_by("-starts_at")
        .first()
    )


def agenda_candidates(meeting: CabMeeting) -> list[tuple[Change, str]]:
    """What the next agenda should hold: changes awaiting CAB (and deferred ones), emergency
    changes approved since the last meeting, and post-implementation reviews due, all of the
    organisations the meeting's board serves.

    Changes already on this agenda, or already decided or reviewed at another meeting for the
    same purpose, are left out.
    """
    on_agenda = set(meeting.agenda_items.values_list("change_id", "kind"))
    previous = previous_meeting(meeting)
    found: list[tuple[Change, str]] = []
    # Each CAB decides the changes of the organisations it serves.
    served = Change.objects.filter(organisation__in=meeting.board.organisations.all())
    for change in served.filter(status__in=[S.AWAITING_CAB, S.DEFERRED]).order_by(
        "submitted_at", "pk"
    ):
        found.append((change, AgendaKind.DECISION))
    reviewed = set(
        AgendaItem.objects.filter(
            kind=AgendaKind.EMERGENCY_REVIEW, decision__isnull=False
        ).values_list("change_id", flat=True)
    )
    emergencies = served.filter(
        change_type=ChangeType.EMERGENCY, approved_at__isnull=False
    ).exclude(status=S.CANCELLED)
    if previous is not None:
        emergencies = emergencies.filter(approved_at__gte=previous.starts_at)
    for change in emergencies.exclude(pk__in=reviewed).order_by("approved_at", "pk"):
        found.append((change, AgendaKind.EMERGENCY_REVIEW))
    pir_done = set(
        AgendaItem.objects.filter(kind=AgendaKind.PIR, decision__isnull=False).values_list(
            "change_id", flat=True
        )
    )
    reviews = (
        served.filter(status__in=[S.IMPLEMENTED, S.BACKED_OUT, S.REVIEWED])
        .exclude(change_type=ChangeType.STANDARD)
        .exclude(pk__in=pir_done)
        .order_by("actual_end", "pk")
    )
    for change in reviews:
        found.append((change, AgendaKind.PIR))
    return [(c, kind) for c, kind in found if (c.pk, kind) not in on_agenda]


def board_state(meeting: CabMeeting) -> dict:
    """The whole live board of a meeting as JSON: sent on connect and after every change."""
    items = (
        meeting.agenda_items.select_related("change", "decision", "decision__decided_by")
        .prefetch_related("votes__member")
        .order_by("position", "pk")
    )
    payload_items = []
    for item in items:
        change = item.change
        decision = getattr(item, "decision", None)
        payload_items.append(
            {
                "id": item.pk,
                "position": item.position,
                "kind": item.get_kind_display(),
                "status": item.status,
                "reference": change.reference,
                "title": change.title,
                "url": change.get_absolute_url(),
                "change_type": change.get_change_type_display(),
                "change_status": change.get_status_display(),
                "risk": change.get_risk_level_display() or "not assessed",
                "window": _window_text(change),
                "collisions": collisions_for(change),
                "votes": [
                    {
                        "member": str(vote.member),
                        "member_id": vote.member_id,
                        "choice": vote.choice,
                        "choice_label": vote.get_choice_display(),
                        "comment": vote.comment,
                    }
                    for vote in item.votes.all()
                ],
                "decision": {
                    "outcome": decision.outcome,
                    "outcome_label": decision.get_outcome_display(),
                    "conditions": decision.conditions,
                    "by": str(decision.decided_by),
                }
                if decision
                else None,
            }
        )
    return {
        "type": "board.state",
        "meeting": meeting.pk,
        "status": meeting.status,
        "status_label": meeting.get_status_display(),
        "quorum": meeting.quorum,
        "current_item": meeting.current_item_id,
        "items": payload_items,
    }


def _window_text(change: Change) -> str:
    from django.utils import timezone

    if not (change.planned_start and change.planned_end):
        return "no window yet"
    start = timezone.localtime(change.planned_start)
    end = timezone.localtime(change.planned_end)
    return f"{start:%a %d %b %H:%M} – {end:%a %d %b %H:%M}"
