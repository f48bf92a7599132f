"""The service desk's part of the demo seed, its bulk call seeding and its landing pages."""

import re

import pytest
from django.core.management import call_command

from core.management.commands import seed_demo
from servicedesk.models import Comment, Incident, Service

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings, monkeypatch):
    """Core's demo plus only this app's seeder (other apps seed and are tested on their own)."""
    import servicedesk.demo

    settings.DEBUG = True
    monkeypatch.setattr(seed_demo, "app_seeders", lambda: [servicedesk.demo])
    call_command("seed_demo")


def test_should_seed_a_catalogue_and_sample_calls_once(demo):
    assert Service.objects.filter(standards__audience="vip").exists()
    calls = Incident.objects.count()
    assert calls == 3
    assert Incident.objects.filter(resolved_first_contact=True).count() == 1
    call_command("seed_demo")
    assert Incident.objects.count() == calls


def test_should_bulk_seed_calls_in_every_state_with_comments_and_audit(demo):
    call_command("seed_demo", calls=600)
    assert Incident.objects.count() == 603
    states = set(Incident.objects.values_list("status", flat=True))
    assert {"closed", "resolved", "in_progress", "new"} <= states
    assert len(set(Incident.objects.values_list("organisation", flat=True))) == 2
    assert Comment.objects.count() > 100


@pytest.mark.parametrize("username", ["agent", "teamlead", "requester", "requester2"])
def test_should_answer_200_for_every_link_on_the_desk_and_portal(demo, client, username):
    client.login(username=username, password="civicdesk-demo")
    landing = client.get("/", follow=True)
    assert landing.status_code == 200
    page = landing.content.decode()
    for link in sorted(set(re.findall(r'href="(/[^"#?]*)', page))):
        if link.startswith(("/static/", "/admin/")):
            continue
        assert client.get(link, follow=True).status_code == 200, link
