"""Fixtures of the change-management tests: a CAB, its people and helpers to move changes."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from assets.models import Asset
from changes import actions
from changes.choices import ChangeType
from changes.models import Change, MaintenanceWindow
from core.models import Site, Team, TeamKind
from core.roles import Role
from servicedesk.models import Service

LONDON = ZoneInfo("Europe/London")
ANSWERS_LOW = {
    "tested": "yes",
    "done_before": "often",
    "users_affected": "few",
    "critical_service": "no",
    "backout": "yes",
}


def at(year, month, day, hour, minute=0) -> dt.datetime:
    """A Europe/London wall-clock instant."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=LONDON)


# Monday 7 December 2026, 19:00–21:00: inside a weekday-evening window.
IN_WINDOW = (at(2026, 12, 7, 19), at(2026, 12, 7, 21))


class Cab:
    """The change-management cast: a change manager who chairs, two members, an implementer."""


@pytest.fixture
def cab(world, make_person):
    """A CAB (chair + two members, quorum 2), an implementer team and weekday-evening windows."""
    c = Cab()
    c.world = world
    c.infra = Team.objects.create(name="Infrastructure", kind=TeamKind.SECOND_LINE)
    c.infra.organisations.set([world.north, world.east])
    c.manager = make_person(
        "carl", [Role.CHANGE_MANAGER], world.north, teams=[c.infra], first_name="Carl"
    )
    c.member = make_person(
        "beth", [Role.CAB_MEMBER], world.north, teams=[c.infra], first_name="Beth"
    )
    c.member2 = make_person(
        "dev", [Role.CAB_MEMBER], world.north, teams=[c.infra], first_name="Dev"
    )
    c.outsider = make_person("olly", [Role.CAB_MEMBER], world.north, teams=[c.infra])
    c.implementer = make_person("ian", [Role.AGENT], world.north, teams=[c.infra])
    c.board = actions.do_create_cab_board(
        actor=c.manager,
        name="Weekly CAB",
        chair=c.manager,
        members=[c.member, c.member2],
        quorum=2,
        ecab_members=[c.manager, c.member],
        ecab_quorum=2,
        organisations=[world.north, world.east],
    )
    c.email = Service.objects.create(name="Email", owner_team=c.infra)
    c.payroll = Service.objects.create(name="Payroll", owner_team=c.infra)
    c.county_hall = Site.objects.get(organisation=world.north, name="County Hall")
    c.switch = Asset.objects.create(
        organisation=world.north, asset_tag="SW-CH-01", model_name="Catalyst", site=c.county_hall
    )
    for day in range(5):
        MaintenanceWindow.objects.create(
            organisation=world.north,
            name="Weekday evenings",
            weekday=day,
            starts=dt.time(18),
            ends=dt.time(22),
        )
    MaintenanceWindow.objects.create(
        organisation=world.north,
        name="Sunday mornings",
        weekday=6,
        starts=dt.time(6),
        ends=dt.time(12),
    )
    return c


@pytest.fixture
def make_change(cab):
    """Raise a normal change on the Email service in the north council (by the change manager)."""

    def make(actor=None, services=None, assets=(), **fields) -> Change:
        values = {
            "organisation": cab.world.north,
            "title": "Upgrade mail gateway",
            "description": "Apply vendor patch 7.2",
            "reason": "Security fix",
            "change_type": ChangeType.NORMAL,
            "implementer_team": cab.infra,
            "planned_start": IN_WINDOW[0],
            "planned_end": IN_WINDOW[1],
        }
        values.update(fields)
        return actions.do_create_change(
            actor=actor or cab.manager,
            affected_services=[cab.email] if services is None else services,
            affected_assets=assets,
            **values,
        )

    return make


def reload(change: Change) -> Change:
    """A fresh copy from the database."""
    return type(change)._default_manager.get(pk=change.pk)


@pytest.fixture
def advance(cab):
    """Move a change along the happy path up to `state` through the real actions."""
    path = [
        "submitted",
        "assessed",
        "awaiting_cab",
        "approved",
        "scheduled",
        "in_progress",
        "implemented",
    ]

    def go(change: Change, state: str) -> Change:
        for step in path[: path.index(state) + 1]:
            change = reload(change)
            if change.status == step:
                continue
            if step == "submitted":
                change = actions.do_transition_change(change, actor=cab.manager, name="submit")
            elif step == "assessed":
                change = actions.do_assess_change(
                    change, actor=cab.manager, expected_version=None, answers=ANSWERS_LOW
                )
            elif step == "awaiting_cab":
                change = actions.do_transition_change(change, actor=cab.manager, name="send_to_cab")
            elif step == "approved":
                from django.db import transaction

                from changes.actions.changes import apply_cab_decision

                with transaction.atomic():
                    change = apply_cab_decision(change.pk, actor=cab.manager, outcome="approve")
            elif step == "scheduled":
                change, _ = actions.do_schedule_change(
                    change,
                    actor=cab.manager,
                    expected_version=None,
                    planned_start=change.planned_start or IN_WINDOW[0],
                    planned_end=change.planned_end or IN_WINDOW[1],
                )
            elif step == "in_progress":
                change = actions.do_transition_change(change, actor=cab.manager, name="start")
            elif step == "implemented":
                change = actions.do_transition_change(change, actor=cab.manager, name="complete")
        return reload(change)

    return go
