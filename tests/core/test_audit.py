"""The audit log is append-only and records what actions change."""

import pytest

from core import actions
from core.audit import history_of, record_audit
from core.models import AuditEvent, AuditImmutableError, Organisation


@pytest.fixture
def event(world):
    return record_audit(
        actor=world.admin,
        verb="organisation.updated",
        obj=world.north,
        before={"name": "Old"},
        after={"name": "New"},
    )


def test_should_record_actor_verb_object_and_values(event, world):
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.actor == world.admin
    assert stored.verb == "organisation.updated"
    assert stored.object == world.north
    assert stored.organisation_id == world.north.pk
    assert (stored.before, stored.after) == ({"name": "Old"}, {"name": "New"})
    assert stored.at is not None


def test_should_refuse_to_save_an_existing_event(event):
    event.verb = "tampered"
    with pytest.raises(AuditImmutableError):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).verb == "organisation.updated"


def test_should_refuse_queryset_update(event):
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.filter(pk=event.pk).update(verb="tampered")
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.all().update(after={})
    assert AuditEvent.objects.get(pk=event.pk).verb == "organisation.updated"


def test_should_refuse_bulk_update(event):
    event.verb = "tampered"
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.bulk_update([event], ["verb"])


def test_should_refuse_to_delete_an_event(event):
    with pytest.raises(AuditImmutableError):
        event.delete()
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_should_protect_events_when_the_actor_is_deleted(event, world):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        world.admin.delete()


def test_should_record_only_changed_fields_when_an_action_updates(world):
    organisation = actions.do_update_organisation(
        world.north,
        actor=world.admin,
        expected_version=world.north.version,
        name="Northshire Council",
        slug="north",
    )
    (event,) = history_of(organisation)
    assert event.verb == "organisation.updated"
    assert event.before == {"name": "Northshire County Council"}
    assert event.after == {"name": "Northshire Council"}


def test_should_write_no_event_when_nothing_changes(world):
    actions.do_update_organisation(
        world.north, actor=world.admin, expected_version=world.north.version, name=world.north.name
    )
    assert not history_of(Organisation.objects.get(pk=world.north.pk)).exists()
    assert Organisation.objects.get(pk=world.north.pk).version == world.north.version
