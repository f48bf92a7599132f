"""The demo seed, and each role's landing page and navigation."""

import pytest
from django.core.management import CommandError, call_command

from core.models import AuditEvent, Department, Organisation, Site, Team, User
from core.roles import Role

DEMO_LANDINGS = {
    "admin": "/settings/organisations/",
    "requester": "/portal/",
    "requester2": "/portal/",
    "approver": "/portal/",
    "agent": "/desk/",
    "agent2": "/desk/",
    "teamlead": "/desk/",
    "changemanager": "/changes/",
    "cabmember": "/changes/",
    "assetmanager": "/assets/",
    "manager": "/kpis/",
}


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    call_command("seed_demo")


def counts():
    return [m.objects.count() for m in (Organisation, Department, Site, Team, User, AuditEvent)]


def test_should_seed_two_councils_one_shared_desk_and_every_role(demo):
    assert Organisation.objects.count() == 2
    desk = Team.objects.get(name="Service Desk")
    assert set(desk.organisations.values_list("slug", flat=True)) == {"northshire", "eastvale"}
    assert set(Team.objects.values_list("kind", flat=True)) == {
        "service_desk",
        "second_line",
        "third_line",
        "supplier",
    }
    for role in Role:
        assert User.objects.filter(groups__name=role.value).exists(), role
    assert User.objects.get(username="requester2").organisation.slug == "eastvale"
    assert User.objects.get(username="agent2").teams.filter(name="Service Desk").exists()


def test_should_seed_the_standard_and_extended_calendars(demo):
    from core.models import BusinessCalendar

    standard = BusinessCalendar.objects.get(name="Standard hours")
    assert standard.describe_hours()[0] == ("Monday", "08:00–18:00")
    assert standard.describe_hours()[5] == ("Saturday", "closed")
    assert standard.holiday_region == "ENG"
    assert BusinessCalendar.objects.get(name="Extended hours").describe_hours()[4] == (
        "Friday",
        "07:00–19:00",
    )


def test_should_change_nothing_when_seeded_twice(demo, capsys):
    before = counts()
    call_command("seed_demo")
    assert counts() == before
    assert "civicdesk-demo" in capsys.readouterr().out


def test_should_refuse_to_seed_demo_users_when_debug_is_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_demo")
    assert not User.objects.exists()
    call_command("seed_demo", force=True)
    assert User.objects.filter(username="admin").exists()


@pytest.mark.parametrize("username,landing", sorted(DEMO_LANDINGS.items()))
def test_should_land_each_demo_login_on_its_page(demo, client, username, landing):
    assert client.login(username=username, password="civicdesk-demo")
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == landing
    assert response.status_code == 200
    person = User.objects.get(username=username)
    page = response.content.decode()
    assert person.get_full_name() in page
    if landing != "/settings/organisations/":
        assert str(person.organisation) in page
        for team in person.teams.all():
            assert team.name in page


def test_should_show_working_links_only(demo, client):
    """Every link on every landing page answers 200 for the person it is shown to."""
    import re

    for username, landing in DEMO_LANDINGS.items():
        client.login(username=username, password="civicdesk-demo")
        page = client.get(landing).content.decode()
        links = set(re.findall(r'href="(/[^"#?]*)', page)) - {"/static/"}
        for link in sorted(links):
            if link.startswith("/static/") or link.startswith("/admin/"):
                continue
            status = client.get(link, follow=True).status_code
            assert status == 200, f"{username}: {link} answered {status}"
        client.logout()


@pytest.mark.parametrize(
    "username,url",
    [
        ("requester", "/desk/"),
        ("requester", "/kpis/"),
        ("agent", "/changes/"),
        ("agent", "/assets/"),
        ("requester", "/settings/people/"),
        ("agent", "/settings/people/new/"),
        ("manager", "/changes/"),
    ],
)
def test_should_refuse_areas_a_role_may_not_use(demo, client, username, url):
    client.login(username=username, password="civicdesk-demo")
    assert client.get(url).status_code == 403


def test_should_send_anonymous_visitors_to_the_login_page(client, db):
    response = client.get("/desk/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_should_show_each_role_only_the_areas_it_may_use(demo, client):
    client.login(username="requester", password="civicdesk-demo")
    page = client.get("/portal/").content.decode()
    assert 'href="/portal/"' in page
    for area in ("/desk/", "/changes/", "/assets/", "/kpis/", "/settings/"):
        assert f'href="{area}' not in page, area
    client.login(username="admin", password="civicdesk-demo")
    page = client.get("/settings/organisations/").content.decode()
    for area in ("/desk/", "/changes/", "/assets/", "/kpis/", "/portal/", "/settings/people/"):
        assert f'href="{area}' in page, area
