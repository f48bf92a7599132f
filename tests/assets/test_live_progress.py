"""The discovery run page's WebSocket: only people who may see the run get its progress."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore

from assets.actions.discovery import do_queue_discovery_run, run_group
from config.asgi import application
from core.realtime import broadcast
from tests.sockets import SOCKET_TIMEOUT


@database_sync_to_async
def session_cookie_for(user) -> bytes:
    """A real signed-in session cookie, as the browser would carry it."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}".encode()


async def connect(user, run_id):
    """A socket to the run's progress as `user`, through the real session middleware."""
    cookie = await session_cookie_for(user)
    headers = [(b"origin", b"http://testserver"), (b"host", b"testserver"), (b"cookie", cookie)]
    communicator = WebsocketCommunicator(application, f"/ws/assets/runs/{run_id}/", headers=headers)
    connected, _ = await communicator.connect(timeout=SOCKET_TIMEOUT)
    return communicator, connected


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_should_stream_progress_to_people_who_may_see_the_run(world, asset_manager):
    run = await database_sync_to_async(do_queue_discovery_run)(
        actor=asset_manager, organisation=world.north, cidr="127.0.9.0/30"
    )
    communicator, connected = await connect(asset_manager, run.pk)
    assert connected
    assert (await communicator.receive_json_from(timeout=SOCKET_TIMEOUT))["type"] == "state"
    await database_sync_to_async(broadcast)(run_group(run.pk), {"type": "progress", "probed": 1})
    assert (await communicator.receive_json_from(timeout=SOCKET_TIMEOUT))["probed"] == 1
    await communicator.disconnect()

    outsider, connected = await connect(world.agent_east, run.pk)
    assert not connected


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_should_send_the_summary_to_a_page_that_joins_after_the_run_ended(
    world, asset_manager
):
    from assets.actions.discovery import do_finish_discovery_run
    from assets.discovery.runner import SweepResult

    def finished_run():
        run = do_queue_discovery_run(
            actor=asset_manager, organisation=world.north, cidr="127.0.9.0/29"
        )
        sweep = SweepResult(probed=6, answered=2, failed=1, duration=1.25)
        return do_finish_discovery_run(
            run, sweep=sweep, outcomes={"new": 1, "unchanged": 1}, seen_asset_ids=[]
        )

    run = await database_sync_to_async(finished_run)()
    communicator, connected = await connect(asset_manager, run.pk)
    assert connected
    # Its "finished" broadcast went before this socket joined: the page still gets it.
    assert await communicator.receive_json_from(timeout=SOCKET_TIMEOUT) == {
        "type": "finished",
        "status": "finished",
        "probed": 6,
        "answered": 2,
        "new": 1,
        "changed": 0,
        "unchanged": 1,
        "failed": 1,
        "malformed": 0,
        "mac_conflicts": 0,
        "flagged_missing": 0,
        "duration": 1.25,
    }
    await communicator.disconnect()
