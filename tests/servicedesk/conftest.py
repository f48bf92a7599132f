"""Fixtures of the service desk tests: a catalogue on top of the shared two-council world."""

from __future__ import annotations

import datetime as dt

import pytest

from core.models import BusinessCalendar, OpeningHours
from servicedesk.actions import do_log_incident
from servicedesk.models import Category, Service, ServiceStandard


@pytest.fixture
def desk(world):
    """The world plus a service owned by the shared desk, categories and standards."""
    email = Service.objects.create(name="Email", owner_team=world.desk)
    hardware = Category.objects.create(name="Hardware")
    laptop = Category.objects.create(name="Laptop", parent=hardware)
    outlook = Category.objects.create(name="Outlook", service=email)
    phones = Service.objects.create(name="Telephony", owner_team=world.desk)
    ServiceStandard.objects.create(
        service=email, priority=3, response_minutes=60, resolution_minutes=8 * 60
    )
    ServiceStandard.objects.create(
        service=email, priority=3, audience="vip", response_minutes=15, resolution_minutes=4 * 60
    )
    world.email, world.phones = email, phones
    world.hardware, world.laptop, world.outlook = hardware, laptop, outlook
    return world


@pytest.fixture
def office_hours():
    """Monday to Friday, 09:00–17:00, English bank holidays."""
    calendar = BusinessCalendar.objects.create(name="Office", holiday_region="ENG")
    OpeningHours.objects.bulk_create(
        OpeningHours(calendar=calendar, weekday=day, opens=dt.time(9), closes=dt.time(17))
        for day in range(5)
    )
    return calendar


@pytest.fixture
def log_call(desk):
    """Log a call through the action; the north requester on the email service by default."""

    def log(actor=None, **fields):
        fields.setdefault("caller", desk.requester_north)
        fields.setdefault("service", desk.email)
        fields.setdefault("short_description", "Outlook will not open")
        return do_log_incident(actor=actor or fields["caller"], **fields)

    return log
