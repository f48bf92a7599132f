"""Post-implementation reviews link the incidents a change caused, by reference."""

import pytest
from django.utils import timezone

from changes import actions, queries
from changes.models import Change
from core.audit import history_of
from core.exceptions import InvalidInput
from core.models import Organisation
from servicedesk.models import Incident
from tests.changes.conftest import reload

pytestmark = pytest.mark.django_db


@pytest.fixture
def incidents(cab, world):
    """A north incident on Email, and one of a council no CAB person serves."""

    def log(organisation, caller, text):
        return Incident.objects.create(
            organisation=organisation,
            caller=caller,
            logged_by=caller,
            service=cab.email,
            short_description=text,
            opened_at=timezone.now(),
        )

    west = Organisation.objects.create(name="Westmoor Parish Council", slug="west")
    return {
        "north": log(world.north, world.requester_north, "Mail bouncing after the patch"),
        "west": log(west, world.admin, "West outage"),
    }


def review(change, actor, incidents_caused, **extra):
    return actions.do_record_review(
        change,
        actor=actor,
        expected_version=None,
        outcome=extra.pop("outcome", "partial"),
        incidents_caused=incidents_caused,
        lessons=extra.pop("lessons", "Warn the desk first."),
    )


def test_should_link_the_incidents_named_by_reference(cab, make_change, advance, incidents):
    north = incidents["north"]
    change = advance(make_change(), "implemented")
    change = review(change, cab.manager, f"{north.reference.lower()}, {north.pk}")
    assert change.status == "reviewed"
    assert list(reload(change).review.incidents_caused.all()) == [north]
    event = history_of(change.review).get(verb="change.review_recorded")
    assert str(north) in str(event.after["incidents_caused"])


@pytest.mark.parametrize(
    "reference,message",
    [
        ("INC0999999", "There is no incident INC0999999 that you may see."),
        ("banana", "“banana” is not an incident reference"),
    ],
)
def test_should_refuse_unknown_references_and_change_nothing(
    cab, make_change, advance, incidents, reference, message
):
    change = advance(make_change(), "implemented")
    with pytest.raises(InvalidInput, match=message) as refused:
        review(change, cab.manager, [incidents["north"].reference, reference])
    assert refused.value.field == "incidents_caused"
    change = reload(change)
    assert change.status == "implemented" and not hasattr(change, "review")


def test_should_refuse_an_incident_the_reviewer_may_not_see_like_an_unknown_one(
    cab, make_change, advance, incidents
):
    west = incidents["west"]
    change = advance(make_change(), "implemented")
    with pytest.raises(InvalidInput, match=f"There is no incident {west.reference} that you"):
        review(change, cab.manager, west.reference)
    assert reload(change).status == "implemented"


def test_should_show_a_refused_reference_on_the_review_form(
    client, cab, make_change, advance, incidents
):
    change = advance(make_change(), "implemented")
    client.force_login(cab.manager)
    page = client.post(
        f"/changes/requests/{change.pk}/review/",
        {"outcome": "successful", "incidents_caused": "INC0999999", "lessons": ""},
    )
    assert page.status_code == 200
    assert "There is no incident INC0999999 that you may see." in page.content.decode()
    assert reload(change).status == "implemented"


def test_should_link_the_review_to_the_incident_pages(client, cab, make_change, advance, incidents):
    north = incidents["north"]
    change = advance(make_change(), "implemented")
    client.force_login(cab.manager)
    response = client.post(
        f"/changes/requests/{change.pk}/review/",
        {"outcome": "partial", "incidents_caused": north.reference, "lessons": "x"},
    )
    assert response.status_code == 302
    page = client.get(change.get_absolute_url()).content.decode()
    assert f'href="{north.get_absolute_url()}"' in page and north.reference in page


def test_should_count_only_changes_whose_review_names_an_incident(
    cab, make_change, advance, incidents
):
    caused = advance(make_change(title="Broke mail"), "implemented")
    review(caused, cab.manager, incidents["north"].reference)
    clean = advance(make_change(title="Went fine"), "implemented")
    review(clean, cab.manager, "", outcome="successful")
    advance(make_change(title="Not reviewed"), "implemented")
    assert list(queries.changes_that_caused_incidents()) == [reload(caused)]
    north_only = Change.objects.filter(organisation=cab.world.north)
    assert queries.changes_that_caused_incidents(north_only).count() == 1
