"""Actions of the Change Advisory Board: boards, meetings, agendas, votes, decisions, minutes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from changes.choices import (
    AgendaItemStatus,
    AgendaKind,
    CabMeetingStatus,
    DecisionOutcome,
    VoteChoice,
)
from changes.models import AgendaItem, CabBoard, CabDecision, CabMeeting, CabVote, Change
from changes.queries import agenda_candidates, board_state
from core.actions.base import require_permission, save_audited
from core.audit import record_audit
from core.exceptions import ActionError, ActionForbidden, InvalidInput, StaleRecord
from core.notify import send_email_on_commit
from core.realtime import broadcast_on_commit
from core.workflow import run_transition

M = CabMeetingStatus
DECISION_OUTCOMES = {
    DecisionOutcome.APPROVE,
    DecisionOutcome.APPROVE_WITH_CONDITIONS,
    DecisionOutcome.REJECT,
    DecisionOutcome.DEFER,
}


def board_group(meeting_id: int) -> str:
    """The channel-layer group of one meeting's live board."""
    return f"cab.{meeting_id}"


def _announce(meeting: CabMeeting) -> None:
    """Send the board's new state to every attendee once the change commits."""
    broadcast_on_commit(board_group(meeting.pk), board_state(meeting))


def _lock_meeting(meeting_id: int, actor) -> CabMeeting:
    """Row-lock a meeting the actor sits on (or prepares as change manager)."""
    from changes.queries import can_attend

    meeting = CabMeeting.objects.select_for_update().get(pk=meeting_id)
    if not can_attend(actor, meeting):
        raise ActionForbidden("Only the CAB's members and change managers can do that.")
    return meeting


def _lock_item(item_id: int) -> AgendaItem:
    """Row-lock an agenda item: votes and decisions on it queue behind each other."""
    return AgendaItem.objects.select_for_update().select_related("change").get(pk=item_id)


def _require_planned(meeting: CabMeeting) -> None:
    """Refuse to change an agenda that is already published."""
    if meeting.status != M.PLANNED:
        raise ActionError("The agenda is published: it can no longer be changed.")


def next_meeting_start(board: CabBoard, after: dt.datetime) -> dt.datetime:
    """The first weekly slot of `board` strictly after `after`, in the site's time zone."""
    zone = ZoneInfo(settings.TIME_ZONE)
    local = after.astimezone(zone)
    days = (board.weekday - local.weekday()) % 7
    candidate = dt.datetime.combine(local.date() + dt.timedelta(days=days), board.start_time, zone)
    if candidate <= after:
        candidate += dt.timedelta(days=7)
        candidate = dt.datetime.combine(candidate.date(), board.start_time, zone)
    return candidate


BOARD_FIELDS = (
    "name",
    "weekday",
    "start_time",
    "duration_minutes",
    "chair",
    "quorum",
    "ecab_quorum",
    "is_active",
)
BOARD_PEOPLE = ("members", "ecab_members", "organisations")


def _check_board(board: CabBoard, fields: dict, people: dict) -> None:
    """Refuse a board that could never decide: quorums it cannot reach, people without the
    rights their seat needs, or an organisation another active CAB already serves."""
    chair, members = fields["chair"], people["members"]
    if not chair.has_perm("changes.chair_cab"):
        raise InvalidInput(f"{chair} cannot chair a CAB (needs the change manager role).", "chair")
    for member in members:
        if member != chair and not member.has_perm("changes.vote_cab"):
            raise InvalidInput(f"{member} cannot vote at a CAB.", field="members")
    seats = len(members)
    if fields["quorum"] < 1:
        raise InvalidInput("The quorum must be at least 1.", field="quorum")
    if fields["quorum"] > seats:
        raise InvalidInput(
            f"The quorum ({fields['quorum']}) is larger than the board: it has {seats} "
            f"member{'s' if seats != 1 else ''}, the chair included.",
            field="quorum",
        )
    ecab = people["ecab_members"]
    for member in ecab:
        if not member.has_perm("changes.approve_emergency_change"):
            raise InvalidInput(
                f"{member} cannot approve emergency changes (needs the CAB member or change "
                "manager role).",
                field="ecab_members",
            )
    if fields["ecab_quorum"] < 1:
        raise InvalidInput("The ECAB quorum must be at least 1.", field="ecab_quorum")
    if fields["ecab_quorum"] > len(ecab):
        raise InvalidInput(
            f"The ECAB quorum ({fields['ecab_quorum']}) is larger than the {len(ecab)} named "
            "ECAB members.",
            field="ecab_quorum",
        )
    if fields.get("is_active", True):
        taken = (
            CabBoard.objects.filter(is_active=True, organisations__in=people["organisations"])
            .exclude(pk=board.pk)
            .values_list("name", "organisations__name")
            .first()
        )
        if taken:
            raise InvalidInput(
                f"{taken[1]} is already served by {taken[0]}: an organisation has one CAB.",
                field="organisations",
            )


