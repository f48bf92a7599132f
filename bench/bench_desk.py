"""Benchmark the agent's desk on a large call history (default 1,000,000 calls).

Fills its own database with `manage.py seed_demo --calls N` (once), then measures, for the
demo agent of the shared service desk, server time (median and 95th percentile over
--repeat requests after warm-up) and SQL query count of:

- "my teams' open calls", first page and page 200
- a filtered queue: priority + category + breaching (past 75% of the target)
- a call page

    .venv/bin/python bench/bench_desk.py [--calls 1000000] [--repeat 20]

Uses its own SQLite file under var/bench-desk/ unless DATABASE_URL is set (then that
database, which must be empty or previously filled by this script). Requests go through
Django's test client in-process, so the time is server time (no network, no browser).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("CIVICDESK_VAR_DIR", str(ROOT / "var" / "bench-desk"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Measure as a deployment runs: no debug templates or query logging (seeding turns it on).
os.environ.setdefault("DEBUG", "false")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def fill(calls: int) -> None:
    """Migrate and seed the demo with `calls` calls, unless already there."""
    call_command("migrate", verbosity=0)
    from servicedesk.models import Incident

    have = Incident.objects.count()
    if have >= calls:
        print(f"Database already holds {have:,} calls.")
        return
    settings.DEBUG = True  # seed_demo refuses demo logins otherwise
    started = time.perf_counter()
    try:
        call_command("seed_demo", calls=calls - have)
    except Exception as exc:  # noqa: BLE001 - another app's seeder must not stop the benchmark
        # Each app seeds in its own transaction, servicedesk before the apps after it.
        if Incident.objects.count() < calls:
            raise
        print(f"(seed_demo failed after the calls were seeded: {exc!r})")
    finally:
        settings.DEBUG = False
    print(f"Seeded {calls - have:,} calls in {time.perf_counter() - started:.0f} s")
    with connection.cursor() as cursor:
        # Fresh statistics so the planner picks the queue indexes.
        cursor.execute("ANALYZE")


def measure(client: Client, url: str, repeat: int) -> tuple[float, float, int, int, str]:
    """(median ms, p95 ms, queries, status, rows matched) of GET `url` after two warm-ups."""
    for _ in range(2):
        client.get(url)
    timings, queries, status = [], 0, 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        queries, status = len(captured.captured_queries), response.status_code
    timings.sort()
    p95 = timings[min(len(timings) - 1, int(round(0.95 * (len(timings) - 1))))]
    found = re.search(r"(\d+) results?", response.content.decode())
    return statistics.median(timings), p95, queries, status, found.group(1) if found else "-"


def main() -> None:
    """Fill, then print one line per page measured."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    fill(args.calls)

    from django.utils import timezone

    from core.models import User
    from servicedesk.models import Category, Incident

    agent = User.objects.get(username="agent")
    client = Client()
    client.force_login(agent)
    category = Category.objects.filter(service__isnull=False).order_by("pk").first()
    call = Incident.objects.filter(status="in_progress").order_by("-pk").first()
    total = Incident.objects.count()
    open_calls = Incident.objects.filter(
        status__in=["new", "assigned", "in_progress", "pending"]
    ).count()
    print(f"{total:,} calls ({open_calls:,} open) on {connection.vendor}; {timezone.now():%c}")
    pages = [
        ("my teams' open calls, page 1", "/desk/queues/teams/"),
        ("my teams' open calls, page 200", "/desk/queues/teams/?page=200"),
        (
            "filtered: priority+category+breaching",
            f"/desk/queues/open/?priority=3&category={category.pk}&breaching=soon",
        ),
        ("call page", f"/desk/calls/{call.pk}/"),
    ]
    print(f"{'page':<40} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'status':>7} {'rows':>7}")
    for label, url in pages:
        median, p95, queries, status, rows = measure(client, url, args.repeat)
        print(f"{label:<40} {median:>10.1f} {p95:>8.1f} {queries:>8} {status:>7} {rows:>7}")


if __name__ == "__main__":
    main()
