"""Catalogue administration: who may change it, and the refusals that keep it consistent."""

from decimal import Decimal

import pytest
from django.test import Client

from core.audit import history_of
from core.exceptions import ActionForbidden, InvalidInput, StaleRecord
from core.models import AuditEvent
from servicedesk.actions import catalogue
from servicedesk.models import Category, PriorityRule, Service, ServiceStandard
from servicedesk.models.catalogue import priority_for

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-staple"

PAGES = [
    "/desk/catalogue/services/",
    "/desk/catalogue/services/new/",
    "/desk/catalogue/standards/",
    "/desk/catalogue/standards/new/",
    "/desk/catalogue/categories/",
    "/desk/catalogue/categories/new/",
    "/desk/catalogue/priority-matrix/",
]


def client_for(person) -> Client:
    client = Client()
    assert client.login(username=person.username, password=PASSWORD)
    return client


@pytest.mark.parametrize("who", ["requester_north", "agent", "team_lead"])
def test_should_refuse_the_catalogue_pages_to_people_without_the_rights(desk, who):
    client = client_for(getattr(desk, who))
    for url in PAGES:
        assert client.get(url).status_code == 403, url
    assert client.get(desk.email.get_absolute_url()).status_code == 403
    response = client.post("/desk/catalogue/services/new/", {"name": "Sneaky"})
    assert response.status_code == 403 and not Service.objects.filter(name="Sneaky").exists()
    with pytest.raises(ActionForbidden):
        catalogue.do_save_service(None, actor=getattr(desk, who), name="X", owner_team=desk.desk)


@pytest.mark.parametrize("who", ["manager_north", "admin"])
def test_should_open_every_catalogue_page_to_managers_and_administrators(desk, who):
    client = client_for(getattr(desk, who))
    for url in PAGES:
        assert client.get(url).status_code == 200, url
    listing = client.get("/desk/catalogue/services/").content.decode()
    assert "Email" in listing and "Telephony" in listing
    assert "Priority matrix" in client.get("/desk/").content.decode()


def test_should_create_and_edit_a_service_through_the_action_with_audit(desk):
    client = client_for(desk.manager_north)
    response = client.post(
        "/desk/catalogue/services/new/",
        {
            "name": "Payroll",
            "description": "The payroll system",
            "owner_team": desk.desk.pk,
            "availability_target": "99.5",
            "is_active": "on",
        },
    )
    assert response.status_code == 302 and response.url == "/desk/catalogue/services/"
    payroll = Service.objects.get(name="Payroll")
    assert payroll.availability_target == Decimal("99.5")
    assert history_of(payroll).get().verb == "service.created"
    response = client.post(
        payroll.get_absolute_url(),
        {
            "name": "Payroll",
            "owner_team": desk.desk.pk,
            "availability_target": "101",
            "is_active": "on",
            "version": payroll.version,
        },
    )
    assert "at most 100" in response.content.decode()
    assert Service.objects.get(pk=payroll.pk).availability_target == Decimal("99.5")


def test_should_refuse_a_stale_service_edit(desk):
    catalogue.do_save_service(
        desk.email,
        actor=desk.admin,
        expected_version=desk.email.version,
        name="Email",
        owner_team=desk.desk,
        availability_target=Decimal("99.9"),
    )
    with pytest.raises(StaleRecord):
        catalogue.do_save_service(
            desk.email,
            actor=desk.manager_north,
            expected_version=desk.email.version,
            name="E-mail",
            owner_team=desk.desk,
        )
    assert Service.objects.get(pk=desk.email.pk).name == "Email"


