"""Scheduled discovery: when a range is next due, and a periodic task that never overlaps."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from assets.actions.discovery import (
    do_create_discovery_range,
    do_create_snmp_credential,
    do_queue_discovery_run,
    do_update_discovery_range,
)
from assets.models import DiscoveryRange, DiscoveryRun, RunStatus
from assets.schedule import next_run_after
from assets.tasks import scheduled_discovery_task
from core.audit import history_of
from core.exceptions import ActionError
from tests.assets.agents import free_port
from tests.conftest import PASSWORD

LONDON = ZoneInfo("Europe/London")
UTC = dt.UTC


def at(text: str) -> dt.datetime:
    """A London wall-clock time as an aware datetime."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=LONDON)


def test_should_run_daily_at_the_local_time_of_day_across_clock_changes():
    # Saturday 29 March 2025 then Sunday 30 March, when the clocks go forward at 01:00.
    first = next_run_after("daily", dt.time(2, 30), 0, at("2025-03-29 03:00"), LONDON)
    assert first == at("2025-03-30 02:30")
    assert first.astimezone(UTC) == dt.datetime(2025, 3, 30, 1, 30, tzinfo=UTC)  # BST
    winter = next_run_after("daily", dt.time(2, 30), 0, at("2025-03-28 03:00"), LONDON)
    assert winter.astimezone(UTC) == dt.datetime(2025, 3, 29, 2, 30, tzinfo=UTC)  # GMT


def test_should_run_weekly_on_the_chosen_weekday_and_never_at_the_same_moment_again():
    wednesday_9am = next_run_after("weekly", dt.time(9, 0), 2, at("2025-06-02 12:00"), LONDON)
    assert wednesday_9am == at("2025-06-04 09:00")
    # Asked exactly at the slot, the next one is a week later (strictly after).
    again = next_run_after("weekly", dt.time(9, 0), 2, wednesday_9am, LONDON)
    assert again == at("2025-06-11 09:00")
    same_day_later = next_run_after("weekly", dt.time(18, 0), 2, at("2025-06-04 12:00"), LONDON)
    assert same_day_later == at("2025-06-04 18:00")


def test_should_run_hourly_at_the_minute_every_real_hour():
    assert next_run_after("hourly", dt.time(0, 15), 0, at("2025-06-02 10:20"), LONDON) == at(
        "2025-06-02 11:15"
    )
    # 26 October 2025, clocks go back at 02:00 BST: 01:15 happens twice, both get a run.
    first = next_run_after(
        "hourly", dt.time(0, 15), 0, dt.datetime(2025, 10, 26, 0, 0, tzinfo=UTC), LONDON
    )
    second = next_run_after("hourly", dt.time(0, 15), 0, first, LONDON)
    assert second - first == dt.timedelta(hours=1)
    assert first.astimezone(LONDON).hour == second.astimezone(LONDON).hour == 1


def test_should_not_schedule_a_manual_range():
    assert next_run_after("manual", dt.time(1, 30), 0, at("2025-06-02 10:20"), LONDON) is None


@pytest.fixture
def nightly(world, asset_manager):
    """A range swept daily at 02:00, created on Monday 2 June 2025 at noon."""
    credential = do_create_snmp_credential(
        actor=asset_manager,
        organisation=world.north,
        name="public",
        version="v2c",
        community="public",
    )
    return do_create_discovery_range(
        actor=asset_manager,
        organisation=world.north,
        credentials=[credential],
        values={
            "name": "silent",
            "cidr": "127.0.9.0/30",
            "port": free_port(),
            "timeout": 0.2,
            "retries": 0,
            "frequency": "daily",
            "run_at": dt.time(2, 0),
        },
        now=at("2025-06-02 12:00"),
    )


@pytest.mark.django_db
def test_should_store_the_next_run_when_a_range_is_created_or_rescheduled(nightly, asset_manager):
    assert nightly.next_run_at == at("2025-06-03 02:00")
    changed = do_update_discovery_range(
        actor=asset_manager,
        range_id=nightly.pk,
        values={"frequency": "weekly", "weekday": 4, "run_at": dt.time(22, 30)},
        now=at("2025-06-02 12:00"),
    )
    assert changed.next_run_at == at("2025-06-06 22:30")
    event = history_of(changed).get(verb="discovery_range.updated")
    assert event.after["frequency"] == "weekly"
    manual = do_update_discovery_range(
        actor=asset_manager, range_id=nightly.pk, values={"frequency": "manual"}
    )
    assert manual.next_run_at is None


@pytest.mark.django_db
def test_should_start_due_runs_in_the_periodic_task_and_advance_the_schedule(
    nightly, django_capture_on_commit_callbacks
):
    # Through Huey (immediate in tests); periodic tasks keep no result, so effects count.
    scheduled_discovery_task(now=at("2025-06-03 01:59"))
    assert not DiscoveryRun.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        scheduled_discovery_task(now=at("2025-06-03 02:00"))
    run = DiscoveryRun.objects.get()
    # Huey runs tasks immediately in tests: the run has been swept already.
    assert (run.status, run.probed, run.range_id) == (RunStatus.FINISHED, 2, nightly.pk)
    nightly.refresh_from_db()
    assert nightly.next_run_at == at("2025-06-04 02:00")
    # A second scheduler a moment later finds nothing due: one run per slot.
    scheduled_discovery_task(now=at("2025-06-03 02:00:30"))
    assert DiscoveryRun.objects.count() == 1


@pytest.mark.django_db
def test_should_skip_a_slot_while_the_previous_run_of_the_range_is_still_going(nightly):
    running = DiscoveryRun.objects.create(
        organisation=nightly.organisation,
        range=nightly,
        cidr=nightly.cidr,
        status=RunStatus.RUNNING,
    )
    scheduled_discovery_task(now=at("2025-06-03 02:00"))
    assert DiscoveryRun.objects.count() == 1
    nightly.refresh_from_db()
    assert nightly.next_run_at == at("2025-06-04 02:00")
    skipped = history_of(nightly).get(verb="discovery_range.run_skipped")
    assert skipped.after["still_running"] == running.pk
    with pytest.raises(ActionError, match="being swept now"):
        do_queue_discovery_run(actor=None, range_id=nightly.pk)


@pytest.mark.django_db
def test_should_not_let_a_run_lost_long_ago_block_its_range(nightly):
    lost = DiscoveryRun.objects.create(
        organisation=nightly.organisation, range=nightly, cidr=nightly.cidr, status="running"
    )
    DiscoveryRun.objects.filter(pk=lost.pk).update(created_at=at("2025-06-02 01:00"))
    from assets.actions.discovery import start_due_runs

    assert len(start_due_runs(now=at("2025-06-03 02:00"))) == 1


@pytest.mark.django_db
def test_should_show_and_edit_the_schedule_on_the_range_page(nightly, asset_manager, client):
    client.login(username=asset_manager.username, password=PASSWORD)
    page = client.get(nightly.get_absolute_url()).content.decode()
    assert "Every day at 02:00" in page and "Tue 3 Jun 2025 02:00" in page
    url = reverse("assets:range_edit", args=[nightly.pk])
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update({"frequency": "weekly", "weekday": 6, "run_at": "03:15"})
    data["credentials"] = [c.pk for c in nightly.credentials.all()]
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    changed = DiscoveryRange.objects.get(pk=nightly.pk)
    assert (changed.frequency, changed.weekday, changed.run_at) == ("weekly", 6, dt.time(3, 15))
    assert changed.next_run_at.astimezone(LONDON).weekday() == 6
    assert "Every Sunday at 03:15" in client.get(nightly.get_absolute_url()).content.decode()
