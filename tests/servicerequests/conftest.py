"""Fixtures of the service-request tests: a request catalogue, approvers and policies.

On top of the shared two-council world: a laptop purchase (ICT, line-manager approval,
£1,200 each, a staged plan over two teams) and a software install (no approval, one task),
under a service with office-hours SLA targets; Northshire's approval policy (one ICT
manager, a board of three deciding by majority above £25,000) and line managers.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from assets.models import Asset
from core.models import BusinessCalendar, OpeningHours, Team, TeamKind
from core.roles import Role
from servicedesk.models import Service, ServiceStandard
from servicerequests import actions
from servicerequests.choices import ApprovalRule, DecisionRule, FieldKind

LONDON = ZoneInfo("Europe/London")


def at(month, day, hour, minute=0, year=2026) -> dt.datetime:
    """A Europe/London wall-clock instant."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=LONDON)


class Cast:
    """The people, catalogue and policy of a test."""


@pytest.fixture
def office_hours(db):
    """Monday to Friday, 09:00–17:00, English bank holidays."""
    calendar = BusinessCalendar.objects.create(name="Office", holiday_region="ENG")
    OpeningHours.objects.bulk_create(
        OpeningHours(calendar=calendar, weekday=day, opens=dt.time(9), closes=dt.time(17))
        for day in range(5)
    )
    return calendar


@pytest.fixture
def cast(world, make_person, office_hours):
    """The world plus approvers, a fulfilment team, the catalogue and Northshire's policy."""
    c = Cast()
    c.world = w = world
    c.infra = Team.objects.create(
        name="Infrastructure", kind=TeamKind.SECOND_LINE, email="infra@example.gov.uk"
    )
    c.infra.organisations.set([w.north, w.east])
    c.engineer = make_person("eng", [Role.AGENT], w.north, teams=[c.infra])
    c.line_manager = make_person("lena", [Role.APPROVER], w.north, first_name="Lena")
    c.ict_manager = make_person("ivan", [Role.APPROVER], w.north, first_name="Ivan")
    c.board = [
        make_person(name, [Role.APPROVER], w.north, first_name=name.title())
        for name in ("bea", "bill", "bob")
    ]
    c.delegate = make_person("dana", [Role.APPROVER], w.north, first_name="Dana")
    c.outsider = make_person("otto", [Role.APPROVER], w.north, first_name="Otto")

    c.laptops = Service.objects.create(
        name="Laptops and desktops", owner_team=w.desk, calendar=office_hours
    )
    c.standard = ServiceStandard.objects.create(
        service=c.laptops, priority=4, response_minutes=4 * 60, resolution_minutes=5 * 8 * 60
    )
    admin = w.admin
    c.laptop = actions.do_save_request_item(
        None,
        actor=admin,
        service=c.laptops,
        name="Laptop",
        cost=Decimal("1200.00"),
        max_quantity=30,
        approval_rule=ApprovalRule.LINE_MANAGER,
        is_ict_purchase=True,
        standard=c.standard,
        is_published=True,
    )
    actions.do_save_request_field(
        None,
        actor=admin,
        item=c.laptop,
        key="model",
        label="Model",
        kind=FieldKind.CHOICE,
        choices="Standard\nPower user",
        order=1,
    )
    actions.do_save_request_field(
        None, actor=admin, item=c.laptop, key="needed_by", label="Needed by", kind=FieldKind.DATE
    )
    actions.do_save_request_field(
        None,
        actor=admin,
        item=c.laptop,
        key="accessories",
        label="Accessories (£)",
        kind=FieldKind.COST,
        required=False,
    )
    actions.do_save_request_field(
        None,
        actor=admin,
        item=c.laptop,
        key="notes",
        label="Notes",
        kind=FieldKind.TEXT,
        required=False,
    )
    c.order_step = actions.do_save_fulfilment_step(
        None, actor=admin, item=c.laptop, team=w.desk, title="Order the laptop", stage=1
    )
    c.account_step = actions.do_save_fulfilment_step(
        None, actor=admin, item=c.laptop, team=c.infra, title="Prepare the account", stage=1
    )
    c.deliver_step = actions.do_save_fulfilment_step(
        None, actor=admin, item=c.laptop, team=w.desk, title="Deliver and set up", stage=2
    )

    c.software = actions.do_save_request_item(
        None,
        actor=admin,
        service=c.laptops,
        name="Software install",
        standard=c.standard,
        is_published=True,
    )
    actions.do_save_request_field(
        None,
        actor=admin,
        item=c.software,
        key="computer",
        label="Which computer",
        kind=FieldKind.ASSET,
    )
    actions.do_save_request_field(
        None,
        actor=admin,
        item=c.software,
        key="for_whom",
        label="For whom",
        kind=FieldKind.USER,
        required=False,
    )
    actions.do_save_fulfilment_step(
        None, actor=admin, item=c.software, team=c.infra, title="Install the software"
    )
    c.my_laptop = Asset.objects.create(
        organisation=w.north, asset_tag="NL-0001", owner=w.requester_north
    )
    c.east_laptop = Asset.objects.create(
        organisation=w.east, asset_tag="EL-0001", owner=w.requester_east
    )

    c.policy = actions.do_set_approval_policy(
        w.north,
        actor=admin,
        ict_managers=[c.ict_manager],
        board_members=c.board,
        board_decision=DecisionRule.MAJORITY,
    )
    actions.do_set_line_manager(w.requester_north, actor=admin, manager=c.line_manager)
    return c


LAPTOP_ANSWERS = {"model": "Standard", "needed_by": "2026-12-01"}


@pytest.fixture
def submit(cast):
    """Submit a request through the action: a laptop for the north requester by default."""

    def go(actor=None, requester=None, item=None, answers=None, quantity=1, **kwargs):
        requester = requester or cast.world.requester_north
        return actions.do_submit_request(
            actor=actor or requester,
            requester=requester,
            item=item or cast.laptop,
            answers=LAPTOP_ANSWERS if answers is None else answers,
            quantity=quantity,
            **kwargs,
        )

    return go


@pytest.fixture
def freezer_at(monkeypatch):
    """Move "now" (django.utils.timezone.now) to a given instant."""
    state = {}

    def move(instant):
        state["now"] = instant

    monkeypatch.setattr("django.utils.timezone.now", lambda: state.get("now") or at(11, 23, 9))
    return move


def fresh(obj):
    """The record as stored now (protected state fields cannot be refreshed in place)."""
    return type(obj).objects.get(pk=obj.pk)


def current_step(service_request):
    """The step awaiting a decision now."""
    return fresh(service_request).current_approval()
