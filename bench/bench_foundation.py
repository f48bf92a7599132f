"""Benchmark the foundation at realistic volume: scoped people lists and business time.

A shared service for ten councils of ~5,000 staff each: 50,000 people by default. Measures,
for an administrator (sees everything) and for an agent whose team serves two councils:
queries per page and time per page of the people list, its Excel export, and the cost of
the visibility scope; then business-calendar arithmetic throughput.

    .venv/bin/python bench/bench_foundation.py [--people 50000] [--repeat 20]

Uses its own SQLite file under var/bench/ unless DATABASE_URL is set (then that database,
which must be empty or previously filled by this script).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("CIVICDESK_VAR_DIR", str(ROOT / "var" / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def fill(people: int) -> None:
    """Create ten councils, their teams and `people` staff (once; reruns reuse them)."""
    from django.contrib.auth.models import Group

    from core.models import Department, Organisation, Site, Team, TeamKind, User
    from core.roles import Role

    if User.objects.filter(username__startswith="bench").count() >= people:
        return
    started = time.perf_counter()
    councils = [
        Organisation.objects.get_or_create(slug=f"council-{n}", defaults={"name": f"Council {n}"})[
            0
        ]
        for n in range(10)
    ]
    departments = {
        c.pk: [
            Department.objects.get_or_create(organisation=c, name=f"Dept {d}")[0] for d in range(8)
        ]
        for c in councils
    }
    sites = {
        c.pk: [Site.objects.get_or_create(organisation=c, name=f"Site {s}")[0] for s in range(5)]
        for c in councils
    }
    batch = []
    for n in range(people):
        council = councils[n % 10]
        batch.append(
            User(
                username=f"bench{n:07d}",
                first_name=f"First{n % 997}",
                last_name=f"Last{n % 1009}",
                email=f"bench{n}@council{n % 10}.gov.uk",
                organisation=council,
                department=departments[council.pk][n % 8],
                site=sites[council.pk][n % 5],
                job_title=("Officer", "Manager", "Assistant", "Social worker")[n % 4],
                password="!",  # unusable: these people never sign in
            )
        )
        if len(batch) == 5000:
            User.objects.bulk_create(batch)
            batch = []
    User.objects.bulk_create(batch)
    requester = Group.objects.get(name=Role.REQUESTER)
    through = User.groups.through
    through.objects.bulk_create(
        through(user_id=pk, group_id=requester.pk)
        for pk in User.objects.filter(username__startswith="bench").values_list("pk", flat=True)
    )
    desk, _ = Team.objects.get_or_create(name="Bench desk", kind=TeamKind.SERVICE_DESK)
    desk.organisations.set(councils[:2])
    print(f"filled {people:,} people in {time.perf_counter() - started:.1f} s")


def agent_and_admin():
    """The two viewers measured: an agent serving two councils, and an administrator."""
    from django.contrib.auth.models import Group

    from core.models import Organisation, Team, User
    from core.roles import Role

    agent, created = User.objects.get_or_create(
        username="bench-agent",
        defaults={"organisation": Organisation.objects.get(slug="council-0")},
    )
    if created:
        agent.groups.add(Group.objects.get(name=Role.AGENT))
        Team.objects.get(name="Bench desk").members.add(agent)
    admin, created = User.objects.get_or_create(username="bench-admin")
    if created:
        admin.groups.add(Group.objects.get(name=Role.ADMINISTRATOR))
    return agent, admin


def measure(client: Client, url: str, repeat: int) -> tuple[int, float, float]:
    """(queries, median ms, max ms) of GET url."""
    timings = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return len(queries), statistics.median(timings), max(timings)


def bench_pages(repeat: int) -> None:
    """People list pages and exports for both viewers."""
    from core.models import User

    agent, admin = agent_and_admin()
    for label, user in (("administrator", admin), ("agent (2 of 10 councils)", agent)):
        client = Client()
        client.force_login(user)
        visible = User.objects.visible_to(User.objects.get(pk=user.pk)).count()
        print(f"\n{label}: sees {visible:,} people")
        for name, url in (
            ("people list, page 1", "/settings/people/"),
            ("people list, page 200", "/settings/people/?page=200"),
            ("people list, search 'Last12'", "/settings/people/?q=Last12"),
            ("people list, sorted by name", "/settings/people/?sort=name"),
        ):
            queries, median, worst = measure(client, url, repeat)
            print(
                f"  {name:<32} {queries:>3} queries  median {median:7.1f} ms  max {worst:7.1f} ms"
            )
        queries, median, worst = measure(client, "/settings/people/?q=Last12&export=xlsx", 3)
        print(f"  {'Excel export of the search':<32} {queries:>3} queries  median {median:7.1f} ms")


def bench_calendars() -> None:
    """Business-time arithmetic on the standard calendar."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from core.calendars import CalendarSpec, add_business_seconds, business_seconds_between

    spec = CalendarSpec(
        weekly_hours={d: ((dt.time(8), dt.time(18)),) for d in range(5)}, holiday_region="ENG"
    )
    start = dt.datetime(2026, 11, 13, 17, 0, tzinfo=ZoneInfo("Europe/London"))
    count = 20000
    started = time.perf_counter()
    for n in range(count):
        add_business_seconds(spec, start + dt.timedelta(minutes=n), 4 * 3600)
    per_call = (time.perf_counter() - started) / count * 1e6
    print(f"\nadd 4 business hours:            {per_call:6.1f} µs per call ({count:,} calls)")
    started = time.perf_counter()
    for n in range(count):
        business_seconds_between(spec, start, start + dt.timedelta(days=30, minutes=n))
    per_call = (time.perf_counter() - started) / count * 1e6
    print(f"business seconds across 30 days:  {per_call:6.1f} µs per call ({count:,} calls)")


def main() -> None:
    """Fill, then measure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    fill(args.people)
    print(f"database: {connection.vendor}")
    bench_pages(args.repeat)
    bench_calendars()


if __name__ == "__main__":
    main()
