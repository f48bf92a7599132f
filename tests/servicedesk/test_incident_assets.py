"""Calls linked to the equipment they concern: only the call's organisation's, only visible."""

import pytest
from django.test import Client

from assets.models import Asset
from core.audit import history_of
from core.exceptions import ActionForbidden, InvalidInput
from servicedesk import actions
from servicedesk.models import Incident

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-staple"


def client_for(person) -> Client:
    client = Client()
    assert client.login(username=person.username, password=PASSWORD)
    return client


@pytest.fixture
def kit(desk):
    """A laptop and a printer in the north, a laptop in the east."""
    desk.laptop_north = Asset.objects.create(
        organisation=desk.north, asset_tag="NCC-0001", hostname="ncc-lt-01", model_name="T14"
    )
    desk.printer_north = Asset.objects.create(organisation=desk.north, asset_tag="NCC-0002")
    desk.laptop_east = Asset.objects.create(organisation=desk.east, asset_tag="EDC-0001")
    return desk


def phone_call(**extra) -> dict:
    return {
        "channel": "phone",
        "service": extra.pop("service"),
        "short_description": "Laptop will not boot",
        "impact": 3,
        "urgency": 2,
        **extra,
    }


def test_should_link_assets_named_by_tag_or_host_name_on_the_phone_form(kit):
    response = client_for(kit.agent).post(
        "/desk/calls/new/",
        phone_call(
            caller=kit.requester_north.username,
            service=kit.email.pk,
            assets="ncc-0002, NCC-LT-01",
        ),
    )
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert set(incident.assets.all()) == {kit.laptop_north, kit.printer_north}
    assert set(kit.laptop_north.incidents.all()) == {incident}
    assert history_of(incident).get().after["assets"] == ["NCC-0001", "NCC-0002"]


def test_should_refuse_on_the_phone_form_an_asset_of_another_organisation(kit):
    response = client_for(kit.agent).post(
        "/desk/calls/new/",
        phone_call(caller=kit.requester_north.username, service=kit.email.pk, assets="EDC-0001"),
    )
    assert response.status_code == 200
    assert "No asset of the caller" in response.content.decode()
    assert not Incident.objects.exists()


def test_should_refuse_in_the_action_assets_of_another_organisation_or_out_of_sight(kit, log_call):
    incident = log_call()
    with pytest.raises(InvalidInput, match="another organisation"):
        actions.do_link_incident_assets(incident.pk, actor=kit.agent, assets=[kit.laptop_east])
    east_call = log_call(caller=kit.requester_east)
    with pytest.raises(ActionForbidden):
        actions.do_link_incident_assets(
            east_call.pk, actor=kit.agent_east, assets=[kit.laptop_north]
        )
    with pytest.raises(ActionForbidden):
        actions.do_link_incident_assets(
            incident.pk, actor=kit.requester_north, assets=[kit.laptop_north]
        )
    assert not incident.assets.exists() and not east_call.assets.exists()


def test_should_link_assets_from_the_call_page_and_show_them_with_links(kit, log_call):
    incident = log_call()
    agent = client_for(kit.agent)
    agent.post(
        f"/calls/{incident.pk}/assets/",
        {"version": incident.version, "assets": "NCC-0001"},
    )
    incident = Incident.objects.get(pk=incident.pk)
    assert list(incident.assets.all()) == [kit.laptop_north]
    assert history_of(incident).first().verb == "incident.assets_linked"
    page = agent.get(incident.get_absolute_url()).content.decode()
    assert f'href="{kit.laptop_north.get_absolute_url()}">NCC-0001</a>' in page
    # A stale page cannot overwrite the list; an unknown name changes nothing.
    response = agent.post(
        f"/calls/{incident.pk}/assets/",
        {"version": incident.version - 1, "assets": ""},
        follow=True,
    )
    assert "changed by someone else" in response.content.decode()
    response = agent.post(
        f"/calls/{incident.pk}/assets/",
        {"version": incident.version, "assets": "NCC-9999"},
        follow=True,
    )
    assert "NCC-9999" in response.content.decode()
    assert list(Incident.objects.get(pk=incident.pk).assets.all()) == [kit.laptop_north]
