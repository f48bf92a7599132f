"""The settings pages administrators use: lists, detail, create and edit through actions."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.models import AuditEvent, Organisation, Team, User


def post_form(client, url, data):
    return client.post(url, data, follow=True)


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.admin)
    return client


def test_should_create_an_organisation_from_the_form(admin_client):
    response = post_form(
        admin_client,
        reverse("core:organisation_create"),
        {
            "name": "Westmoor Borough Council",
            "slug": "westmoor",
            "kind": "council",
            "is_active": "on",
        },
    )
    organisation = Organisation.objects.get(slug="westmoor")
    assert response.redirect_chain[-1][0] == organisation.get_absolute_url()
    assert b"Westmoor Borough Council" in response.content
    assert AuditEvent.objects.filter(
        verb="organisation.created", object_id=str(organisation.pk)
    ).exists()


def test_should_show_a_clear_error_and_save_nothing_for_bad_input(admin_client):
    response = admin_client.post(
        reverse("core:organisation_create"),
        {"name": "Northshire County Council", "slug": "not a slug!", "kind": "council"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "already exists" in page
    assert "valid “slug”" in page or "valid slug" in page
    assert Organisation.objects.count() == 2


def test_should_tell_the_second_of_two_editors_their_page_is_stale(admin_client, world):
    url = reverse("core:organisation_edit", args=[world.north.pk])
    form = {
        "name": "Northshire",
        "slug": "north",
        "kind": "council",
        "is_active": "on",
        "version": world.north.version,
    }
    first = post_form(admin_client, url, form)
    assert first.redirect_chain  # saved
    second = admin_client.post(url, {**form, "name": "Northshire (second editor)"})
    assert second.status_code == 200
    assert "changed by someone else" in second.content.decode()
    assert Organisation.objects.get(pk=world.north.pk).name == "Northshire"


def test_should_create_a_team_with_members_and_served_organisations(admin_client, world):
    response = post_form(
        admin_client,
        reverse("core:team_create"),
        {
            "name": "Networks",
            "kind": "third_line",
            "lead": world.agent.pk,
            "members": [world.agent.pk, world.team_lead.pk],
            "organisations": [world.north.pk],
            "is_active": "on",
        },
    )
    team = Team.objects.get(name="Networks")
    assert response.redirect_chain[-1][0] == team.get_absolute_url()
    assert set(team.members.all()) == {world.agent, world.team_lead}
    assert list(team.organisations.all()) == [world.north]


def test_should_let_a_team_lead_add_a_member_from_the_team_page(client, world, make_person):
    newcomer = make_person("newcomer", [], world.north)
    client.force_login(world.team_lead)
    page = client.get(world.desk.get_absolute_url()).content.decode()
    assert "Add member" in page
    client.post(
        reverse("core:team_members", args=[world.desk.pk]), {"op": "add", "person": newcomer.pk}
    )
    assert world.desk.members.filter(pk=newcomer.pk).exists()


def test_should_not_let_an_agent_change_team_members(client, world, make_person):
    newcomer = make_person("newcomer", [], world.north)
    client.force_login(world.agent)
    assert "Add member" not in client.get(world.desk.get_absolute_url()).content.decode()
    response = client.post(
        reverse("core:team_members", args=[world.desk.pk]),
        {"op": "add", "person": newcomer.pk},
        follow=True,
    )
    assert "Only an administrator or the team lead" in response.content.decode()
    assert not world.desk.members.filter(pk=newcomer.pk).exists()


def test_should_register_a_person_with_roles_from_the_form(admin_client, world):
    post_form(
        admin_client,
        reverse("core:person_create"),
        {
            "username": "newstarter",
            "first_name": "New",
            "last_name": "Starter",
            "email": "new@north.gov.uk",
            "organisation": world.north.pk,
            "roles": ["Requester"],
            "password": "a-long-enough-passphrase",
            "is_active": "on",
        },
    )
    person = User.objects.get(username="newstarter")
    assert list(person.groups.values_list("name", flat=True)) == ["Requester"]
    assert person.check_password("a-long-enough-passphrase")


def test_should_show_password_rules_when_the_password_is_weak(admin_client, world):
    response = admin_client.post(
        reverse("core:person_create"),
        {"username": "weak", "organisation": world.north.pk, "password": "123", "is_active": "on"},
    )
    assert "too short" in response.content.decode()
    assert not User.objects.filter(username="weak").exists()


@pytest.mark.parametrize(
    "url_name", ["core:organisation_create", "core:team_create", "core:person_create"]
)
def test_should_refuse_create_pages_to_non_administrators(client, world, url_name):
    client.force_login(world.manager_north)
    assert client.get(reverse(url_name)).status_code == 403
    assert client.post(reverse(url_name), {"name": "x"}).status_code == 403


def test_should_refuse_edit_pages_to_non_administrators(client, world):
    client.force_login(world.agent)
    url = reverse("core:organisation_edit", args=[world.north.pk])
    assert (
        client.post(url, {"name": "Hijacked", "slug": "north", "kind": "council"}).status_code
        == 403
    )
    assert Organisation.objects.get(pk=world.north.pk).name == "Northshire County Council"


def test_should_filter_the_people_list_and_export_exactly_those_rows(admin_client, world):
    query = f"?organisation={world.east.pk}"
    page = admin_client.get("/settings/people/" + query).content.decode()
    assert "req_east" in page and "req_north" not in page
    export = admin_client.get("/settings/people/" + query + "&export=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Username", "Name", "Organisation")
    assert sorted(row[0] for row in rows[1:]) == ["agent_east", "req_east"]


def test_should_export_text_that_looks_like_a_formula_as_text(admin_client, world):
    world.requester_north.job_title = '=HYPERLINK("http://evil")'
    world.requester_north.save()
    export = admin_client.get("/settings/people/?q=req_north&export=xlsx")
    sheet = load_workbook(BytesIO(export.content)).active
    job_title = [row for row in sheet.iter_rows(min_row=2, values_only=True)][0][4]
    assert job_title.startswith("'=")


def test_should_show_the_audit_history_on_the_record_page(admin_client, world):
    from core import actions

    actions.do_update_organisation(
        world.north, actor=world.admin, expected_version=None, email_domain="north.gov.uk"
    )
    page = admin_client.get(world.north.get_absolute_url()).content.decode()
    assert "organisation.updated" in page and "north.gov.uk" in page


def test_should_list_calendars_with_hours_and_next_bank_holidays(admin_client, db):
    from django.core.management import call_command

    call_command("seed_demo", force=True)
    page = admin_client.get("/settings/calendars/").content.decode()
    assert "Standard hours" in page and "08:00–18:00" in page
    assert "Next bank holidays" in page


def test_should_mark_only_my_notifications_read(client, world):
    from core.models import Notification

    mine = Notification.objects.create(recipient=world.agent, title="Yours")
    theirs = Notification.objects.create(recipient=world.team_lead, title="Not yours")
    client.force_login(world.agent)
    page = client.get("/notifications/").content.decode()
    assert "Yours" in page and "Not yours" not in page
    client.post("/notifications/")
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None
    assert theirs.read_at is None


def test_should_refuse_an_unknown_membership_operation(admin_client, world):
    response = admin_client.post(
        reverse("core:team_members", args=[world.desk.pk]),
        {"op": "promote", "person": world.agent.pk},
    )
    assert response.status_code == 400
    assert world.desk.members.filter(pk=world.agent.pk).exists()
