"""What every browser journey shares: a live daphne server, Debian's Chromium, and signing in."""

import contextlib
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from asgiref.sync import SyncToAsync
from channels.testing import ChannelsLiveServerTestCase
from daphne.testing import DaphneProcess
from django.db import connections

CHROMIUM = Path("/usr/bin/chromium")
PASSWORD = "correct-horse-battery-staple"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
]
# A loaded machine (both databases' suites, other browsers, two cores) can be slow to answer.
TIMEOUT_MS = 20_000

# Every message the page's sockets receive, in order, kept where the test can read it.
RECORD_SOCKET_MESSAGES = """
window.__socketMessages = [];
const PageSocket = window.WebSocket;
window.WebSocket = function (...args) {
  const socket = new PageSocket(...args);
  socket.addEventListener("message", (event) => {
    window.__socketMessages.push(JSON.parse(event.data));
  });
  return socket;
};
"""


class DaphneWithWorkers(DaphneProcess):
    """The live server as scripts/run.sh runs it: Huey workers as threads inside daphne.

    Tasks are then queued, not run inside the request, and a task's broadcasts reach the
    sockets of this process even on the in-memory channel layer (see core/worker.py).
    """

    def run(self):
        """In the forked child: once the test database is chosen, start the workers."""
        choose_database = self.setup

        def setup():
            if choose_database is not None:
                choose_database()
            from django.utils.module_loading import autodiscover_modules
            from huey.contrib.djhuey import HUEY

            from core.worker import InProcessConsumer

            HUEY.immediate = False  # the test process runs tasks inline; this one queues
            autodiscover_modules("tasks")
            HUEY.flush()  # nothing left over from an earlier, interrupted run
            # No periodic scheduler: a minute's tick must not change what a test sees.
            InProcessConsumer(HUEY, workers=2, worker_type="thread", periodic=False).start()

        self.setup = setup
        super().run()


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="the test command installs chromium")
class BrowserTestCase(ChannelsLiveServerTestCase):
    """A live server (HTTP and WebSocket) with static files, driven by Playwright in Chromium."""

    serve_static = True
    # True: the server queues tasks for workers inside it, as in production, instead of
    # running them inside the request (the test process's immediate mode).
    in_process_worker = False

    @classmethod
    def setUpClass(cls):
        """Give the forked server a fresh asgiref executor before it starts.

        The server process is forked from this one. Async tests that ran earlier leave
        asgiref's single-thread executor with a worker thread that a fork does not copy, so
        the child's database_sync_to_async calls (socket authentication) would wait forever.
        """
        SyncToAsync.single_thread_executor = ThreadPoolExecutor(max_workers=1)
        if cls.in_process_worker:
            cls.ProtocolServerProcess = DaphneWithWorkers
        super().setUpClass()

    @contextlib.contextmanager
    def chromium(self):
        """Yield a headless Chromium; Django's async-safety check is off only meanwhile.

        Playwright's sync API runs an event loop in this thread, and the test still reads
        the database to check what the pages did.
        """
        from playwright.sync_api import expect, sync_playwright

        expect.set_options(timeout=TIMEOUT_MS)
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
                )
                try:
                    yield browser
                finally:
                    browser.close()
                    # Queries made meanwhile ran in Playwright's own context, on a
                    # connection of their own: close it, or PostgreSQL cannot drop the
                    # test database at the end ("accessed by other users").
                    connections.close_all()
        finally:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)

    def sign_in(self, browser, username, password=PASSWORD):
        """Open a fresh browser context (its own cookies) and log in as this person."""
        page = browser.new_context().new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(self.live_server_url + "/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        return page
