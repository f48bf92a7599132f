"""Data migrations of change management, run on real historical schemas."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE_LINKS = ("changes", "0003_affected_services_and_assets")
LINKED = ("changes", "0004_link_affected_items")


def migrate_to(target):
    """Migrate change management to `target`; return the app registry the database now has.

    Other apps stay at their latest migrations, so their models come from those too.
    """
    MigrationExecutor(connection).migrate([target])
    loader = MigrationExecutor(connection).loader
    return loader.project_state(list(loader.applied_migrations)).apps


@pytest.fixture
def at_migration():
    """Migrate as the test asks, and back to the latest schema afterwards."""
    yield migrate_to
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_should_link_named_items_to_services_and_assets_and_keep_the_rest(at_migration):
    apps = at_migration(BEFORE_LINKS)
    Organisation = apps.get_model("core", "Organisation")
    north = Organisation.objects.create(name="Northshire", slug="north")
    east = Organisation.objects.create(name="Eastvale", slug="east")
    team = apps.get_model("core", "Team").objects.create(name="Infra")
    person = apps.get_model("core", "User").objects.create(username="carl", organisation=north)
    email = apps.get_model("servicedesk", "Service").objects.create(name="Email", owner_team=team)
    Asset = apps.get_model("assets", "Asset")
    hall = apps.get_model("core", "Site").objects.create(organisation=north, name="County Hall")
    switch = Asset.objects.create(organisation=north, asset_tag="SW-01", site=hall)
    Asset.objects.create(organisation=east, asset_tag="SW-02")
    Item = apps.get_model("changes", "AffectedItem")
    items = {
        name: Item.objects.create(organisation=north, kind=kind, name=name)
        for kind, name in [
            ("service", "email"),  # case differs from the catalogue
            ("asset", "SW-01"),
            ("asset", "SW-02"),  # exists, but in another organisation
            ("site", "County Hall"),
            ("service", "Carrier pigeons"),
        ]
    }
    Change = apps.get_model("changes", "Change")
    change = Change.objects.create(
        title="Patch", description="Apply it.", reason="r", organisation=north, requester=person
    )
    change.affected_items.set(items.values())
    Window = apps.get_model("changes", "MaintenanceWindow")
    windows = {
        name: Window.objects.create(
            organisation=north,
            name=name,
            weekday=0,
            starts="18:00",
            ends="22:00",
            affected_item=items[name],
        )
        for name in ("email", "County Hall", "SW-01", "Carrier pigeons")
    }

    apps = at_migration(LINKED)
    change = apps.get_model("changes", "Change").objects.get(pk=change.pk)
    assert [s.pk for s in change.affected_services.all()] == [email.pk]
    assert [a.pk for a in change.affected_assets.all()] == [switch.pk]
    assert "Asset: SW-02" in change.description
    assert "Site: County Hall" in change.description
    assert "Service: Carrier pigeons" in change.description
    assert change.description.startswith("Apply it.")
    Window = apps.get_model("changes", "MaintenanceWindow")
    assert Window.objects.get(pk=windows["email"].pk).service_id == email.pk
    assert Window.objects.get(pk=windows["County Hall"].pk).site_id == hall.pk
    assert Window.objects.get(pk=windows["SW-01"].pk).site_id == hall.pk
    unmatched = Window.objects.get(pk=windows["Carrier pigeons"].pk)
    assert not unmatched.is_active and unmatched.service_id is None and unmatched.site_id is None


def test_should_turn_review_incident_references_into_links(at_migration):
    apps = at_migration(("changes", "0005_drop_affected_item"))
    north = apps.get_model("core", "Organisation").objects.create(name="North", slug="north")
    person = apps.get_model("core", "User").objects.create(username="carl", organisation=north)
    team = apps.get_model("core", "Team").objects.create(name="Infra")
    email = apps.get_model("servicedesk", "Service").objects.create(name="Email", owner_team=team)
    incident = apps.get_model("servicedesk", "Incident").objects.create(
        organisation=north,
        caller=person,
        logged_by=person,
        service=email,
        short_description="Bounces",
        opened_at="2026-12-07T20:00Z",
    )
    change = apps.get_model("changes", "Change").objects.create(
        title="Patch", description="d", reason="r", organisation=north, requester=person
    )
    Review = apps.get_model("changes", "PostImplementationReview")
    review = Review.objects.create(
        change=change,
        outcome="partial",
        reviewed_by=person,
        lessons="Start earlier.",
        incidents_caused=f"INC{incident.pk:07d}, INC0999999\nsee desk",
    )

    apps = at_migration(("changes", "0007_drop_review_incident_text"))
    review = apps.get_model("changes", "PostImplementationReview").objects.get(pk=review.pk)
    assert [i.pk for i in review.incidents_caused.all()] == [incident.pk]
    assert review.lessons.startswith("Start earlier.")
    assert "INC0999999, see, desk" in review.lessons
