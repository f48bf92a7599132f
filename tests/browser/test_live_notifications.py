"""The notification bell updates live, over a real WebSocket served by daphne, in Chromium."""

from django.contrib.auth.models import Group

from core.models import Organisation, Team, TeamKind, User
from core.roles import Role, assign_role_permissions
from tests.browser.base import PASSWORD, BrowserTestCase


class LiveNotificationTests(BrowserTestCase):
    """Two people in two browsers: one acts, the other sees it without reloading."""

    def setUp(self):
        assign_role_permissions()
        council = Organisation.objects.create(name="Northshire County Council", slug="north")
        self.team = Team.objects.create(name="Networks", kind=TeamKind.THIRD_LINE)
        self.team.organisations.add(council)
        self.admin = User.objects.create_user(
            "admin", "admin@north.gov.uk", PASSWORD, organisation=council
        )
        self.admin.groups.add(Group.objects.get(name=Role.ADMINISTRATOR))
        self.agent = User.objects.create_user(
            "agent",
            "agent@north.gov.uk",
            PASSWORD,
            organisation=council,
            first_name="Aisha",
            last_name="Khan",
        )
        self.agent.groups.add(Group.objects.get(name=Role.AGENT))

    def test_should_show_a_new_notification_to_the_person_without_a_reload(self):
        from playwright.sync_api import expect

        with self.chromium() as browser:
            agent_page = self.sign_in(browser, "agent")
            assert agent_page.url.endswith("/desk/")
            badge = agent_page.locator("#unread-count")
            expect(badge).to_be_hidden()

            admin_page = self.sign_in(browser, "admin")
            admin_page.goto(self.live_server_url + self.team.get_absolute_url())
            admin_page.select_option("#add-person", str(self.agent.pk))
            admin_page.click("text=Add member")
            expect(admin_page.locator(".alert-success")).to_contain_text(
                "Aisha Khan added to Networks"
            )

            # The agent's page was never reloaded: the socket delivered it.
            expect(badge).to_have_text("1")
            expect(badge).to_be_visible()
            expect(agent_page.locator("#live-toasts")).to_contain_text("You were added to Networks")
            agent_page.click("#live-toasts a")
            assert agent_page.url.endswith(self.team.get_absolute_url())
