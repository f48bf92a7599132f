"""Background work of change management, run by Huey (immediately in tests)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from changes.choices import CabMeetingStatus


def plan_upcoming_cab_meetings() -> list:
    """Make sure every active CAB has its next weekly meeting planned (agenda built).

    The board's chair is recorded as the planner: the weekly meeting is theirs, and the audit
    log needs a person who holds the right to plan it.
    """
    from django.utils import timezone

    from changes.actions import do_plan_cab_meeting
    from changes.models import CabBoard

    planned = []
    for board in CabBoard.objects.filter(is_active=True).select_related("chair"):
        upcoming = board.meetings.filter(
            starts_at__gte=timezone.now(), status=CabMeetingStatus.PLANNED
        )
        if not upcoming.exists() and board.chair.has_perm("changes.manage_cab"):
            planned.append(do_plan_cab_meeting(board, actor=board.chair))
    return planned


@db_periodic_task(crontab(minute="15", hour="6"))
def plan_upcoming_cab_meetings_task() -> int:
    """Each morning: plan any board's missing next meeting."""
    return len(plan_upcoming_cab_meetings())


@db_task(retries=3, retry_delay=60)
def send_minutes_email_task(meeting_id: int) -> int:
    """Email a meeting's published minutes to its chair and members: plain text, an HTML
    alternative and the Excel workbook attached. Retried because mail servers fail transiently.
    """
    from django.conf import settings
    from django.core.mail import EmailMultiAlternatives

    from changes.minutes import minutes_attachment, minutes_html, minutes_text
    from changes.models import CabMeeting

    meeting = CabMeeting.objects.select_related("board", "chair").get(pk=meeting_id)
    recipients = sorted(
        {person.email for person in [meeting.chair, *meeting.members.all()] if person.email}
    )
    if not recipients:
        return 0
    message = EmailMultiAlternatives(
        subject=f"[civicdesk] CAB minutes: {meeting}",
        body=minutes_text(meeting),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
    )
    message.attach_alternative(minutes_html(meeting), "text/html")
    message.attach(*minutes_attachment(meeting))
    return message.send()