def _save_board(board: CabBoard, *, actor, fields: dict, people: dict, creating: bool):
    """Validate and save a board's settings with an audit event (create and update share it)."""
    if "weekday" in fields and fields["weekday"] not in range(7):
        raise InvalidInput("Choose the day of the week the CAB meets.", field="weekday")
    people = {**people, "members": {*people["members"], fields["chair"]}}
    _check_board(board, fields, people)
    save_audited(
        board,
        actor=actor,
        verb="cab_board.created" if creating else "cab_board.updated",
        changes=fields,
        many_to_many={name: list(values) for name, values in people.items()},
        creating=creating,
    )
    return board


@transaction.atomic
def do_create_cab_board(
    *,
    actor,
    name: str,
    chair,
    members: Iterable = (),
    weekday: int = 1,
    start_time: dt.time = dt.time(10),
    duration_minutes: int = 60,
    quorum: int = 2,
    ecab_members: Iterable = (),
    ecab_quorum: int = 2,
    organisations: Iterable = (),
    is_active: bool = True,
) -> CabBoard:
    """Set up a standing weekly CAB: chair, members, quorum, ECAB panel and whom it serves.

    The chair always sits on the board. Refused: a quorum larger than the board (or an ECAB
    quorum larger than the ECAB), seats given to people without the rights they need, an
    organisation another active CAB already serves.
    """
    require_permission(actor, "changes.manage_cab", "Only change managers can set up the CAB.")
    fields = {
        "name": name,
        "chair": chair,
        "weekday": weekday,
        "start_time": start_time,
        "duration_minutes": duration_minutes,
        "quorum": quorum,
        "ecab_quorum": ecab_quorum,
        "is_active": is_active,
    }
    people = {
        "members": list(members),
        "ecab_members": list(ecab_members),
        "organisations": list(organisations),
    }
    return _save_board(CabBoard(), actor=actor, fields=fields, people=people, creating=True)


@transaction.atomic
def do_update_cab_board(
    board: CabBoard, *, actor, expected_version: int | None = None, **values
) -> CabBoard:
    """Change a CAB's settings; what is not given stays as it is. Checked as on creation.

    Meetings already planned keep the chair, members and quorum they were planned with.
    """
    require_permission(actor, "changes.manage_cab", "Only change managers can change the CAB.")
    unknown = set(values) - {*BOARD_FIELDS, *BOARD_PEOPLE}
    if unknown:
        raise InvalidInput(f"Unknown fields: {', '.join(sorted(unknown))}.")
    board = CabBoard.objects.select_for_update().get(pk=board.pk)
    if expected_version is not None and board.version != expected_version:
        raise StaleRecord("This CAB was changed by someone else. Reload the page.")
    fields = {name: values.get(name, getattr(board, name)) for name in BOARD_FIELDS}
    people = {name: list(values.get(name, getattr(board, name).all())) for name in BOARD_PEOPLE}
    return _save_board(board, actor=actor, fields=fields, people=people, creating=False)


def _add_item(meeting: CabMeeting, change: Change, kind: str) -> AgendaItem:
    """Append one item at the end of the agenda."""
    last = meeting.agenda_items.aggregate(last=Max("position"))["last"] or 0
    return AgendaItem.objects.create(meeting=meeting, change=change, kind=kind, position=last + 1)


