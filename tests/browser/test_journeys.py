"""Browser journeys: a real Chromium, driven by Playwright, against the live test server.

Each journey signs in through the login form and asserts what the person sees: their
landing page, the refusal page, the team pages an administrator edits, the stylesheet.
"""

from __future__ import annotations

import io
import re
import threading
from pathlib import Path

import pytest
from django.core.management import call_command

from core.management.commands.seed_demo import DEMO_PASSWORD, ORGANISATIONS, PEOPLE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 10_000

# Where each demo login lands after signing in (core.navigation.landing_url_for).
LANDING = {
    "admin": "/settings/organisations/",
    "requester": "/portal/",
    "agent": "/desk/",
    "teamlead": "/desk/",
    "approver": "/portal/",
    "changemanager": "/changes/",
    "cabmember": "/changes/",
    "assetmanager": "/assets/",
    "manager": "/kpis/",
    "requester2": "/portal/",
    "agent2": "/desk/",
}
ORGANISATION_NAMES = {spec["slug"]: spec["name"] for spec in ORGANISATIONS}
DEMO_PEOPLE = {
    username: (f"{first} {last}", ORGANISATION_NAMES[org_slug])
    for username, first, last, org_slug, *_ in PEOPLE
}


@pytest.fixture(scope="module", autouse=True)
def allow_async_unsafe():
    """Let Django use the database from this thread, where Playwright runs an event loop.

    Without it the test database's flush and set-up raise SynchronousOnlyOperation; setting
    DJANGO_ALLOW_ASYNC_UNSAFE is Django's documented workaround. It is set only while this
    module runs: left in os.environ it would reach every subprocess the rest of the suite
    starts, and `manage.py check --deploy` fails on it (async.E001).
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="module")
def browser(allow_async_unsafe):
    """One Chromium for the whole module; every test opens its own clean contexts."""
    if not CHROMIUM.exists():
        pytest.skip(
            f"{CHROMIUM} not found: the browser test command installs it "
            "(apt-get install chromium)."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser):
    """Open a page in a fresh context (clean cookies); every context is closed afterwards."""
    contexts = []

    def open_page(context=None):
        if context is None:
            context = browser.new_context()
            contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.set_default_navigation_timeout(TIMEOUT_MS)
        return page

    yield open_page
    for context in contexts:
        context.close()


def seed_demo(live_server) -> None:
    """Seed the demo from a worker thread sharing the live server's database connection.

    The transactional flush emptied the role groups, so they are remade first. The seed
    runs off this thread because Playwright keeps an event loop running here, and the
    seed's on-commit broadcasts call async_to_sync, which refuses to run under one.
    """
    failures: list[BaseException] = []

    def work() -> None:
        from django.db import connections

        from core.roles import assign_role_permissions

        for alias, connection in live_server.thread.connections_override.items():
            connections[alias] = connection  # the in-memory test database, as the server sees it
        try:
            assign_role_permissions()
            call_command("seed_demo", force=True, stdout=io.StringIO())
        except BaseException as exc:  # re-raised in the test's thread
            failures.append(exc)

    worker = threading.Thread(target=work, name="seed-demo")
    worker.start()
    worker.join()
    if failures:
        raise failures[0]


def sign_in(page, base_url: str, username: str, password: str = DEMO_PASSWORD) -> None:
    """Fill in and submit the login form."""
    page.goto(f"{base_url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.get_by_role("button", name="Sign in").click()


def path_of(url: str) -> str:
    """The path of an absolute URL (no query string)."""
    return re.sub(r"^https?://[^/]+", "", url).split("?", 1)[0]


@pytest.mark.parametrize("username", list(LANDING))
def test_should_land_each_demo_login_on_its_role_page_and_sign_out(live_server, new_page, username):
    from playwright.sync_api import expect

    seed_demo(live_server)
    full_name, organisation = DEMO_PEOPLE[username]
    page = new_page()

    sign_in(page, live_server.url, username)

    assert path_of(page.url) == LANDING[username], (
        f"{username} landed on {page.url}, expected {LANDING[username]}"
    )
    expect(page.get_by_role("navigation").get_by_role("link", name=full_name)).to_be_visible()
    # Visible text, not an option of a filter's select (the KPI dashboard has councils there).
    council = page.get_by_role("main").get_by_text(organisation, exact=True)
    expect(council.filter(visible=True).first).to_be_visible()
    if username != "admin":  # area pages open with a card saying who is signed in
        whoami = page.locator(".whoami")
        expect(whoami.get_by_role("heading", name=full_name)).to_be_visible()
        expect(whoami).to_contain_text(organisation)

    page.get_by_role("button", name="Sign out").click()

    expect(page).to_have_url(re.compile(r"/login/$"))
    expect(page.get_by_role("heading", name="Sign in to civicdesk")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)


def test_should_refuse_a_wrong_password_and_stay_on_the_login_page(live_server, new_page):
    from playwright.sync_api import expect

    seed_demo(live_server)
    page = new_page()

    sign_in(page, live_server.url, "requester", password="not-the-password")

    expect(page.get_by_role("alert")).to_contain_text("didn't match")
    assert path_of(page.url) == "/login/"
    expect(page.get_by_label("Username")).to_have_value("requester")


def test_should_show_the_not_allowed_page_when_a_requester_opens_the_desk(live_server, new_page):
    from playwright.sync_api import expect

    seed_demo(live_server)
    page = new_page()
    sign_in(page, live_server.url, "requester")

    response = page.goto(f"{live_server.url}/desk/")

    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", name="You can't open this page")).to_be_visible()


def test_should_let_an_administrator_create_a_team_and_refuse_a_stale_second_tab(
    live_server, new_page
):
    from playwright.sync_api import expect

    seed_demo(live_server)
    page = new_page()
    sign_in(page, live_server.url, "admin")

    # Settings → Teams → New
    page.get_by_role("button", name="Settings").click()
    page.get_by_role("link", name="Teams").click()
    expect(page.get_by_role("heading", name="Teams")).to_be_visible()
    page.get_by_role("link", name="New").click()
    expect(page.get_by_role("heading", name="New team")).to_be_visible()

    page.get_by_label("Name").fill("Digital Services")
    page.get_by_label("Kind").select_option(label="Second line")
    page.get_by_label("Members").select_option(label="Rachel Reid")
    page.get_by_label("Organisations").select_option(label="Eastvale District Council")
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_url(re.compile(r"/settings/teams/\d+/$"))
    expect(page.get_by_role("heading", name="Digital Services", level=1)).to_be_visible()
    expect(page.get_by_role("alert").filter(has_text="Saved.")).to_be_visible()
    members = page.locator("table").filter(has=page.get_by_role("columnheader", name="Job title"))
    expect(members.get_by_role("link", name="Rachel Reid")).to_be_visible()
    expect(page.get_by_role("link", name="Eastvale District Council")).to_be_visible()
    team_url = page.url

    # Two tabs load the edit page; A saves first, B's save is then stale.
    tab_a = page
    tab_b = new_page(page.context)
    for tab in (tab_a, tab_b):
        tab.goto(f"{team_url}edit/")
        expect(tab.get_by_label("Name")).to_have_value("Digital Services")

    tab_a.get_by_label("Name").fill("Digital Services A")
    tab_a.get_by_role("button", name="Save").click()
    expect(tab_a.get_by_role("heading", name="Digital Services A", level=1)).to_be_visible()

    tab_b.get_by_label("Name").fill("Digital Services B")
    tab_b.get_by_role("button", name="Save").click()
    expect(tab_b.get_by_role("alert")).to_contain_text("changed by someone else")
    expect(tab_b.get_by_role("button", name="Save")).to_be_visible()
    assert path_of(tab_b.url) == path_of(f"{team_url}edit/")

    tab_b.goto(team_url)
    expect(tab_b.get_by_role("heading", level=1)).to_have_text("Digital Services A")


def test_should_serve_the_bootstrap_stylesheet_linked_in_the_page_head(live_server, new_page):
    page = new_page()

    page.goto(f"{live_server.url}/login/")
    href = page.locator('head link[rel="stylesheet"][href*="bootstrap.min.css"]').get_attribute(
        "href"
    )

    assert href, "no Bootstrap stylesheet link in the page head"
    response = page.request.get(f"{live_server.url}{href}" if href.startswith("/") else href)
    assert response.status == 200, f"{href} answered {response.status}"
    assert "text/css" in response.headers.get("content-type", "")
    assert "Bootstrap" in response.text()[:500]
