"""The KPI wallboard updates itself when someone logs a call, and the dashboard draws its charts."""

from django.contrib.auth.models import Group

from core.models import Organisation, Team, TeamKind, User
from core.roles import Role, assign_role_permissions
from servicedesk.models import Incident, Service
from tests.browser.base import PASSWORD, BrowserTestCase


class KpiLiveTests(BrowserTestCase):
    """A manager watches the wallboard in one browser while a requester logs a call in another."""

    def setUp(self):
        assign_role_permissions()
        north = Organisation.objects.create(name="Northshire County Council", slug="north")
        east = Organisation.objects.create(name="Eastvale District Council", slug="east")
        desk = Team.objects.create(name="Service Desk", kind=TeamKind.SERVICE_DESK)
        desk.organisations.set([north, east])
        self.service = Service.objects.create(name="Email", owner_team=desk)

        def person(username, role, organisation):
            user = User.objects.create_user(
                username, f"{username}@example.gov.uk", PASSWORD, organisation=organisation
            )
            user.groups.add(Group.objects.get(name=role))
            return user

        self.manager = person("manager_north", Role.MANAGER, north)
        self.requester = person("rachel", Role.REQUESTER, north)
        self.outsider = person("eddie", Role.REQUESTER, east)

    def log_in_portal(self, browser, username, summary):
        """Log a call through the portal's form, as the person would."""
        from playwright.sync_api import expect

        page = self.sign_in(browser, username)
        page.goto(self.live_server_url + "/portal/calls/new/")
        page.select_option("#id_service", str(self.service.pk))
        page.fill("#id_short_description", summary)
        page.fill("#id_description", "Since this morning.")
        page.click("text=Log the call")
        expect(page.locator("#call-status")).to_have_text("New")
        page.context.close()

    def test_should_update_the_wallboard_live_and_draw_the_dashboard_charts(self):
        from playwright.sync_api import expect

        with self.chromium() as browser:
            board = self.sign_in(browser, "manager_north")
            board.goto(self.live_server_url + "/kpis/wallboard/")
            expect(board.locator("#wallboard-live")).to_have_text("live")
            board.evaluate("window.notReloaded = true")
            logged = board.locator("[data-figure=logged_today]")
            expect(logged).to_have_text("0")

            # Another council's call is not this manager's: the board stays as it was.
            self.log_in_portal(browser, "eddie", "Eastvale printer jams")
            self.log_in_portal(browser, "rachel", "Outlook will not open")
            assert Incident.objects.count() == 2
            expect(logged).to_have_text("1")
            expect(board.locator("[data-figure=open]")).to_have_text("1")
            expect(board.locator("[data-figure=unassigned]")).to_have_text("1")
            assert board.evaluate("window.notReloaded") is True

            board.goto(self.live_server_url + "/kpis/")
            cards = board.locator("#kpi-cards [data-kpi]")
            expect(cards.first).to_be_visible()
            card_count = cards.count()
            drawn = board.evaluate(
                """() => {
                  const source = document.getElementById("kpi-chart-data");
                  const expected = JSON.parse(source.textContent);
                  return expected.map((chart) => {
                    const canvas = document.getElementById(chart.id);
                    const drawn = canvas && Chart.getChart(canvas);
                    return {
                      id: chart.id,
                      expectedLabels: chart.labels,
                      expectedValues: chart.values,
                      labels: drawn ? drawn.data.labels : null,
                      values: drawn ? drawn.data.datasets[0].data : null,
                      width: canvas ? canvas.width : 0,
                      height: canvas ? canvas.height : 0,
                    };
                  });
                }"""
            )
        assert len(drawn) == card_count > 0
        for chart in drawn:
            # Every card's canvas holds a chart drawn from exactly the server's figures.
            assert chart["labels"] == chart["expectedLabels"], chart["id"]
            assert chart["values"] == chart["expectedValues"], chart["id"]
            assert len(chart["labels"]) >= 1, chart["id"]
            assert chart["width"] > 0 and chart["height"] > 0, chart["id"]
        # The trend of calls logged ends with this period: north's one call, not east's.
        (logged_trend,) = [chart for chart in drawn if chart["id"] == "trend-calls_logged"]
        assert len(logged_trend["values"]) == 6
        assert logged_trend["values"][-1] == 1
