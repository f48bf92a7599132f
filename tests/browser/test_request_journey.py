"""The service-request journey in Chromium: order £30,000 of kit, three approvals, two teams' tasks.

A requester orders a server from the portal's catalogue (the form shows that the ICT manager
and the ICT executive board must approve); the ICT manager approves from their portal queue;
the board, deciding by majority of three, approves with two members' votes; the tasks appear
in the teams' queues on the desk, an agent works them stage by stage; the requester sees the
request fulfilled.
"""

from decimal import Decimal

from django.contrib.auth.models import Group

from core.models import Organisation, Team, TeamKind, User
from core.roles import Role, assign_role_permissions
from servicedesk.models import Service, ServiceStandard
from servicerequests.choices import DecisionRule, FieldKind
from servicerequests.models import (
    ApprovalPolicy,
    FulfilmentStep,
    RequestField,
    RequestItem,
    ServiceRequest,
)
from tests.browser.base import PASSWORD, BrowserTestCase


class RequestJourneyTests(BrowserTestCase):
    """From the catalogue to fulfilled, through the ICT manager and a board majority."""

    def person(self, username, first, last, role, teams=()):
        user = User.objects.create_user(
            username,
            f"{username}@north.gov.uk",
            PASSWORD,
            organisation=self.council,
            first_name=first,
            last_name=last,
        )
        user.groups.add(Group.objects.get(name=role))
        for team in teams:
            team.members.add(user)
        return user

    def setUp(self):
        assign_role_permissions()
        self.council = Organisation.objects.create(name="Northshire County Council", slug="north")
        self.desk = Team.objects.create(name="Service Desk", kind=TeamKind.SERVICE_DESK)
        self.infra = Team.objects.create(name="Infrastructure", kind=TeamKind.SECOND_LINE)
        for team in (self.desk, self.infra):
            team.organisations.add(self.council)
        self.rachel = self.person("rachel", "Rachel", "Green", Role.REQUESTER)
        self.ivan = self.person("ivan", "Ivan", "Jones", Role.APPROVER)
        self.board = [
            self.person("bea", "Bea", "Hughes", Role.APPROVER),
            self.person("bill", "Bill", "Price", Role.APPROVER),
            self.person("bob", "Bob", "Evans", Role.APPROVER),
        ]
        self.agent = self.person("alex", "Alex", "Shaw", Role.AGENT, [self.desk, self.infra])

        # No calendar: the clocks count every hour, so the journey does not depend on the day.
        service = Service.objects.create(name="Data centre", owner_team=self.infra)
        standard = ServiceStandard.objects.create(
            service=service, priority=4, response_minutes=240, resolution_minutes=20 * 60
        )
        self.item = RequestItem.objects.create(
            service=service,
            name="Virtualisation host",
            description="A rack server for the council's virtual machines.",
            cost=Decimal("30000.00"),
            is_ict_purchase=True,
            standard=standard,
            is_published=True,
        )
        RequestField.objects.create(
            item=self.item, key="hostname", label="Host name", kind=FieldKind.TEXT, order=1
        )
        RequestField.objects.create(
            item=self.item,
            key="site",
            label="Data centre",
            kind=FieldKind.CHOICE,
            choices="County Hall\nDisaster recovery site",
            order=2,
        )
        FulfilmentStep.objects.create(
            item=self.item, stage=1, team=self.infra, title="Order and rack the server"
        )
        FulfilmentStep.objects.create(
            item=self.item, stage=2, team=self.desk, title="Hand over to the requester"
        )
        policy = ApprovalPolicy.objects.create(
            organisation=self.council,
            board_threshold=Decimal("25000"),
            board_decision=DecisionRule.MAJORITY,
        )
        policy.ict_managers.set([self.ivan])
        policy.board_members.set(self.board)

    def approve_in_queue(self, page, reference, expected_message):
        """Open the portal's approval queue, the request's step, and approve it."""
        from playwright.sync_api import expect

        page.goto(self.live_server_url + "/portal/approvals/")
        page.click(f"#approvals-awaiting a:has-text('{reference}')")
        page.fill("#id_reason", "Within the capital budget")
        page.click("#decision-form button:has-text('Approve')")
        expect(page.locator(".alert-success")).to_contain_text(expected_message)
        expect(page.locator("#approvals-awaiting")).not_to_contain_text(reference)

    def test_should_take_a_30000_pound_request_from_the_catalogue_to_fulfilled(self):
        from playwright.sync_api import expect

        with self.chromium() as browser:
            # The requester orders from the catalogue; the form says who must approve.
            rachel = self.sign_in(browser, "rachel")
            rachel.click("#request-links a:has-text('Request something')")
            expect(rachel.locator(f"#service-{self.item.service_id}")).to_contain_text(
                "Virtualisation host"
            )
            rachel.click("a:has-text('Virtualisation host')")
            plan = rachel.locator("#approval-plan")
            expect(plan).to_contain_text("£30000.00")
            expect(plan.locator("#preview-steps li")).to_have_text(
                [
                    "ICT manager (Ivan Jones)",
                    "ICT executive board (3 members; a majority of members)",
                ]
            )
            rachel.click("button:has-text('Submit request')")
            expect(rachel.locator(".invalid-feedback").first).to_have_text(
                "This field is required."
            )
            self.assertEqual(ServiceRequest.objects.count(), 0)
            rachel.fill("#id_hostname", "nsc-vmh-07")
            rachel.select_option("#id_site", "Disaster recovery site")
            rachel.click("button:has-text('Submit request')")
            expect(rachel.locator("#request-status")).to_have_text("Awaiting approval")
            request = ServiceRequest.objects.get()
            reference = request.reference
            expect(rachel.locator("#request-answers")).to_contain_text("nsc-vmh-07")
            expect(rachel.locator("#approval-steps tbody tr")).to_have_count(2)
            request_url = rachel.url

            # The ICT manager approves from his portal queue.
            ivan = self.sign_in(browser, "ivan")
            self.approve_in_queue(ivan, reference, f"{reference}: approved.")

            # The board decides by majority: Bea's vote alone does not decide, Bill's does.
            bea = self.sign_in(browser, "bea")
            self.approve_in_queue(bea, reference, f"Your vote on {reference} is recorded.")
            self.assertEqual(ServiceRequest.objects.get().status, "awaiting_approval")
            bill = self.sign_in(browser, "bill")
            self.approve_in_queue(bill, reference, f"{reference}: approved.")
            bob = self.sign_in(browser, "bob")
            bob.goto(self.live_server_url + "/portal/approvals/")
            expect(bob.locator("#approvals-awaiting")).to_contain_text("Nothing awaits")

            rachel.goto(request_url)
            expect(rachel.locator("#request-status")).to_have_text("In fulfilment")
            expect(rachel.locator("#approval-steps")).to_contain_text("Bill Price")

            # The first stage's task is in Infrastructure's queue on the desk.
            alex = self.sign_in(browser, "alex")
            alex.goto(self.live_server_url + "/desk/")
            infra_tasks = alex.locator(f"#team-tasks-{self.infra.pk}")
            expect(infra_tasks).to_contain_text(reference)
            expect(alex.locator(f"#team-tasks-{self.desk.pk}")).to_contain_text("No open tasks")
            infra_tasks.locator("a:has-text('Order and rack the server')").click()
            alex.click("#task-actions button:has-text('Start')")
            expect(alex.locator("#task-status")).to_have_text("In progress")
            alex.fill("#notes-complete", "Racked in cabinet 4")
            alex.click("#task-actions button:has-text('Complete')")
            expect(alex.locator("#task-status")).to_have_text("Done")

            # The second stage opens in the Service Desk's queue.
            alex.goto(self.live_server_url + "/desk/")
            desk_tasks = alex.locator(f"#team-tasks-{self.desk.pk}")
            desk_tasks.locator("a:has-text('Hand over to the requester')").click()
            alex.click("#task-actions button:has-text('Complete')")
            expect(alex.locator("#task-status")).to_have_text("Done")

            # The requester sees it fulfilled, every task done.
            rachel.goto(request_url)
            expect(rachel.locator("#request-status")).to_have_text("Fulfilled")
            expect(rachel.locator("#task-list tbody tr")).to_have_count(2)
            expect(rachel.locator("#tasks-progress")).to_have_text("2 of 2")
        self.assertEqual(ServiceRequest.objects.get().status, "fulfilled")
