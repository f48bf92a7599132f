"""An administrator imports ticket history from the settings pages, in Chromium: uploads an
event log and its mapping, reads the dry run, starts the import and watches it advance.

The live server runs as scripts/run.sh runs it (Huey workers as threads inside daphne), so
"Import now" only queues the run; its progress travels worker -> channel layer -> the page's
WebSocket. The log has 9,000 tickets of three rows each, enough for several batches, so
progress shows part-way before the run finishes.
"""

import re

from django.contrib.auth.models import Group
from django.urls import reverse

from core.models import Organisation, Team, TeamKind, User
from core.roles import Role, assign_role_permissions
from history.models import HistoryImportRun, RunState
from servicedesk.models import Incident, Service
from tests.browser.base import PASSWORD, RECORD_SOCKET_MESSAGES, BrowserTestCase
from tests.history.conftest import HEADER, MAPPING

TICKETS = 9000


def event_log(folder) -> str:
    """A CSV log: each ticket opened, worked and resolved on Monday 2 November 2026."""
    rows = [HEADER]
    for number in range(TICKETS):
        ticket = f"T{number:05d}"
        for sequence, (time, state) in enumerate(
            (("09:00", "New"), ("09:30", "Active"), ("11:00", "Resolved"))
        ):
            rows.append(
                f"{ticket},{sequence},02/11/2026 {time},{state},02/11/2026 09:00,"
                f"3 - Moderate,Phone,Desk,Res {number % 7},Caller {number % 50},Email"
            )
    path = folder / "history.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return str(path)


class HistoryImportProgressTests(BrowserTestCase):
    """The administrator's import journey, from upload to a finished run, without reloads."""

    in_process_worker = True

    def setUp(self):
        assign_role_permissions()
        self.council = Organisation.objects.create(name="Northshire County Council", slug="north")
        desk = Team.objects.create(name="Service Desk", kind=TeamKind.SERVICE_DESK)
        desk.organisations.add(self.council)
        Service.objects.create(name="Legacy", owner_team=desk)
        admin = User.objects.create_user(
            "admin_north", "admin@north.gov.uk", PASSWORD, organisation=self.council
        )
        admin.groups.add(Group.objects.get(name=Role.ADMINISTRATOR))

    def test_should_preview_then_import_with_live_progress(self):
        import tempfile
        from pathlib import Path

        from playwright.sync_api import expect

        with tempfile.TemporaryDirectory() as folder, self.chromium() as browser:
            log = event_log(Path(folder))
            page = self.sign_in(browser, "admin_north")
            page.add_init_script(RECORD_SOCKET_MESSAGES)
            page.goto(self.live_server_url + reverse("history:upload"))
            page.select_option("#id_organisation", label=self.council.name)
            page.set_input_files("#id_file", log)
            page.fill("#id_mapping_text", MAPPING)
            page.click("text=Preview (dry run)")

            # The dry run's preview: what would happen, and nothing written yet.
            run = HistoryImportRun.objects.get()
            page.wait_for_url(re.compile(re.escape(run.get_absolute_url()) + "$"))
            expect(page.locator("#run-progress")).to_have_text("dry run done")
            expect(page.locator("#run-outcomes")).to_have_text(f"{TICKETS} / 0 / 0")
            assert Incident.objects.count() == 0

            with page.expect_navigation():
                page.click("#run-start")
            page.evaluate("window.__samePage = true")
            expect(page.locator("#run-progress")).to_have_text("done", timeout=120_000)
            expect(page.locator("#run-state")).to_have_text("Finished")
            expect(page.locator("#run-outcomes")).to_have_text(f"{TICKETS} / 0 / 0")
            expect(page.locator("#run-rows")).to_have_text(str(3 * TICKETS))
            assert page.evaluate("window.__samePage") is True

            messages = page.evaluate("window.__socketMessages")
            kinds = [message["type"] for message in messages]
            assert kinds.count("finished") == 1, kinds
            part_way = [
                message["percent"]
                for message in messages[: kinds.index("finished")]
                if message["type"] == "progress" and 0 < message["percent"] < 100
            ]
            # Progress arrived over the socket while the import was still writing, in order.
            assert part_way, messages
            assert part_way == sorted(part_way)

        run.refresh_from_db()
        assert (run.state, run.created) == (RunState.FINISHED, TICKETS)
        assert Incident.objects.filter(imported_from__run=run).count() == TICKETS