@transaction.atomic
def do_plan_cab_meeting(board: CabBoard, *, actor, starts_at: dt.datetime | None = None):
    """Plan the board's next weekly meeting and build its agenda automatically."""
    require_permission(actor, "changes.manage_cab", "Only change managers can plan CABs.")
    board = CabBoard.objects.select_for_update().get(pk=board.pk)
    starts_at = starts_at or next_meeting_start(board, timezone.now())
    if CabMeeting.objects.filter(board=board, starts_at=starts_at).exists():
        raise ActionError("That meeting is already planned.")
    meeting = CabMeeting()
    save_audited(
        meeting,
        actor=actor,
        verb="cab_meeting.planned",
        changes={
            "board": board,
            "starts_at": starts_at,
            "chair": board.chair,
            "quorum": board.quorum,
        },
        many_to_many={"members": list(board.members.all())},
        creating=True,
        exclude_from_validation=("status",),
    )
    for change, kind in agenda_candidates(meeting):
        _add_item(meeting, change, kind)
    return meeting


@transaction.atomic
def do_refresh_agenda(meeting: CabMeeting, *, actor) -> list[AgendaItem]:
    """Add what has become due since the agenda was built (before it is published)."""
    require_permission(actor, "changes.manage_cab", "Only change managers prepare the agenda.")
    meeting = _lock_meeting(meeting.pk, actor)
    _require_planned(meeting)
    added = [_add_item(meeting, change, kind) for change, kind in agenda_candidates(meeting)]
    if added:
        record_audit(
            actor=actor,
            verb="cab_meeting.agenda_refreshed",
            obj=meeting,
            after={"added": [str(item.change) for item in added]},
        )
    return added


@transaction.atomic
def do_add_agenda_item(
    meeting: CabMeeting, *, actor, change: Change, kind: str = AgendaKind.DECISION
) -> AgendaItem:
    """Put a change on the agenda by hand (before it is published)."""
    require_permission(actor, "changes.manage_cab", "Only change managers prepare the agenda.")
    meeting = _lock_meeting(meeting.pk, actor)
    _require_planned(meeting)
    if kind not in AgendaKind.values:
        raise InvalidInput("Unknown kind of agenda item.")
    if meeting.agenda_items.filter(change=change, kind=kind).exists():
        raise ActionError(f"{change.reference} is already on this agenda.")
    item = _add_item(meeting, change, kind)
    record_audit(actor=actor, verb="cab_meeting.item_added", obj=meeting, after={"item": str(item)})
    return item


@transaction.atomic
def do_remove_agenda_item(item: AgendaItem, *, actor) -> None:
    """Take a change off the agenda (before it is published)."""
    require_permission(actor, "changes.manage_cab", "Only change managers prepare the agenda.")
    meeting = _lock_meeting(item.meeting_id, actor)
    _require_planned(meeting)
    item = AgendaItem.objects.get(pk=item.pk)
    record_audit(
        actor=actor, verb="cab_meeting.item_removed", obj=meeting, before={"item": str(item)}
    )
    item.delete()


@transaction.atomic
def do_move_agenda_item(item: AgendaItem, *, actor, offset: int) -> None:
    """Move an item up (offset -1) or down (+1) the agenda (before it is published)."""
    require_permission(actor, "changes.manage_cab", "Only change managers prepare the agenda.")
    meeting = _lock_meeting(item.meeting_id, actor)
    _require_planned(meeting)
    items = list(meeting.agenda_items.order_by("position", "pk"))
    index = next(i for i, candidate in enumerate(items) if candidate.pk == item.pk)
    target = index + offset
    if not 0 <= target < len(items):
        return
    items.insert(target, items.pop(index))
    for position, candidate in enumerate(items, start=1):
        if candidate.position != position:
            candidate.position = position
            candidate.save(update_fields=["position"])
    record_audit(
        actor=actor,
        verb="cab_meeting.agenda_reordered",
        obj=meeting,
        after={"order": [c.change.reference for c in items]},
    )


def _members_emails(meeting: CabMeeting) -> list[str]:
    return sorted({m.email for m in [meeting.chair, *meeting.members.all()] if m.email})


