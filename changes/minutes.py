"""CAB minutes: attendees, apologies, each item with its votes, decision, conditions and actions.

One source of rows feeds the page, the Excel workbook and the email, so they always agree.
"""

from __future__ import annotations

import re
from io import BytesIO

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from changes.models import CabMeeting
from core.exports import XLSX_TYPE, rows_to_workbook, safe_cell

ITEM_HEADER = [
    "#",
    "Change",
    "Title",
    "Item",
    "Risk",
    "Votes",
    "Decision",
    "Conditions",
    "Actions",
    "Decided by",
]
VOTE_HEADER = ["Change", "Member", "Vote", "Comment"]


def minutes_items(meeting: CabMeeting) -> list[dict]:
    """Each agenda item with its votes and decision, in agenda order."""
    items = []
    for item in (
        meeting.agenda_items.select_related("change", "decision", "decision__decided_by")
        .prefetch_related("votes__member")
        .order_by("position", "pk")
    ):
        decision = getattr(item, "decision", None)
        votes = list(item.votes.all())
        items.append(
            {
                "item": item,
                "change": item.change,
                "votes": votes,
                "votes_text": "; ".join(
                    f"{v.member}: {v.get_choice_display()}"
                    + (f" ({v.comment})" if v.comment else "")
                    for v in votes
                ),
                "decision": decision,
            }
        )
    return items


def attendance(meeting: CabMeeting) -> tuple[list, list]:
    """(attendees, apologies) of the meeting."""
    return list(meeting.attendees.all()), list(meeting.apologies.all())


def item_rows(meeting: CabMeeting) -> list[list]:
    """Header plus one row per agenda item."""
    rows: list[list] = [ITEM_HEADER]
    for entry in minutes_items(meeting):
        change, decision, item = entry["change"], entry["decision"], entry["item"]
        rows.append(
            [
                item.position,
                change.reference,
                change.title,
                item.get_kind_display(),
                change.get_risk_level_display(),
                entry["votes_text"],
                decision.get_outcome_display() if decision else "Not decided",
                decision.conditions if decision else "",
                decision.actions if decision else "",
                str(decision.decided_by) if decision else "",
            ]
        )
    return rows


def minutes_workbook(meeting: CabMeeting) -> Workbook:
    """The minutes as a workbook: Items, Votes and Attendance sheets."""
    workbook = rows_to_workbook("Items", item_rows(meeting))
    votes = workbook.create_sheet("Votes")
    votes.append(VOTE_HEADER)
    for entry in minutes_items(meeting):
        for vote in entry["votes"]:
            votes.append(
                [
                    safe_cell(entry["change"].reference),
                    safe_cell(str(vote.member)),
                    vote.get_choice_display(),
                    safe_cell(vote.comment),
                ]
            )
    present = workbook.create_sheet("Attendance")
    present.append(["Meeting", safe_cell(str(meeting))])
    present.append(["Chair", safe_cell(str(meeting.chair))])
    attendees, apologies = attendance(meeting)
    for person in attendees:
        present.append(["Attended", safe_cell(str(person))])
    for person in apologies:
        present.append(["Apologies", safe_cell(str(person))])
    if meeting.minutes_notes:
        present.append(["Notes", safe_cell(meeting.minutes_notes)])
    for sheet in (votes, present):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    return workbook


def minutes_url(meeting: CabMeeting) -> str:
    """The full address of the minutes page, for email."""
    return f"{settings.SITE_URL}{meeting.get_absolute_url()}minutes/"


def minutes_text(meeting: CabMeeting) -> str:
    """The minutes as plain text for email."""
    attendees, apologies = attendance(meeting)
    lines = [
        f"Minutes of {meeting}",
        f"Chair: {meeting.chair}",
        "Attended: " + (", ".join(map(str, attendees)) or "none recorded"),
        "Apologies: " + (", ".join(map(str, apologies)) or "none"),
        "",
    ]
    for entry in minutes_items(meeting):
        change, decision = entry["change"], entry["decision"]
        lines.append(f"{entry['item'].position}. {change.reference} {change.title}")
        lines.append(f"   Votes: {entry['votes_text'] or 'none'}")
        lines.append(
            "   Decision: " + (decision.get_outcome_display() if decision else "not decided")
        )
        if decision and decision.conditions:
            lines.append(f"   Conditions: {decision.conditions}")
        if decision and decision.actions:
            lines.append(f"   Actions: {decision.actions}")
    if meeting.minutes_notes:
        lines += ["", meeting.minutes_notes]
    lines += ["", f"Published {timezone.localtime():%d %b %Y %H:%M}. {minutes_url(meeting)}"]
    return "\n".join(lines)


def minutes_html(meeting: CabMeeting) -> str:
    """The minutes as an HTML email body: the same content as the page and the workbook."""
    attendees, apologies = attendance(meeting)
    return render_to_string(
        "changes/email/minutes.html",
        {
            "meeting": meeting,
            "attendees": attendees,
            "apologies": apologies,
            "entries": minutes_items(meeting),
            "url": minutes_url(meeting),
            "published": timezone.localtime(),
        },
    )


def minutes_attachment(meeting: CabMeeting) -> tuple[str, bytes, str]:
    """The minutes workbook as an email attachment: (file name, content, MIME type)."""
    buffer = BytesIO()
    minutes_workbook(meeting).save(buffer)
    local = timezone.localtime(meeting.starts_at)
    board = re.sub(r"[^A-Za-z0-9]+", "-", meeting.board.name).strip("-") or "CAB"
    return f"{board}-minutes-{local:%Y-%m-%d}.xlsx", buffer.getvalue(), XLSX_TYPE
