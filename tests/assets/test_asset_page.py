"""The asset page: related calls through the calls' own visibility; the Manager role reads."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from assets.actions.register import do_create_asset
from core.roles import Role
from servicedesk.models import Incident, Service
from tests.conftest import PASSWORD


@pytest.fixture
def switch(world, asset_manager):
    """A Northshire switch that calls are logged about."""
    return do_create_asset(
        actor=asset_manager,
        organisation=world.north,
        values={"asset_tag": "N-SW-01", "category": "switch", "hostname": "core-sw"},
    )


def make_call(world, organisation, caller, summary, opened, assets):
    """A call about `assets` (test set-up: written directly, not through the desk)."""
    service, _ = Service.objects.get_or_create(name="Network", defaults={"owner_team": world.desk})
    incident = Incident.objects.create(
        organisation=organisation,
        caller=caller,
        logged_by=caller,
        service=service,
        short_description=summary,
        opened_at=opened,
    )
    incident.assets.set(assets)
    return incident


@pytest.mark.django_db
def test_should_show_newest_related_calls_the_viewer_may_see_with_a_link_to_all(
    world, make_person, switch, client
):
    viewer = make_person("assets_solo", [Role.ASSET_MANAGER], world.north)  # serves no team
    now = timezone.now()
    calls = [
        make_call(
            world,
            world.north,
            world.requester_north,
            f"Switch fault {n}",
            now - dt.timedelta(days=n),
            [switch],
        )
        for n in range(12)
    ]
    hidden = make_call(
        world, world.east, world.requester_east, "East call", now + dt.timedelta(hours=1), [switch]
    )
    make_call(world, world.north, world.requester_north, "Other kit", now, [])

    client.login(username=viewer.username, password=PASSWORD)
    page = client.get(switch.get_absolute_url())
    assert page.status_code == 200
    assert page.context["incident_count"] == 12
    shown = list(page.context["incidents"])
    assert [c.pk for c in shown] == [c.pk for c in calls[:10]]  # newest first, ten of them
    html = page.content.decode()
    assert calls[0].reference in html and calls[0].get_status_display() in html
    assert hidden.reference not in html and "Other kit" not in html
    everything_url = reverse("assets:asset_incidents", args=[switch.pk])
    assert everything_url in html

    listing = client.get(everything_url)
    assert listing.status_code == 200
    listed = [row.record.pk for row in listing.context["table"].paginated_rows]
    assert listed == [c.pk for c in calls]
    assert hidden.pk not in listed


@pytest.mark.django_db
def test_should_not_link_to_all_calls_when_every_one_is_shown(world, switch, asset_manager, client):
    make_call(world, world.north, world.requester_north, "Blinking", timezone.now(), [switch])
    client.login(username=asset_manager.username, password=PASSWORD)
    html = client.get(switch.get_absolute_url()).content.decode()
    assert "Blinking" in html
    assert reverse("assets:asset_incidents", args=[switch.pk]) not in html


@pytest.mark.django_db
def test_should_refuse_the_calls_of_an_asset_the_viewer_may_not_see(world, switch, client):
    client.login(username=world.agent_east.username, password=PASSWORD)
    response = client.get(reverse("assets:asset_incidents", args=[switch.pk]))
    assert response.status_code == 404


@pytest.mark.django_db
def test_should_let_the_head_of_ict_read_the_register_but_not_change_it(world, switch, client):
    from assets.actions.register import do_update_asset
    from core.exceptions import ActionForbidden

    head = world.manager_north
    for permission in ("core.use_assets", "assets.view_asset", "assets.view_softwareinstallation"):
        assert head.has_perm(permission)
    client.login(username=head.username, password=PASSWORD)
    assert client.get(reverse("assets:home")).status_code == 200
    assert client.get(reverse("assets:asset_list")).status_code == 200
    assert client.get(switch.get_absolute_url()).status_code == 200
    assert client.get(reverse("assets:compliance")).status_code == 200
    assert client.get(reverse("assets:asset_edit", args=[switch.pk])).status_code == 403
    assert client.get(reverse("assets:credential_list")).status_code == 403
    with pytest.raises(ActionForbidden):
        do_update_asset(actor=head, asset_id=switch.pk, values={"hostname": "x"})
