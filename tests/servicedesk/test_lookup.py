"""The caller look-up of the phone form: partial matches, at most ten, never out of scope."""

import pytest
from django.test import Client

from core.roles import Role
from servicedesk.models import Incident

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-staple"
LOOKUP = "/desk/people/lookup/"


def client_for(person) -> Client:
    client = Client()
    assert client.login(username=person.username, password=PASSWORD)
    return client


@pytest.fixture
def callers(desk, make_person):
    """Named people in both councils."""
    desk.jo = make_person(
        "jsmith",
        [Role.REQUESTER],
        desk.north,
        first_name="Jo",
        last_name="Smith",
        phone="01632 960 123",
    )
    desk.joan = make_person(
        "jsmythe", [Role.REQUESTER], desk.east, first_name="Joan", last_name="Smythe"
    )
    return desk


def matches(client, text: str) -> str:
    return client.get(LOOKUP, {"caller": text}).content.decode()


@pytest.mark.parametrize("text", ["smi", "Jo Smi", "jsmi", "jsmith@example", "960123", "960-123"])
def test_should_find_a_caller_by_part_of_their_name_username_email_or_phone(callers, text):
    page = matches(client_for(callers.agent), text)
    assert 'data-caller="jsmith"' in page


def test_should_need_every_word_to_match_and_two_characters_at_least(callers):
    agent = client_for(callers.agent)
    assert 'data-caller="jsmith"' not in matches(agent, "Jo Smythe")
    assert 'data-caller="jsmythe"' in matches(agent, "Jo Smythe")
    assert "data-caller" not in matches(agent, "j")


def test_should_never_offer_people_outside_the_agents_scope(callers):
    east_agent = client_for(callers.agent_east)
    page = matches(east_agent, "sm")
    assert 'data-caller="jsmythe"' in page  # east serves the east council
    assert 'data-caller="jsmith"' not in page  # but not the north one
    assert "Nobody you serve matches" in matches(east_agent, "Jo Smith")


def test_should_offer_at_most_ten_matches(callers, make_person):
    for n in range(12):
        make_person(f"clone{n:02}", [Role.REQUESTER], callers.north, last_name="Clone")
    assert matches(client_for(callers.agent), "clone").count("data-caller=") == 10


def test_should_refuse_the_lookup_to_requesters(callers):
    assert client_for(callers.requester_north).get(LOOKUP, {"caller": "smi"}).status_code == 403


def test_should_refuse_logging_for_a_caller_outside_scope_even_if_typed(callers):
    response = client_for(callers.agent_east).post(
        "/desk/calls/new/",
        {
            "caller": "jsmith",
            "channel": "phone",
            "service": callers.email.pk,
            "short_description": "Printer jam",
            "impact": 3,
            "urgency": 2,
        },
    )
    assert response.status_code == 200
    assert "Nobody you serve is known as" in response.content.decode()
    assert not Incident.objects.exists()


def test_should_wire_the_phone_form_to_the_lookup(callers):
    page = client_for(callers.agent).get("/desk/calls/new/").content.decode()
    assert f'hx-get="{LOOKUP}"' in page and 'id="caller-matches"' in page
    assert "caller_lookup.js" in page
