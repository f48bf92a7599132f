"""The main incident journey in Chromium: log in the portal, live queue, take, resolve, rate."""

from django.contrib.auth.models import Group

from core.models import Organisation, Team, TeamKind, User
from core.roles import Role, assign_role_permissions
from servicedesk.models import Incident, Service
from tests.browser.base import PASSWORD, BrowserTestCase


class IncidentJourneyTests(BrowserTestCase):
    """A requester and an agent in two browsers; the agent's queue updates by itself."""

    def setUp(self):
        assign_role_permissions()
        council = Organisation.objects.create(name="Northshire County Council", slug="north")
        self.team = Team.objects.create(name="Service Desk", kind=TeamKind.SERVICE_DESK)
        self.team.organisations.add(council)
        self.service = Service.objects.create(name="Email", owner_team=self.team)
        self.requester = User.objects.create_user(
            "rachel", "rachel@north.gov.uk", PASSWORD, organisation=council, first_name="Rachel"
        )
        self.requester.groups.add(Group.objects.get(name=Role.REQUESTER))
        self.agent = User.objects.create_user(
            "aisha", "aisha@north.gov.uk", PASSWORD, organisation=council, first_name="Aisha"
        )
        self.agent.groups.add(Group.objects.get(name=Role.AGENT))
        self.team.members.add(self.agent)

    def test_should_take_a_portal_call_from_log_to_rating(self):
        from playwright.sync_api import expect

        with self.chromium() as browser:
            agent = self.sign_in(browser, "aisha")
            agent.goto(self.live_server_url + "/desk/queues/teams/")
            expect(agent.locator("#live-region[data-live-connected=true]")).to_have_count(1)
            agent.evaluate("window.notReloaded = true")

            requester = self.sign_in(browser, "rachel")
            requester.goto(self.live_server_url + "/portal/calls/new/")
            requester.select_option("#id_service", str(self.service.pk))
            requester.fill("#id_short_description", "Outlook will not open")
            requester.fill("#id_description", "Since the update this morning.")
            requester.click("text=Log the call")
            expect(requester.locator("#call-status")).to_have_text("New")
            connected = "#live-region[data-live-connected=true]"
            expect(requester.locator(connected)).to_have_count(1)
            incident = Incident.objects.get()

            # The queue shows the new call without the agent reloading the page.
            expect(agent.locator("#live-region")).to_contain_text(incident.reference)
            assert agent.evaluate("window.notReloaded") is True

            agent.click(f"text={incident.reference}")
            expect(agent.locator(connected)).to_have_count(1)
            agent.click("button:has-text('Take')")
            expect(agent.locator("#call-status")).to_have_text("In progress")
            agent.select_option("#id_resolve-code", "fixed")
            agent.fill("#id_resolve-notes", "Repaired the Outlook profile.")
            agent.click("button:has-text('Resolve')")
            expect(agent.locator("#call-status")).to_have_text("Resolved")

            # The requester's page updates by itself, then they confirm and rate.
            expect(requester.locator("#call-status")).to_have_text("Resolved")
            requester.click("button:has-text('Confirm the fix')")
            expect(requester.locator("#call-status")).to_have_text("Closed")
            requester.check("#rating-form input[value='5']")
            requester.fill("#rating-form textarea", "Fixed in minutes")
            requester.click("#rating-form button[type=submit]")
            expect(requester.locator("#rated")).to_contain_text("5/5")
        incident = Incident.objects.get()
        assert incident.status == "closed" and incident.survey.score == 5
