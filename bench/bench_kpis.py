"""Benchmark the monthly KPI pack on a large call history (1,000,000 calls seeded by
`seed_demo --calls`, and service requests by `seed_demo --requests`).

Times, for the last complete month of the data, as the demo manager sees it (both
organisations) and cut to one organisation:

- "headline": every KPI's value for the month (kpis.metrics.compute_all);
- "pack": the monthly pack as the pages, Excel and emails build it: every KPI with target,
  RAG, the 6-month trend and the breakdowns by each dimension (kpis.reports.build_report);
- "xlsx": the same pack written as the Excel workbook.

Reports the median and worst of --repeat runs after one warm-up, and the SQL query count of
the calling thread: the pack reads its trend's other months beside its own month on a second
connection (kpis.metrics.parallel), whose queries are not counted. CIVICDESK_KPI_THREADS=0
keeps the whole pack on one thread, to time it that way.
With --per-kpi it first times each KPI on its own, cold (one run): its headline for the
month on a fresh source (nothing shared with another KPI), and its pack line (the trend
months and the breakdowns) after the aggregates the report reads ahead for every KPI (timed
once on its own line), to show where the pack's time goes.

    CIVICDESK_VAR_DIR=var/bench-kpis .venv/bin/python bench/bench_kpis.py [--repeat 5] [--per-kpi]

Only reads: it never writes to the database it is pointed at. Point it at a copy of the
seeded benchmark database (see the module docstring of bench/bench_desk.py to seed one).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("CIVICDESK_VAR_DIR", str(ROOT / "var" / "bench-kpis"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from core.models import Organisation, User  # noqa: E402
from core.roles import Role  # noqa: E402
from core.visibility import scope_for  # noqa: E402
from kpis.excel import report_workbook  # noqa: E402
from kpis.metrics import (  # noqa: E402
    KPIS,
    Cut,
    Period,
    PeriodKind,
    Source,
    compute_all,
    prefetch_trend,
)
from kpis.reports import BREAKDOWNS, TREND_PERIODS, build_report  # noqa: E402
from servicedesk.models import Incident  # noqa: E402
from servicerequests.models import ServiceRequest  # noqa: E402


def manager() -> User:
    """Someone who sees every organisation's calls: a manager if one does (the demo's manager
    serves Northshire only), else an administrator, as the head of a shared service would."""
    candidates = [
        *User.objects.filter(groups__name=Role.MANAGER, is_active=True).order_by("pk"),
        *User.objects.filter(groups__name=Role.ADMINISTRATOR, is_active=True).order_by("pk"),
        *User.objects.filter(is_superuser=True, is_active=True).order_by("pk"),
    ]
    for person in candidates:
        if scope_for(person).sees_everything:
            return person
    sys.exit("Nobody sees every organisation: seed the demo first.")


def timed(label: str, run, repeat: int) -> tuple[float, float, int]:
    """Run once to warm up, then `repeat` times; print and return (median s, max s, queries)."""
    run()
    times = []
    queries = 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            run()
            times.append(time.perf_counter() - started)
        queries = len(captured)
    median, worst = statistics.median(times), max(times)
    print(f"{label:<44} median {median:7.3f} s   max {worst:7.3f} s   {queries:4d} queries")
    return median, worst, queries


def once(run) -> tuple[float, int]:
    """Run once (cold: no warm-up); return (seconds, queries)."""
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        run()
        return time.perf_counter() - started, len(captured)


def per_kpi(user, month: Period, cut: Cut) -> None:
    """Time each KPI alone: its headline for the month on a fresh source, then its pack line
    (the trend months and the breakdowns) on a source holding what the report reads ahead for
    all KPIs (timed once, first), as build_report computes it."""
    months = month.trend(TREND_PERIODS[PeriodKind.MONTH])
    ahead = Source(user, cut)
    shared, shared_queries = once(lambda: prefetch_trend(ahead, months))
    print(
        f"  {'(trend aggregates read ahead)':<26} {'':19}   pack line {shared:6.3f} s "
        f"({shared_queries:4d} q)"
    )
    for kpi in KPIS:
        headline, headline_queries = once(lambda kpi=kpi: kpi.compute(Source(user, cut), month))

        def line(kpi=kpi):
            source = Source(user, cut, _cache=dict(ahead._cache))
            for period in months:
                kpi.compute(source, period)
            if kpi.breaks_down:
                for dimension in BREAKDOWNS:
                    kpi.compute(source, month, by=dimension)

        pack, pack_queries = once(line)
        print(
            f"  {kpi.key:<26} month {headline:6.3f} s ({headline_queries:3d} q)"
            f"   pack line {pack:6.3f} s ({pack_queries:4d} q)"
        )


def main() -> None:
    """Time the headline KPIs, the pack and the workbook for both organisations and one."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--per-kpi", action="store_true", help="time each KPI alone first")
    parser.add_argument("--no-xlsx", action="store_true", help="skip timing the workbook")
    args = parser.parse_args()
    calls = Incident.objects.count() + ServiceRequest.objects.count()
    latest = Incident.objects.order_by("-opened_at").values_list("opened_at", flat=True).first()
    if latest is None:
        sys.exit("No calls: seed the database first (seed_demo --calls 1000000).")
    month = Period.containing(PeriodKind.MONTH, timezone.localdate(latest)).previous()
    user = manager()
    organisation = Organisation.objects.order_by("pk").first()
    requests = ServiceRequest.objects.count()
    print(
        f"{calls:,} calls ({requests:,} of them service requests); month {month.label}; "
        f"as {user.username}; {connection.vendor}"
    )
    for scope, cut in (
        ("both organisations", Cut()),
        (organisation.name, Cut(organisation=organisation.pk)),
    ):
        print(f"-- {scope}  (load average {' '.join(f'{x:.2f}' for x in os.getloadavg())})")
        if args.per_kpi:
            per_kpi(user, month, cut)
        timed(
            "headline: all KPIs for the month",
            lambda cut=cut: compute_all(Source(user, cut), month),
            args.repeat,
        )
        timed(
            "pack: + targets, 6-month trend, breakdowns",
            lambda cut=cut: build_report(user, month, cut, breakdowns=True),
            args.repeat,
        )

        def workbook(cut=cut):
            report_workbook(build_report(user, month, cut, breakdowns=True)).save(BytesIO())

        if not args.no_xlsx:
            timed("xlsx: the pack as an Excel workbook", workbook, args.repeat)


if __name__ == "__main__":
    main()
