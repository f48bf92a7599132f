"""A discovery run started from its range's page shows its progress live, in Chromium.

The live server runs as scripts/run.sh runs it: Huey workers are threads inside daphne, so
"Run now" only queues the run and the browser lands on the run page while a worker sweeps
a loopback range where a real snmpd answers. Progress then has to travel the production
path (worker -> channel layer -> the page's WebSocket): the in-memory layer shared inside
the server process on SQLite, Redis when REDIS_URL is set.
"""

import re

from django.contrib.auth.models import Group

from assets.actions.discovery import do_create_discovery_range, do_create_snmp_credential
from assets.models import DiscoveredDevice, DiscoveryRun, RunStatus
from core.models import Organisation, Team, TeamKind, User
from core.roles import Role, assign_role_permissions
from tests.assets.agents import free_port, start_snmpd
from tests.browser.base import PASSWORD, RECORD_SOCKET_MESSAGES, BrowserTestCase

AGENT_ADDRESS = "127.0.5.1"
# Six hosts (.1 to .6): .1 answers, the other five are silent. One probe at a time and a
# short timeout make the sweep last a few seconds, so the page sees it part-way through.
NETWORK = "127.0.5.0/29"
HOSTS = 6


class DiscoveryProgressTests(BrowserTestCase):
    """An asset manager watches a sweep advance and finish without reloading the page."""

    in_process_worker = True

    @classmethod
    def setUpClass(cls):
        cls.snmp_port = free_port()
        cls.agent = start_snmpd(cls.snmp_port, sys_name="core-switch-7", address=AGENT_ADDRESS)
        try:
            super().setUpClass()
        except Exception:
            cls.agent.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            cls.agent.stop()

    def setUp(self):
        assign_role_permissions()
        council = Organisation.objects.create(name="Northshire County Council", slug="north")
        desk = Team.objects.create(name="Service Desk", kind=TeamKind.SERVICE_DESK)
        desk.organisations.add(council)
        self.manager = User.objects.create_user(
            "assets_north", "assets@north.gov.uk", PASSWORD, organisation=council
        )
        self.manager.groups.add(Group.objects.get(name=Role.ASSET_MANAGER))
        desk.members.add(self.manager)
        credential = do_create_snmp_credential(
            actor=self.manager,
            organisation=council,
            name="Loopback v2c",
            version="v2c",
            community="public",
        )
        self.range = do_create_discovery_range(
            actor=self.manager,
            organisation=council,
            values={
                "name": "Loopback lab",
                "cidr": NETWORK,
                "port": self.snmp_port,
                "timeout": 0.7,
                "retries": 0,
                "concurrency": 1,
            },
            credentials=[credential],
        )

    def test_should_show_the_run_advancing_and_its_summary_without_a_reload(self):
        from playwright.sync_api import expect

        with self.chromium() as browser:
            page = self.sign_in(browser, "assets_north")
            page.add_init_script(RECORD_SOCKET_MESSAGES)
            page.goto(self.live_server_url + self.range.get_absolute_url())
            page.click("text=Run now")

            run = DiscoveryRun.objects.get(range=self.range)
            page.wait_for_url(re.compile(re.escape(run.get_absolute_url()) + "$"))
            page.evaluate("window.__samePage = true")
            bar = page.locator("#run-progress")
            # Part-way: some addresses probed, not all (1 to 99 per cent).
            expect(bar).to_have_text(re.compile(r"^[1-9][0-9]?%$"))
            expect(bar).to_have_text("done")
            expect(page.locator("#run-status")).to_have_text(RunStatus.FINISHED)
            expect(page.locator("#run-probed")).to_have_text(str(HOSTS))
            expect(page.locator("#run-answered")).to_have_text("1")
            # One new device (staged for a decision), none changed or unchanged.
            expect(page.locator("#run-outcomes")).to_have_text("1 / 0 / 0")
            assert page.evaluate("window.__samePage") is True

            messages = page.evaluate("window.__socketMessages")
            kinds = [message["type"] for message in messages]
            assert kinds.count("finished") == 1
            finished_at = kinds.index("finished")
            part_way = [
                message
                for message in messages[:finished_at]
                if message["type"] == "progress" and 0 < message["probed"] < message["total"]
            ]
            # Progress arrived over the socket while the sweep was still going.
            assert part_way, messages
            assert all(message["total"] == HOSTS for message in part_way)
            probed = [message["probed"] for message in part_way]
            assert probed == sorted(probed)

        run.refresh_from_db()
        assert (run.status, run.probed, run.answered, run.new) == (RunStatus.FINISHED, HOSTS, 1, 1)
        staged = DiscoveredDevice.objects.values_list("sys_name", flat=True)
        assert list(staged) == ["core-switch-7"]
