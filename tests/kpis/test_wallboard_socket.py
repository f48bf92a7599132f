"""The wallboard's WebSocket: who may open it, what figures it carries, and when it updates."""

from __future__ import annotations

import asyncio

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore

from config.asgi import application
from core.consumers import CLOSE_UNAUTHENTICATED
from kpis.consumers import WallboardConsumer
from kpis.wallboard import wallboard_figures
from servicedesk import actions
from tests.sockets import SOCKET_TIMEOUT

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


@database_sync_to_async
def session_cookie_for(user) -> bytes:
    """A real signed-in session cookie, as the browser would carry it."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}".encode()


async def open_wallboard(user=None, query: str = ""):
    """A socket to the wallboard as `user` (anonymous when None), through the real middleware."""
    headers = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
    if user is not None:
        headers.append((b"cookie", await session_cookie_for(user)))
    path = "/ws/kpis/wallboard/" + (f"?{query}" if query else "")
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, code = await communicator.connect(timeout=SOCKET_TIMEOUT)
    return communicator, connected, code


async def figures_from(communicator) -> dict:
    """The figures of the next message, which must be a wallboard update."""
    message = await communicator.receive_json_from(timeout=SOCKET_TIMEOUT)
    assert message["type"] == "wallboard"
    return message["figures"]


def log_call(world, caller, **extra):
    """A call logged through the real action (so its broadcasts go out on commit)."""
    return actions.do_log_incident(
        actor=extra.pop("actor", caller),
        caller=caller,
        service=world.email,
        short_description="Printer on floor 2 jams",
        **extra,
    )


@pytest.fixture(autouse=True)
def fork_safe_afterwards():
    """Leave no asgiref executor thread or channel layer behind for a later forked live server."""
    from concurrent.futures import ThreadPoolExecutor

    from asgiref.sync import SyncToAsync
    from channels.layers import channel_layers

    yield
    SyncToAsync.single_thread_executor.shutdown(wait=True)
    SyncToAsync.single_thread_executor = ThreadPoolExecutor(max_workers=1)
    channel_layers.backends.clear()


@pytest.fixture
def instant_refresh(monkeypatch):
    """No coalescing delay, so each change is answered at once."""
    monkeypatch.setattr(WallboardConsumer, "refresh_every", 0)


async def test_should_refuse_anonymous_sockets(catalogue):
    communicator, connected, code = await open_wallboard()
    assert not connected
    assert code == CLOSE_UNAUTHENTICATED


async def test_should_refuse_people_without_the_kpi_right(catalogue):
    for person in (catalogue.requester_north, catalogue.agent):
        communicator, connected, code = await open_wallboard(person)
        assert (connected, code) == (False, CLOSE_UNAUTHENTICATED), person.username


async def test_should_let_a_team_leader_run_the_wallboard_of_the_councils_their_desk_serves(
    catalogue,
):
    w = catalogue
    for organisation in (w.north, w.east):  # the shared desk serves both
        communicator, connected, _ = await open_wallboard(
            w.team_lead, f"organisation={organisation.pk}"
        )
        assert connected, organisation.slug
        await communicator.disconnect()


async def test_should_refuse_a_manager_asking_for_another_councils_board(catalogue):
    w = catalogue
    manager = w.manager_north
    communicator, connected, code = await open_wallboard(manager, f"organisation={w.east.pk}")
    assert (connected, code) == (False, CLOSE_UNAUTHENTICATED)
    communicator, connected, _ = await open_wallboard(manager, f"organisation={w.north.pk}")
    assert connected
    await communicator.disconnect()


async def test_should_send_the_manager_only_their_councils_figures(catalogue, instant_refresh):
    w = catalogue
    await database_sync_to_async(log_call)(w, w.requester_north)
    await database_sync_to_async(log_call)(w, w.requester_east)
    await database_sync_to_async(log_call)(w, w.requester_east)

    manager, connected, _ = await open_wallboard(w.manager_north)
    assert connected
    figures = await figures_from(manager)
    # One north call; east's two are outside the manager's councils.
    assert (figures["logged_today"], figures["open"], figures["unassigned"]) == (1, 1, 1)

    admin, connected, _ = await open_wallboard(w.admin)
    assert connected
    everyone = await figures_from(admin)
    assert (everyone["logged_today"], everyone["open"]) == (3, 3)

    # An east call changes the admin's board and is never even signalled to north's.
    await database_sync_to_async(log_call)(w, w.requester_east)
    assert (await figures_from(admin))["logged_today"] == 4
    assert await manager.receive_nothing(timeout=0.5)
    await manager.disconnect()
    await admin.disconnect()


async def test_should_update_the_board_when_a_call_is_logged_and_resolved(
    catalogue, instant_refresh
):
    w = catalogue
    communicator, connected, _ = await open_wallboard(w.manager_north)
    assert connected
    before = await figures_from(communicator)
    assert (before["logged_today"], before["open"], before["agents"]) == (0, 0, [])

    call = await database_sync_to_async(log_call)(w, w.requester_north)
    figures = await figures_from(communicator)
    assert (figures["logged_today"], figures["open"], figures["resolved_today"]) == (1, 1, 0)

    await database_sync_to_async(actions.do_take_incident)(call.pk, actor=w.agent)
    figures = await figures_from(communicator)
    assert figures["unassigned"] == 0
    assert figures["agents"] == [{"name": "agent", "open": 1, "resolved_today": 0, "breached": 0}]

    await database_sync_to_async(actions.do_resolve_incident)(
        call.pk, actor=w.agent, code="fixed", notes="Cleared the jam"
    )
    figures = await figures_from(communicator)
    assert (figures["logged_today"], figures["open"], figures["resolved_today"]) == (1, 0, 1)
    assert figures["agents"] == [{"name": "agent", "open": 0, "resolved_today": 1, "breached": 0}]
    # The socket's figures are the page's figures for the same person.
    expected = await database_sync_to_async(wallboard_figures)(w.manager_north)
    assert {k: v for k, v in figures.items() if k != "at"} == {
        k: v for k, v in expected.items() if k != "at"
    }
    await communicator.disconnect()


async def test_should_coalesce_a_burst_of_changes_into_one_refresh(catalogue, monkeypatch):
    w = catalogue
    monkeypatch.setattr(WallboardConsumer, "refresh_every", 1.0)
    communicator, connected, _ = await open_wallboard(w.manager_north)
    assert connected
    assert (await figures_from(communicator))["logged_today"] == 0

    for _ in range(3):
        await database_sync_to_async(log_call)(w, w.requester_north)
    # Within the refresh interval of the first figures: one message, with all three calls.
    figures = await figures_from(communicator)
    assert figures["logged_today"] == 3
    assert await communicator.receive_nothing(timeout=1.5)
    await communicator.disconnect()


async def test_should_stop_a_pending_refresh_when_the_socket_closes(catalogue, monkeypatch):
    w = catalogue
    monkeypatch.setattr(WallboardConsumer, "refresh_every", 30.0)
    communicator, connected, _ = await open_wallboard(w.manager_north)
    assert connected
    await figures_from(communicator)
    await database_sync_to_async(log_call)(w, w.requester_north)
    await asyncio.sleep(0.1)  # the change arrives and a refresh is scheduled 30 s out
    await communicator.disconnect()
    # Nothing left running after the socket went: no task still waiting to send.
    pending = [
        task
        for task in asyncio.all_tasks()
        if getattr(task.get_coro(), "__qualname__", "") == "WallboardConsumer._refresh"
    ]
    assert pending == []