@transaction.atomic
def do_publish_agenda(meeting: CabMeeting, *, actor, expected_version: int | None = None):
    """Publish the agenda and email it to every member."""
    meeting = _lock_meeting(meeting.pk, actor)
    _check_version(meeting, expected_version)
    run_transition(
        meeting,
        "publish_agenda",
        actor=actor,
        verb="cab_meeting.agenda_published",
        extra_fields=("agenda_published_at",),
    )
    lines = [f"Agenda for {meeting}", ""]
    for item in meeting.agenda_items.select_related("change").order_by("position", "pk"):
        change = item.change
        lines.append(
            f"{item.position}. {change.reference} {change.title} — {item.get_kind_display()}"
            f" (risk: {change.get_risk_level_display() or 'not assessed'})"
        )
    lines += ["", f"{settings.SITE_URL}{meeting.get_absolute_url()}"]
    send_email_on_commit(
        _members_emails(meeting), f"[civicdesk] CAB agenda: {meeting}", "\n".join(lines)
    )
    _announce(meeting)
    return meeting


def _check_version(meeting: CabMeeting, expected_version: int | None) -> None:
    if expected_version is not None and meeting.version != expected_version:
        raise StaleRecord("This meeting was changed by someone else. Reload the page.")


@transaction.atomic
def do_open_cab_session(meeting: CabMeeting, *, actor, expected_version: int | None = None):
    """Start the meeting; every member counts as attending until apologies are recorded."""
    meeting = _lock_meeting(meeting.pk, actor)
    _check_version(meeting, expected_version)
    run_transition(
        meeting, "open_session", actor=actor, verb="cab_meeting.opened", extra_fields=("opened_at",)
    )
    meeting.attendees.set([meeting.chair, *meeting.members.all()])
    _announce(meeting)
    return meeting


@transaction.atomic
def do_record_attendance(meeting: CabMeeting, *, actor, attendees: Iterable, apologies: Iterable):
    """Record who attended and who sent apologies (during the session)."""
    meeting = _lock_meeting(meeting.pk, actor)
    if not (actor.pk == meeting.chair_id or actor.has_perm("changes.manage_cab")):
        raise ActionForbidden("Only the chair or a change manager records attendance.")
    if meeting.status != M.IN_SESSION:
        raise ActionError("Attendance is recorded during the session.")
    save_audited(
        meeting,
        actor=actor,
        verb="cab_meeting.attendance",
        changes={},
        many_to_many={"attendees": list(attendees), "apologies": list(apologies)},
        exclude_from_validation=("status",),
    )
    return meeting


@transaction.atomic
def do_open_agenda_item(item: AgendaItem, *, actor) -> AgendaItem:
    """Bring an item up for discussion and votes; it becomes the board's current item."""
    meeting = _lock_meeting(item.meeting_id, actor)
    if not (actor.pk == meeting.chair_id or actor.has_perm("changes.manage_cab")):
        raise ActionForbidden("Only the chair or a change manager moves the meeting on.")
    if meeting.status != M.IN_SESSION:
        raise ActionError("The meeting is not in session.")
    item = _lock_item(item.pk)
    if item.status == AgendaItemStatus.CLOSED:
        raise ActionError("That item is already decided.")
    open_item = meeting.agenda_items.filter(status=AgendaItemStatus.OPEN).exclude(pk=item.pk)
    if open_item.exists():
        raise ActionError(f"Decide {open_item.first().change.reference} first.")
    item.status = AgendaItemStatus.OPEN
    item.save(update_fields=["status"])
    meeting.current_item = item
    meeting.save(update_fields=["current_item"])
    record_audit(
        actor=actor, verb="cab_meeting.item_opened", obj=meeting, after={"item": str(item)}
    )
    _announce(meeting)
    return item


@transaction.atomic
def do_cast_cab_vote(item: AgendaItem, *, actor, choice: str, comment: str = "") -> CabVote:
    """A member votes approve, reject or abstain (with a comment) on the open item."""
    item = _lock_item(item.pk)
    meeting = CabMeeting.objects.get(pk=item.meeting_id)
    if not (actor.has_perm("changes.vote_cab") and meeting.is_member(actor)):
        raise ActionForbidden("Only members of this CAB can vote.")
    if meeting.status != M.IN_SESSION:
        raise ActionError("The meeting is not in session: votes are closed.")
    if item.status == AgendaItemStatus.CLOSED:
        raise ActionError(f"Voting on {item.change.reference} has closed: it is decided.")
    if item.status != AgendaItemStatus.OPEN:
        raise ActionError(f"{item.change.reference} is not open for votes yet.")
    if choice not in VoteChoice.values:
        raise InvalidInput("Vote approve, reject or abstain.")
    vote, created = CabVote.objects.update_or_create(
        item=item, member=actor, defaults={"choice": choice, "comment": comment}
    )
    record_audit(
        actor=actor,
        verb="cab_meeting.vote_cast" if created else "cab_meeting.vote_changed",
        obj=meeting,
        after={"item": item.change.reference, "vote": choice, "comment": comment},
    )
    _announce(meeting)
    return vote


