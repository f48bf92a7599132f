"""The history import pages and progress socket: administrators only; the preview writes no
calls; starting the run imports them through the worker."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from config.asgi import application
from core.models import Team, User
from core.realtime import broadcast
from history.actions import run_group
from history.models import HistoryImportRun, ImportedTicket, RunState
from servicedesk.models import Incident
from tests.assets.test_live_progress import session_cookie_for
from tests.history.conftest import HEADER, MAPPING, ROWS
from tests.sockets import SOCKET_TIMEOUT

BAD_ROW = "E,0,not a date,New,02/11/2026 09:00,3 - Moderate,Phone,Desk,?,Caller 5,?"


def upload(client, rows=ROWS, mapping=MAPPING, **extra):
    """POST the upload form with an event log and a pasted mapping."""
    log = SimpleUploadedFile("log.csv", ("\n".join([HEADER, *rows]) + "\n").encode())
    data = {"organisation": extra.pop("organisation"), "file": log, "mapping_text": mapping}
    data.update(extra)
    return client.post(reverse("history:upload"), data)


@pytest.mark.parametrize("username", ["agent", "manager_north", "lead", "req_north"])
def test_should_refuse_the_pages_to_everyone_but_administrators(office, client, username):
    client.force_login(User.objects.get(username=username))
    assert client.get(reverse("history:run_list")).status_code == 403
    assert client.get(reverse("history:upload")).status_code == 403
    response = upload(client, organisation=office.north.pk)
    assert response.status_code == 403
    assert not HistoryImportRun.objects.exists()


def test_should_send_anonymous_visitors_to_sign_in(office, client):
    response = client.get(reverse("history:upload"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_should_preview_without_importing_then_import_on_start(
    office, client, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(office.admin)
    assert client.get(reverse("history:run_list")).status_code == 200
    people, teams = User.objects.count(), Team.objects.count()
    with django_capture_on_commit_callbacks() as queued:
        response = upload(client, rows=[*ROWS, BAD_ROW], organisation=office.north.pk)
    run = HistoryImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == run.get_absolute_url()
    # The upload only queues the dry run: the worker reads the file, not the request.
    assert run.state == RunState.PREVIEWING and run.rows == 0
    assert 'id="run-start"' not in client.get(run.get_absolute_url()).content.decode()
    for callback in queued:
        callback()
    run.refresh_from_db()
    assert run.state == RunState.PREVIEWED
    assert (run.rows, run.tickets, run.created, run.rejected) == (13, 2, 2, 1)
    assert (run.people_created, run.teams_created) == (4, 2)
    # The dry run wrote no call, link, person or team.
    assert not Incident.objects.exists() and not ImportedTicket.objects.exists()
    assert (User.objects.count(), Team.objects.count()) == (people, teams)
    page = client.get(run.get_absolute_url()).content.decode()
    assert "timestamp &#x27;not a date&#x27; does not match" in page
    assert f"/ws/history/runs/{run.pk}/" in page and 'id="run-start"' in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("history:run_start", args=[run.pk]))
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.state == RunState.FINISHED and (run.created, run.rejected) == (2, 1)
    assert Incident.objects.count() == 2
    # A finished run cannot be started again.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("history:run_start", args=[run.pk]))
    assert Incident.objects.count() == 2


def test_should_show_a_mapping_refusal_on_the_form(office, client):
    client.force_login(office.admin)
    response = upload(client, mapping='source = "x"', organisation=office.north.pk)
    assert response.status_code == 200
    assert "[columns] &#x27;ticket&#x27; is required." in response.content.decode()
    assert not HistoryImportRun.objects.exists()


def test_should_refuse_on_preview_when_too_many_rows_are_unusable(
    office, client, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(office.admin)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, rows=[*ROWS[:6], BAD_ROW], organisation=office.north.pk)
    run = HistoryImportRun.objects.get()
    assert run.state == RunState.REFUSED and "1 of 7 rows (14.3%)" in run.error
    assert 'id="run-start"' not in client.get(run.get_absolute_url()).content.decode()


async def connect(user, run_id):
    """A socket to a run's progress as `user`, through the real session middleware."""
    cookie = await session_cookie_for(user)
    headers = [(b"origin", b"http://testserver"), (b"host", b"testserver"), (b"cookie", cookie)]
    communicator = WebsocketCommunicator(
        application, f"/ws/history/runs/{run_id}/", headers=headers
    )
    connected, _ = await communicator.connect(timeout=SOCKET_TIMEOUT)
    return communicator, connected


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_should_stream_progress_to_administrators_only(world):
    run = await database_sync_to_async(HistoryImportRun.objects.create)(
        organisation=world.north, file_name="log.csv", sha256="0" * 64, mapping=""
    )
    communicator, connected = await connect(world.admin, run.pk)
    assert connected
    assert (await communicator.receive_json_from(timeout=SOCKET_TIMEOUT)) == {
        "type": "state",
        "state": "queued",
        "percent": 0,
    }
    await database_sync_to_async(broadcast)(
        run_group(run.pk), {"type": "progress", "percent": 42, "message": "Read"}
    )
    assert (await communicator.receive_json_from(timeout=SOCKET_TIMEOUT))["percent"] == 42
    await communicator.disconnect()

    for person in (world.manager_north, world.agent, world.team_lead):
        outsider, connected = await connect(person, run.pk)
        assert not connected
