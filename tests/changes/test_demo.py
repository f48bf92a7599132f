"""The change-management demo data, seeded by seed_demo."""

import pytest
from django.core.management import call_command

from changes.models import BlackoutPeriod, CabBoard, CabMeeting, Change, MaintenanceWindow

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def only_the_changes_seeder(monkeypatch):
    """Seed core and this app only, so the test does not depend on other apps' demo data."""
    from changes import demo
    from core.management.commands import seed_demo

    monkeypatch.setattr(seed_demo, "app_seeders", lambda: [demo])


def test_should_seed_a_weekly_cab_windows_a_blackout_and_changes_in_several_states(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    board = CabBoard.objects.get()
    assert board.chair.username == "changemanager"
    assert {u.username for u in board.members.all()} == {"changemanager", "cabmember"}
    assert MaintenanceWindow.objects.filter(weekday=6, starts__hour=6).count() == 2
    assert MaintenanceWindow.objects.filter(weekday=0, starts__hour=18, ends__hour=22).exists()
    assert BlackoutPeriod.objects.exists()
    states = set(Change.objects.values_list("status", flat=True))
    assert {"draft", "awaiting_cab", "scheduled", "approved"} <= states
    meeting = CabMeeting.objects.get()
    kinds = set(meeting.agenda_items.values_list("kind", flat=True))
    assert kinds == {"decision", "emergency_review"}
    before = Change.objects.count()
    call_command("seed_demo")
    assert Change.objects.count() == before


@pytest.mark.parametrize("username", ["changemanager", "cabmember"])
def test_should_answer_every_link_on_the_changes_landing_page(settings, client, username):
    import re

    settings.DEBUG = True
    call_command("seed_demo")
    assert client.login(username=username, password="civicdesk-demo")
    page = client.get("/changes/").content.decode()
    links = set(re.findall(r'href="(/[^"#?]*)', page))
    assert "/changes/cab/" in links and "/changes/calendar/" in links
    for link in sorted(links):
        if link.startswith(("/static/", "/admin/")):
            continue
        assert client.get(link, follow=True).status_code == 200, link
    meeting = CabMeeting.objects.get()
    assert client.get(meeting.get_absolute_url()).status_code == 200
