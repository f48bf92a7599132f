"""The phone form's caller look-up in Chromium: type part of a name, pick, log the call."""

from django.contrib.auth.models import Group

from core.models import Organisation, Team, TeamKind, User
from core.roles import Role, assign_role_permissions
from servicedesk.models import Incident, Service
from tests.browser.base import PASSWORD, BrowserTestCase


class CallerLookupTests(BrowserTestCase):
    """An agent finds the caller by part of their name; someone out of scope is never offered."""

    def setUp(self):
        assign_role_permissions()
        north = Organisation.objects.create(name="Northshire County Council", slug="north")
        east = Organisation.objects.create(name="Eastvale District Council", slug="east")
        team = Team.objects.create(name="Service Desk", kind=TeamKind.SERVICE_DESK)
        team.organisations.add(north)
        self.service = Service.objects.create(name="Email", owner_team=team)
        self.caller = User.objects.create_user(
            "rwhite",
            "rachel@north.gov.uk",
            PASSWORD,
            organisation=north,
            first_name="Rachel",
            last_name="Whiteley",
            phone="01632 960 001",
        )
        User.objects.create_user(
            "rwhitby",
            "ruth@east.gov.uk",
            PASSWORD,
            organisation=east,
            first_name="Ruth",
            last_name="Whitby",
        )
        agent = User.objects.create_user(
            "aisha", "aisha@north.gov.uk", PASSWORD, organisation=north
        )
        agent.groups.add(Group.objects.get(name=Role.AGENT))
        team.members.add(agent)

    def test_should_fill_the_caller_from_a_picked_match_and_log_the_call(self):
        from playwright.sync_api import expect

        with self.chromium() as browser:
            agent = self.sign_in(browser, "aisha")
            agent.goto(self.live_server_url + "/desk/calls/new/")
            agent.fill("#id_caller", "whit")
            matches = agent.locator("#caller-matches .caller-match")
            expect(matches).to_have_count(1)  # Ruth is in a council this desk does not serve
            expect(matches.first).to_contain_text("Rachel Whiteley")
            matches.first.click()
            expect(agent.locator("#id_caller")).to_have_value("rwhite")
            expect(matches).to_have_count(0)
            agent.select_option("#id_service", str(self.service.pk))
            agent.fill("#id_short_description", "Cannot open shared mailbox")
            agent.click("text=Log the call")
            expect(agent.locator("#call-status")).to_have_text("New")
        incident = Incident.objects.get()
        assert incident.caller == self.caller and incident.channel == "phone"
