"""Demo data of change management: a weekly CAB, the change calendar and changes in several states.

Run by `manage.py seed_demo` (see ChangesConfig.demo_seeder); does nothing if already seeded.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from assets.models import Asset
from changes import actions
from changes.actions.changes import apply_cab_decision
from changes.choices import ChangeType
from changes.models import BlackoutPeriod, CabBoard, ChangeTemplate, MaintenanceWindow
from core.models import Team, User
from servicedesk.models import Service

BOARD_NAME = "Weekly CAB"
ANSWERS = {
    "tested": "yes",
    "done_before": "once",
    "users_affected": "department",
    "critical_service": "no",
    "backout": "yes",
}


def _next_weekday_at(weekday: int, hour: int) -> dt.datetime:
    """The next given weekday at `hour`:00 local time, at least a day from now."""
    today = timezone.localdate() + dt.timedelta(days=1)
    day = today + dt.timedelta(days=(weekday - today.weekday()) % 7)
    return dt.datetime.combine(day, dt.time(hour), timezone.get_current_timezone())


def seed(command, admin, organisations, options) -> None:
    """Create the CAB, windows, a blackout, a template and changes, unless already there."""
    if CabBoard.objects.filter(name=BOARD_NAME).exists():
        return
    manager = User.objects.get(username="changemanager")
    member = User.objects.get(username="cabmember")
    infra = Team.objects.get(name="Infrastructure")
    networks = Team.objects.get(name="Networks")
    north, east = organisations["northshire"], organisations["eastvale"]

    board = actions.do_create_cab_board(
        actor=manager,
        name=BOARD_NAME,
        chair=manager,
        members=[member],
        weekday=1,
        start_time=dt.time(10),
        quorum=2,
        ecab_members=[manager, member],
        ecab_quorum=2,
        organisations=list(organisations.values()),
    )
    for organisation in (north, east):
        for day in range(5):
            MaintenanceWindow.objects.create(
                organisation=organisation,
                name="Weekday evenings",
                weekday=day,
                starts=dt.time(18),
                ends=dt.time(22),
            )
        MaintenanceWindow.objects.create(
            organisation=organisation,
            name="Sunday mornings",
            weekday=6,
            starts=dt.time(6),
            ends=dt.time(12),
        )
    count_day = _next_weekday_at(3, 0) + dt.timedelta(days=21)
    BlackoutPeriod.objects.create(
        organisation=north,
        name="County council election count",
        starts_at=count_day,
        ends_at=count_day + dt.timedelta(days=2),
        reason="Count systems and results publishing must not be disturbed.",
    )
    # Link to the catalogue and register seeded by servicedesk and assets, when they are there.
    services = {service.name: service for service in Service.objects.filter(is_active=True)}
    assets = {
        (asset.organisation_id, asset.asset_tag): asset
        for asset in Asset.objects.visible_to(manager).filter(asset_tag__gt="")
    }

    def affected(organisation, names):
        return {
            "affected_services": [services[name] for name in names if name in services],
            "affected_assets": [
                assets[organisation.pk, name] for name in names if (organisation.pk, name) in assets
            ],
        }

    template = ChangeTemplate.objects.create(
        name="Add a network printer queue",
        category="Printing",
        description="Create a print queue for a new networked printer.",
        implementation_plan="Create the queue on PRN01 and publish it to the site's group.",
        backout_plan="Delete the queue.",
        test_plan="Print a test page from a site PC.",
    )
    monday_evening = _next_weekday_at(0, 19)

    def raise_change(title, org, names, **extra):
        return actions.do_create_change(
            actor=manager,
            organisation=org,
            title=title,
            description=extra.pop("description", title),
            reason=extra.pop("reason", "Keeps the service supported."),
            implementer_team=extra.pop("team", infra),
            **affected(org, names),
            implementation_plan="See the runbook.",
            backout_plan="Restore the snapshot taken before starting.",
            test_plan="Smoke test with the service owner.",
            communication_plan="Service desk briefed; notice on the intranet.",
            **extra,
        )

    with transaction.atomic():
        raise_change(
            "Migrate shared mailboxes to the new archive",
            north,
            ["Email and calendars"],
            change_type=ChangeType.NORMAL,
        )
        awaiting = raise_change(
            "Upgrade core switch firmware",
            north,
            [f"{north.slug.upper()}-0003", "Email and calendars", "Network and Wi-Fi"],
            change_type=ChangeType.NORMAL,
            team=networks,
            planned_start=monday_evening,
            planned_end=monday_evening + dt.timedelta(hours=2),
        )
        actions.do_transition_change(awaiting, actor=manager, name="submit")
        actions.do_assess_change(awaiting, actor=manager, expected_version=None, answers=ANSWERS)
        actions.do_transition_change(awaiting, actor=manager, name="send_to_cab")

        approved = raise_change(
            "Apply payroll year-end patch",
            north,
            ["Revenues and Benefits system"],
            change_type=ChangeType.NORMAL,
            planned_start=monday_evening + dt.timedelta(days=1),
            planned_end=monday_evening + dt.timedelta(days=1, hours=2),
        )
        actions.do_transition_change(approved, actor=manager, name="submit")
        actions.do_assess_change(approved, actor=manager, expected_version=None, answers=ANSWERS)
        actions.do_transition_change(approved, actor=manager, name="send_to_cab")
        apply_cab_decision(approved.pk, actor=manager, outcome="approve")
        actions.do_schedule_change(
            approved,
            actor=manager,
            expected_version=None,
            planned_start=approved.planned_start,
            planned_end=approved.planned_end,
        )

        standard = raise_change(
            "Printer queue for Riverside Library",
            north,
            [],
            template=template,
            planned_start=monday_evening + dt.timedelta(days=2),
            planned_end=monday_evening + dt.timedelta(days=2, hours=1),
        )
        actions.do_transition_change(standard, actor=manager, name="submit")
        actions.do_transition_change(standard, actor=manager, name="approve_standard")
        actions.do_schedule_change(
            standard,
            actor=manager,
            expected_version=None,
            planned_start=standard.planned_start,
            planned_end=standard.planned_end,
        )

        emergency = raise_change(
            "Emergency fix for council tax payment page",
            east,
            ["Revenues and Benefits system"],
            change_type=ChangeType.EMERGENCY,
            reason="Payments failing since this morning.",
        )
        actions.do_transition_change(emergency, actor=manager, name="submit")
        actions.do_record_ecab_approval(emergency, actor=member, comment="Agreed by phone.")
        actions.do_record_ecab_approval(emergency, actor=manager)

        actions.do_plan_cab_meeting(board, actor=manager)
    command.stdout.write("Change management: weekly CAB, windows, a blackout and 5 changes.")
