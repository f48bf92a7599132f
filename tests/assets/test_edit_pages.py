"""Edit pages of licences, discovery ranges and SNMP credentials: action, audit, permission."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assets.actions.discovery import do_create_discovery_range, do_create_snmp_credential
from assets.actions.register import do_create_licence
from assets.models import DiscoveryRange, Licence, SnmpCredential, SoftwareProduct
from core.audit import history_of
from tests.conftest import PASSWORD


@pytest.fixture
def signed_in(client, asset_manager):
    """A browser session of the asset manager."""
    client.login(username=asset_manager.username, password=PASSWORD)
    return client


@pytest.fixture
def licence(world, asset_manager):
    """Ten Office licences of Northshire."""
    product = SoftwareProduct.objects.create(vendor="Microsoft", name="Office 2019")
    return do_create_licence(
        actor=asset_manager,
        organisation=world.north,
        values={"product": product, "kind": "per_device", "entitlements": 10, "reference": "L-1"},
    )


@pytest.fixture
def v3_credential(world, asset_manager):
    """A v3 credential with both keys stored."""
    return do_create_snmp_credential(
        actor=asset_manager,
        organisation=world.north,
        name="core",
        version="v3",
        v3_user="discovery",
        auth_key="auth-secret-1",
        priv_key="priv-secret-2",
    )


def test_should_edit_a_licence_through_its_action_with_audit(licence, signed_in, world):
    url = reverse("assets:licence_edit", args=[licence.pk])
    assert url in signed_in.get(reverse("assets:licence_list")).content.decode()
    form = signed_in.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update({"entitlements": 25, "reference": "L-1b"})
    response = signed_in.post(url, data)
    assert response.status_code == 302
    licence = Licence.objects.get(pk=licence.pk)
    assert (licence.entitlements, licence.reference, licence.version) == (25, "L-1b", 2)
    event = history_of(licence).get(verb="licence.updated")
    assert event.before == {"entitlements": 10, "reference": "L-1"}
    assert event.actor.username == "assets_north"


def test_should_refuse_a_licence_edit_from_a_stale_page(licence, signed_in):
    url = reverse("assets:licence_edit", args=[licence.pk])
    form = signed_in.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    Licence.objects.filter(pk=licence.pk).update(version=5)
    response = signed_in.post(url, data | {"entitlements": 99})
    assert response.status_code == 200 and "changed by someone else" in response.content.decode()
    assert Licence.objects.get(pk=licence.pk).entitlements == 10


def test_should_refuse_edit_pages_to_people_without_the_right(
    licence, v3_credential, world, client
):
    client.login(username=world.agent.username, password=PASSWORD)  # may view licences only
    assert client.get(reverse("assets:licence_edit", args=[licence.pk])).status_code == 403
    assert client.get(reverse("assets:credential_edit", args=[v3_credential.pk])).status_code == 403
    client.login(username=world.agent_east.username, password=PASSWORD)
    assert client.get(reverse("assets:licence_edit", args=[licence.pk])).status_code in (403, 404)


def test_should_keep_a_stored_secret_when_left_blank_and_reencrypt_a_new_one(
    v3_credential, signed_in
):
    url = reverse("assets:credential_edit", args=[v3_credential.pk])
    page = signed_in.get(url)
    html = page.content.decode()
    stored = SnmpCredential.objects.get(pk=v3_credential.pk)
    for secret in ("auth-secret-1", "priv-secret-2", stored.auth_key_encrypted):
        assert secret not in html
    assert "leave blank to keep it" in html
    base = {
        "name": "core switches",
        "snmp_version": "v3",
        "v3_user": "discovery",
        "auth_protocol": "SHA256",
        "priv_protocol": "AES",
        "version": stored.version,
    }
    response = signed_in.post(url, base | {"auth_key": "", "priv_key": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    kept = SnmpCredential.objects.get(pk=v3_credential.pk)
    assert kept.name == "core switches"
    assert kept.auth_key_encrypted == stored.auth_key_encrypted
    assert kept.as_plain()["priv_key"] == "priv-secret-2"

    response = signed_in.post(url, base | {"auth_key": "new-auth-secret", "version": kept.version})
    assert response.status_code == 302
    changed = SnmpCredential.objects.get(pk=v3_credential.pk)
    assert changed.as_plain()["auth_key"] == "new-auth-secret"
    assert "new-auth-secret" not in changed.auth_key_encrypted
    assert changed.as_plain()["priv_key"] == "priv-secret-2"
    assert changed.version > kept.version
    events = list(history_of(changed).values_list("verb", "after"))
    assert ("snmp_credential.secret_replaced", {"replaced": ["auth_key"]}) in events
    assert "new-auth-secret" not in str(events) and "auth-secret-1" not in str(events)


def test_should_refuse_switching_to_v2c_without_a_community(v3_credential, signed_in):
    url = reverse("assets:credential_edit", args=[v3_credential.pk])
    response = signed_in.post(
        url,
        {"name": "core", "snmp_version": "v2c", "auth_protocol": "SHA256", "priv_protocol": "AES"},
    )
    assert response.status_code == 200 and "needs a community" in response.content.decode()
    assert SnmpCredential.objects.get(pk=v3_credential.pk).snmp_version == "v3"


def test_should_edit_a_range_and_its_credentials(world, asset_manager, v3_credential, signed_in):
    discovery_range = do_create_discovery_range(
        actor=asset_manager,
        organisation=world.north,
        values={"name": "Hall", "cidr": "10.1.0.0/24"},
    )
    url = reverse("assets:range_edit", args=[discovery_range.pk])
    detail = signed_in.get(discovery_range.get_absolute_url())
    assert detail.status_code == 200 and url in detail.content.decode()
    form = signed_in.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(
        {
            "cidr": "10.1.0.0/23",
            "credentials": [v3_credential.pk],
            "missed_runs_threshold": 5,
            "exclusions": "",
        }
    )
    data["run_at"] = "01:30"
    response = signed_in.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    changed = DiscoveryRange.objects.get(pk=discovery_range.pk)
    assert (changed.cidr, changed.missed_runs_threshold) == ("10.1.0.0/23", 5)
    assert list(changed.credentials.all()) == [v3_credential]
    event = history_of(changed).get(verb="discovery_range.updated")
    assert event.after["cidr"] == "10.1.0.0/23"
