"""Fixtures of the history import tests: an office-hours organisation, a legacy service, and
a small hand-written ServiceNow-like event log with its mapping."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from core.models import BusinessCalendar, OpeningHours
from servicedesk.models import Service

MAPPING = """
source = "oldesk"
none_values = ["?"]
max_rejected_percent = 10

[columns]
ticket = "number"
sequence = "seq"
timestamp = "updated"
status = "state"
opened_at = "opened"
priority = "priority"
channel = "contact"
team = "group"
assignee = "assigned_to"
caller = "caller"
category = "category"

[dates]
format = "%d/%m/%Y %H:%M"
timezone = "Europe/London"

[statuses]
"New" = "new"
"Active" = "in_progress"
"Waiting" = { state = "pending", reason = "awaiting_supplier", pauses_sla = true }
"Resolved" = "resolved"
"Closed" = "closed"
"Marker" = "ignore"

[priorities]
"3 - Moderate" = 3
"2 - High" = 2

[channels]
"Phone" = "phone"
"Web" = "portal"

[defaults]
service = "Legacy"

[people]
create_missing = true
username_prefix = "old-"

[teams]
create_missing = true

[categories]
create_missing = true
parent = "Old desk"
"""

HEADER = "number,seq,updated,state,opened,priority,contact,group,assigned_to,caller,category"
# Mon 2 Nov 2026, office hours 9-17 Mon-Fri (no bank holiday that week).
#  A: opened Mon 09:00, Active 10:00 (first response), Waiting 11:00-Tue 11:00 (paused),
#     resolved Tue 12:00, closed Thu 09:00. Business to resolve: 2 h + 1 h = 3 h; wall 27 h.
#  B: opened Mon 09:00 by web, group Desk then Network (a reassignment), resolved Mon 15:00,
#     reopened Tue 09:00 (its "?" assignee means none), resolved again Tue 10:00.
#     Business: 6 h + 1 h = 7 h (the night it sat resolved is not counted); wall 25 h.
ROWS = [
    "A,0,02/11/2026 09:00,New,02/11/2026 09:00,3 - Moderate,Phone,Desk,?,Caller 1,Email",
    "A,1,02/11/2026 10:00,Active,02/11/2026 09:00,3 - Moderate,Phone,Desk,Res 1,Caller 1,Email",
    "A,2,02/11/2026 11:00,Waiting,02/11/2026 09:00,3 - Moderate,Phone,Desk,Res 1,Caller 1,Email",
    "A,3,03/11/2026 11:00,Active,02/11/2026 09:00,3 - Moderate,Phone,Desk,Res 1,Caller 1,Email",
    "A,4,03/11/2026 12:00,Resolved,02/11/2026 09:00,3 - Moderate,Phone,Desk,Res 1,Caller 1,Email",
    "A,5,05/11/2026 09:00,Closed,02/11/2026 09:00,3 - Moderate,Phone,Desk,Res 1,Caller 1,Email",
    "B,0,02/11/2026 09:00,New,02/11/2026 09:00,2 - High,Web,Desk,?,Caller 2,?",
    "B,1,02/11/2026 09:30,Active,02/11/2026 09:00,2 - High,Web,Network,Res 2,Caller 2,?",
    "B,2,02/11/2026 15:00,Resolved,02/11/2026 09:00,2 - High,Web,Network,Res 2,Caller 2,?",
    "B,3,03/11/2026 09:00,Active,02/11/2026 09:00,2 - High,Web,Network,?,Caller 2,?",
    "B,4,03/11/2026 09:30,Marker,02/11/2026 09:00,2 - High,Web,Network,?,Caller 2,?",
    "B,5,03/11/2026 10:00,Resolved,02/11/2026 09:00,2 - High,Web,Network,Res 2,Caller 2,?",
]


def write_csv(folder: Path, rows: list[str], name: str = "log.csv") -> Path:
    """An event log file with the fixture's header."""
    path = folder / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def office(world):
    """The north council works Monday to Friday, 9 to 5, English bank holidays."""
    calendar = BusinessCalendar.objects.create(name="Office", holiday_region="ENG")
    OpeningHours.objects.bulk_create(
        OpeningHours(calendar=calendar, weekday=day, opens=dt.time(9), closes=dt.time(17))
        for day in range(5)
    )
    world.north.calendar = calendar
    world.north.save(update_fields=["calendar"])
    world.legacy = Service.objects.create(name="Legacy", owner_team=world.desk)
    return world
