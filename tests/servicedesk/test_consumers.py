"""Live updates: sockets per team queue and per call, joined only by people who may see them."""

import pytest
from asgiref.sync import sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from config.routing import websocket_urlpatterns
from servicedesk import actions
from tests.sockets import SOCKET_TIMEOUT

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

application = URLRouter(websocket_urlpatterns)


@pytest.fixture(autouse=True)
def fork_safe_afterwards():
    """Leave no worker thread behind for a live server forked later (browser tests).

    asgiref runs database work on one shared executor thread; a process forked after it
    started inherits an executor whose thread does not exist, and its sockets hang.
    """
    from concurrent.futures import ThreadPoolExecutor

    from asgiref.sync import SyncToAsync
    from channels.layers import channel_layers

    yield
    SyncToAsync.single_thread_executor.shutdown(wait=True)
    SyncToAsync.single_thread_executor = ThreadPoolExecutor(max_workers=1)
    channel_layers.backends.clear()


async def connect(path, user):
    communicator = WebsocketCommunicator(application, path)
    communicator.scope["user"] = user
    connected, code = await communicator.connect(timeout=SOCKET_TIMEOUT)
    return communicator, connected, code


async def test_should_tell_the_team_queue_when_a_call_arrives(desk, log_call):
    queue, connected, _ = await connect(f"/ws/servicedesk/teams/{desk.desk.pk}/", desk.agent)
    assert connected
    incident = await sync_to_async(log_call)()
    message = await queue.receive_json_from(timeout=SOCKET_TIMEOUT)
    assert message == {
        "type": "incident",
        "event": "incident.logged",
        "id": incident.pk,
        "reference": incident.reference,
        "status": "new",
        "version": incident.version,
    }
    await queue.disconnect()


async def test_should_refuse_queue_sockets_to_non_members_and_requesters(desk):
    for user in (desk.agent_east, desk.requester_north):
        _, connected, code = await connect(f"/ws/servicedesk/teams/{desk.desk.pk}/", user)
        assert not connected and code == 4401


async def test_should_refuse_a_call_socket_to_people_who_may_not_see_it(desk, log_call):
    incident = await sync_to_async(log_call)()
    for user in (desk.requester_east, desk.agent_east):
        _, connected, _ = await connect(f"/ws/servicedesk/incidents/{incident.pk}/", user)
        assert not connected
    _, connected, _ = await connect("/ws/servicedesk/incidents/999999/", desk.agent)
    assert not connected


async def test_should_tell_the_caller_of_public_comments_but_not_internal_notes(desk, log_call):
    incident = await sync_to_async(log_call)()
    caller, connected, _ = await connect(
        f"/ws/servicedesk/incidents/{incident.pk}/", desk.requester_north
    )
    agent, agent_ok, _ = await connect(f"/ws/servicedesk/incidents/{incident.pk}/", desk.agent)
    assert connected and agent_ok
    await sync_to_async(actions.do_add_comment)(
        incident.pk, actor=desk.agent, body="secret", internal=True
    )
    assert (await agent.receive_json_from(timeout=SOCKET_TIMEOUT))["event"] == "incident.commented"
    assert await caller.receive_nothing(timeout=0.3)
    await sync_to_async(actions.do_take_incident)(incident.pk, actor=desk.agent)
    assert (await caller.receive_json_from(timeout=SOCKET_TIMEOUT))["status"] == "in_progress"
    await caller.disconnect()
    await agent.disconnect()