def test_should_refuse_a_second_standard_for_the_same_priority_and_audience(desk):
    client = client_for(desk.manager_north)
    response = client.post(
        "/desk/catalogue/standards/new/",
        {
            "service": desk.email.pk,
            "priority": 3,
            "audience": "vip",
            "response_minutes": 5,
            "resolution_minutes": 60,
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "already has a standard for that priority and audience" in page
    assert ServiceStandard.objects.filter(service=desk.email).count() == 2
    # The same priority for the other audience of another service is fine.
    client.post(
        "/desk/catalogue/standards/new/",
        {
            "service": desk.phones.pk,
            "priority": 3,
            "audience": "vip",
            "response_minutes": 5,
            "resolution_minutes": 60,
        },
    )
    standard = ServiceStandard.objects.get(service=desk.phones)
    assert (standard.response_minutes, standard.resolution_minutes) == (5, 60)


def test_should_name_the_clashing_standard_when_the_action_refuses_a_duplicate(desk):
    with pytest.raises(InvalidInput, match="Email already has a P3 Moderate standard for cou"):
        catalogue.do_save_service_standard(
            None,
            actor=desk.admin,
            service=desk.email,
            priority=3,
            audience="vip",
            response_minutes=5,
            resolution_minutes=60,
        )


def test_should_refuse_a_resolution_target_shorter_than_the_response_target(desk):
    with pytest.raises(InvalidInput, match="cannot be shorter than the response"):
        catalogue.do_save_service_standard(
            None,
            actor=desk.manager_north,
            service=desk.phones,
            priority=1,
            audience="",
            response_minutes=60,
            resolution_minutes=30,
        )
    assert not ServiceStandard.objects.filter(service=desk.phones).exists()


def test_should_refuse_a_category_that_would_become_its_own_ancestor(desk):
    # Hardware › Laptop; putting Hardware under Laptop would make a loop.
    client = client_for(desk.manager_north)
    response = client.post(
        desk.hardware.get_absolute_url(),
        {
            "name": "Hardware",
            "parent": desk.laptop.pk,
            "is_active": "on",
            "version": desk.hardware.version,
        },
    )
    assert response.status_code == 200
    assert "would become its own ancestor" in response.content.decode()
    assert Category.objects.get(pk=desk.hardware.pk).parent is None
    with pytest.raises(InvalidInput, match="its own ancestor"):
        catalogue.do_save_category(
            desk.laptop, actor=desk.manager_north, name="Laptop", parent=desk.laptop
        )


def test_should_move_a_category_and_refuse_a_duplicate_name_in_its_parent(desk):
    moved = catalogue.do_save_category(
        desk.outlook,
        actor=desk.manager_north,
        expected_version=desk.outlook.version,
        name="Outlook",
        parent=desk.hardware,
        service=desk.email,
    )
    assert moved.parent == desk.hardware and moved.version == desk.outlook.version + 1
    assert history_of(moved).first().verb == "category.updated"
    with pytest.raises(InvalidInput, match="already a category laptop under Hardware"):
        catalogue.do_save_category(
            None, actor=desk.manager_north, name="laptop", parent=desk.hardware
        )


def test_should_refuse_deactivating_a_category_with_active_children(desk):
    with pytest.raises(InvalidInput, match="1 active sub-category"):
        catalogue.do_save_category(
            desk.hardware, actor=desk.manager_north, name="Hardware", is_active=False
        )
    assert Category.objects.get(pk=desk.hardware.pk).is_active


def grid(matrix: dict, loaded: str) -> dict:
    data = {f"cell_{i}_{u}": p for (i, u), p in matrix.items()}
    data["loaded"] = loaded
    return data


def test_should_save_the_priority_matrix_as_one_grid_with_audit(desk):
    client = client_for(desk.manager_north)
    page = client.get("/desk/catalogue/priority-matrix/")
    loaded = page.context["form"]["loaded"].value()
    matrix = catalogue.current_matrix()
    matrix[(2, 2)] = 2  # medium × medium becomes P2
    response = client.post("/desk/catalogue/priority-matrix/", grid(matrix, loaded))
    assert response.status_code == 302
    assert priority_for(2, 2) == 2 and priority_for(1, 1) == 1
    event = AuditEvent.objects.get(verb="priority_rule.changed")
    assert event.before == {"priority": 3} and event.after == {"priority": 2}
    assert event.actor == desk.manager_north
    # The page loaded before that change is now stale: nothing is saved from it.
    matrix[(1, 3)] = 2
    stale = client.post("/desk/catalogue/priority-matrix/", grid(matrix, loaded))
    assert "changed by someone else" in stale.content.decode()
    assert priority_for(1, 3) == 3


def test_should_refuse_a_matrix_where_higher_impact_gets_a_lower_priority(desk):
    matrix = catalogue.current_matrix()
    matrix[(1, 1)] = 4
    with pytest.raises(InvalidInput, match="cannot have a lower priority"):
        catalogue.do_set_priority_matrix(actor=desk.admin, matrix=matrix)
    assert PriorityRule.objects.get(impact=1, urgency=1).priority == 1
    with pytest.raises(ActionForbidden):
        catalogue.do_set_priority_matrix(actor=desk.team_lead, matrix=catalogue.current_matrix())
