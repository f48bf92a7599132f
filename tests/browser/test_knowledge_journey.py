"""Self-help in Chromium: while a requester describes a call, a matching article is
suggested; "this solved it" counts a deflection and no call is logged."""

from django.contrib.auth.models import Group

from core.models import Organisation, Team, TeamKind, User
from core.roles import Role, assign_role_permissions
from knowledge.actions import do_create_article, do_transition_article
from knowledge.models import Deflection
from knowledge.sample_articles import SAMPLE_ARTICLES
from servicedesk.models import Incident, Service
from tests.browser.base import PASSWORD, BrowserTestCase


class KnowledgeJourneyTests(BrowserTestCase):
    """A requester typing on the portal's log-a-call form."""

    def setUp(self):
        assign_role_permissions()
        council = Organisation.objects.create(name="Northshire County Council", slug="north")
        team = Team.objects.create(name="Service Desk", kind=TeamKind.SERVICE_DESK)
        team.organisations.add(council)
        self.service = Service.objects.create(name="Remote access", owner_team=team)
        self.requester = User.objects.create_user(
            "rachel", "rachel@north.gov.uk", PASSWORD, organisation=council, first_name="Rachel"
        )
        self.requester.groups.add(Group.objects.get(name=Role.REQUESTER))
        author = User.objects.create_user(
            "aisha", "aisha@north.gov.uk", PASSWORD, organisation=council
        )
        author.groups.add(Group.objects.get(name=Role.AGENT))
        for title, audience, body in SAMPLE_ARTICLES:
            article = do_create_article(actor=author, title=title, body=body, audience=audience)
            do_transition_article(article.pk, actor=author, name="publish")

    def test_should_suggest_an_article_and_log_no_call_when_it_solved_it(self):
        from playwright.sync_api import expect

        with self.chromium() as browser:
            page = self.sign_in(browser, "rachel")
            page.goto(self.live_server_url + "/portal/calls/new/")
            page.select_option("#id_service", str(self.service.pk))
            page.locator("#id_short_description").press_sequentially("Cannot connect to the VPN")
            page.locator("#id_description").press_sequentially("working from home today")
            suggestion = page.locator(".kb-suggestion", has_text="Connect to the VPN from home")
            expect(suggestion).to_have_count(1)
            suggestion.locator("button:has-text('This solved it')").click()
            page.wait_for_url(self.live_server_url + "/portal/")
            expect(page.locator(".alert-success")).to_contain_text("No call was logged")

        self.assertFalse(Incident.objects.exists())
        deflection = Deflection.objects.get()
        self.assertEqual(deflection.user, self.requester)
        self.assertEqual(deflection.article.title, "Connect to the VPN from home")
        self.assertIn("vpn", deflection.query.lower())