@transaction.atomic
def do_record_cab_decision(
    item: AgendaItem, *, actor, outcome: str, conditions: str = "", actions: str = ""
) -> CabDecision:
    """The chair decides an open item; a decision on a change moves it through its workflow.

    Refused: anyone but the chair, an item not open, an item already decided (two deciders at
    once: the first wins), fewer votes than the quorum, conditions missing.
    """
    from changes.actions.changes import apply_cab_decision

    item = _lock_item(item.pk)
    meeting = CabMeeting.objects.get(pk=item.meeting_id)
    if actor.pk != meeting.chair_id or not actor.has_perm("changes.chair_cab"):
        raise ActionForbidden("Only the chair of this CAB records its decisions.")
    if meeting.status != M.IN_SESSION:
        raise ActionError("The meeting is not in session.")
    existing = CabDecision.objects.filter(item=item).select_related("decided_by").first()
    if existing is not None:
        raise ActionError(
            f"{item.change.reference} was already decided by {existing.decided_by}: "
            f"{existing.get_outcome_display().lower()}."
        )
    if item.status != AgendaItemStatus.OPEN:
        raise ActionError(f"Open {item.change.reference} for votes before deciding it.")
    votes = item.votes.count()
    if votes < meeting.quorum:
        raise ActionError(
            f"No quorum: {votes} of the {meeting.quorum} votes needed have been cast on "
            f"{item.change.reference}."
        )
    if item.kind == AgendaKind.DECISION and outcome not in DECISION_OUTCOMES:
        raise InvalidInput("Approve, approve with conditions, reject or defer.")
    if item.kind != AgendaKind.DECISION and outcome != DecisionOutcome.NOTED:
        raise InvalidInput("A review is noted; it does not approve or reject anything.")
    conditions = conditions.strip()
    if outcome == DecisionOutcome.APPROVE_WITH_CONDITIONS and not conditions:
        raise InvalidInput("State the conditions of the approval.", field="conditions")
    try:
        with transaction.atomic():
            decision = CabDecision.objects.create(
                item=item,
                outcome=outcome,
                conditions=conditions,
                actions=actions.strip(),
                decided_by=actor,
            )
    except IntegrityError as exc:
        raise ActionError(f"{item.change.reference} was already decided.") from exc
    if item.kind == AgendaKind.DECISION:
        apply_cab_decision(item.change_id, actor=actor, outcome=outcome, conditions=conditions)
    item.status = AgendaItemStatus.CLOSED
    item.save(update_fields=["status"])
    CabMeeting.objects.filter(pk=meeting.pk, current_item=item).update(current_item=None)
    meeting.current_item = None if meeting.current_item_id == item.pk else meeting.current_item
    record_audit(
        actor=actor,
        verb="cab_meeting.decision",
        obj=meeting,
        after={"item": item.change.reference, "outcome": outcome, "conditions": conditions},
    )
    _announce(meeting)
    return decision


@transaction.atomic
def do_publish_minutes(
    meeting: CabMeeting, *, actor, notes: str = "", expected_version: int | None = None
):
    """Close the meeting, publish its minutes and email them to members."""
    from changes.tasks import send_minutes_email_task

    meeting = _lock_meeting(meeting.pk, actor)
    _check_version(meeting, expected_version)
    meeting.minutes_notes = notes or meeting.minutes_notes
    run_transition(
        meeting,
        "publish_minutes",
        actor=actor,
        verb="cab_meeting.minutes_published",
        extra_fields=("minutes_published_at", "minutes_notes"),
    )
    # Built and sent once the minutes are committed (changes.tasks), so a rolled-back
    # publication never mails anyone.
    transaction.on_commit(lambda: send_minutes_email_task(meeting.pk))
    _announce(meeting)
    return meeting
