"""The CAB journey in Chromium: raise, assess, agenda, two members vote live, chair approves."""

from django.contrib.auth.models import Group

from assets.models import Asset
from changes import actions
from changes.models import Change
from core.models import Organisation, Team, TeamKind, User
from core.roles import Role, assign_role_permissions
from servicedesk.models import Service
from tests.browser.base import PASSWORD, BrowserTestCase


class CabJourneyTests(BrowserTestCase):
    """A change goes from raised to approved at a CAB, with votes seen live by both members."""

    def person(self, username, first, last, role):
        user = User.objects.create_user(
            username,
            f"{username}@north.gov.uk",
            PASSWORD,
            organisation=self.council,
            first_name=first,
            last_name=last,
        )
        user.groups.add(Group.objects.get(name=role))
        self.team.members.add(user)
        return user

    def setUp(self):
        assign_role_permissions()
        self.council = Organisation.objects.create(name="Northshire County Council", slug="north")
        self.team = Team.objects.create(name="Infrastructure", kind=TeamKind.SECOND_LINE)
        self.team.organisations.add(self.council)
        self.chair = self.person("carl", "Carl", "Morgan", Role.CHANGE_MANAGER)
        self.beth = self.person("beth", "Beth", "Owen", Role.CAB_MEMBER)
        self.dev = self.person("dev", "Dev", "Patel", Role.CAB_MEMBER)
        self.network = Service.objects.create(name="Network and Wi-Fi", owner_team=self.team)
        self.switch = Asset.objects.create(organisation=self.council, asset_tag="SW-CH-01")
        actions.do_create_cab_board(
            actor=self.chair,
            name="Weekly CAB",
            chair=self.chair,
            members=[self.beth, self.dev],
            quorum=2,
            ecab_members=[self.chair, self.beth],
            ecab_quorum=2,
            organisations=[self.council],
        )

    def test_should_take_a_change_through_a_live_cab_to_approved(self):
        from playwright.sync_api import expect

        with self.chromium() as browser:
            chair = self.sign_in(browser, "carl")
            # Raise the change.
            chair.goto(self.live_server_url + "/changes/requests/new/")
            chair.select_option("#id_organisation", str(self.council.pk))
            chair.fill("#id_title", "Upgrade core switch firmware")
            chair.fill("#id_description", "Apply firmware 17.3 to SW-CH-01")
            chair.fill("#id_reason", "Vendor security advisory")
            chair.select_option("#id_change_type", "normal")
            chair.select_option("#id_implementer_team", str(self.team.pk))
            chair.select_option("#id_affected_services", [str(self.network.pk)])
            chair.select_option("#id_affected_assets", [str(self.switch.pk)])
            chair.fill("#id_planned_start", "2026-12-07T19:00")
            chair.fill("#id_planned_end", "2026-12-07T21:00")
            chair.click("button:has-text('Save')")
            expect(chair.locator("#change-status")).to_have_text("Draft")
            expect(chair.locator("#affected-services")).to_have_text("Network and Wi-Fi")
            asset_link = chair.locator("#affected-assets a")
            expect(asset_link).to_have_attribute("href", self.switch.get_absolute_url())
            change = Change.objects.get(title="Upgrade core switch firmware")

            # Submit, assess through the questionnaire, send to CAB.
            chair.click("#change-steps button:has-text('Submit')")
            expect(chair.locator("#change-status")).to_have_text("Submitted")
            chair.click("text=Assess risk")
            chair.select_option("#id_users_affected", "council")
            chair.click("button:has-text('Save')")
            expect(chair.locator("#change-status")).to_have_text("Assessed")
            chair.click("#change-steps button:has-text('Send to CAB')")
            expect(chair.locator("#change-status")).to_have_text("Awaiting CAB")

            # The next meeting's agenda is built with it; publish and open the session.
            chair.goto(self.live_server_url + "/changes/cab/")
            chair.click("button:has-text('Plan next meeting')")
            expect(chair.locator("#agenda")).to_contain_text(change.reference)
            chair.click("button:has-text('Publish agenda')")
            expect(chair.locator("#meeting-status")).to_have_text("Agenda published")
            chair.click("button:has-text('Open session')")
            expect(chair.locator("#board-connection")).to_have_text("live")
            item = f"#item-{change.agenda_items.get().pk}"
            chair.click(f"{item} .open-item")
            expect(chair.locator(f"{item} .vote-form")).to_be_visible()
            board_url = chair.url

            # Two members, two browser contexts, each sees the other's vote arrive.
            beth = self.sign_in(browser, "beth")
            beth.goto(board_url)
            dev = self.sign_in(browser, "dev")
            dev.goto(board_url)
            for page in (beth, dev):
                expect(page.locator("#board-connection")).to_have_text("live")
                expect(page.locator(f"{item} .vote-form")).to_be_visible()

            beth.select_option(f"{item} .vote-form select", "approve")
            beth.fill(f"{item} .vote-form input[name=comment]", "Tested in the lab")
            beth.click(f"{item} .vote-form button")
            expect(dev.locator(f"{item} .votes")).to_contain_text(
                "Beth Owen: Approve — Tested in the lab"
            )
            dev.select_option(f"{item} .vote-form select", "reject")
            dev.fill(f"{item} .vote-form input[name=comment]", "Too close to year end")
            dev.click(f"{item} .vote-form button")
            expect(beth.locator(f"{item} .votes")).to_contain_text(
                "Dev Patel: Reject — Too close to year end"
            )
            expect(chair.locator(f"{item} .votes .vote")).to_have_count(2)

            # The chair approves; everyone's board shows it, the change moves.
            chair.select_option(f"{item} .decide-form select", "approve")
            chair.click(f"{item} .decide-form button")
            for page in (chair, beth, dev):
                expect(page.locator(f"{item} .decision")).to_contain_text("Approve")
                expect(page.locator(f"{item} .change-status")).to_have_text("Approved")
            self.assertEqual(Change.objects.get(pk=change.pk).status, "approved")

            # Minutes show the votes.
            chair.click("button:has-text('Close and publish minutes')")
            minutes = chair.locator("#minutes")
            expect(minutes).to_contain_text("Beth Owen: Approve — Tested in the lab")
            expect(minutes).to_contain_text("Dev Patel: Reject — Too close to year end")
            expect(minutes).to_contain_text("Approve")
