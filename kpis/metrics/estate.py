"""KPIs of change management and of the asset register."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone

from changes.queries import changes_that_caused_incidents
from core.visibility import visible_to
from kpis.metrics.base import Measure, ratio
from kpis.metrics.periods import Period
from kpis.metrics.source import Source

FAILED_OUTCOMES = ("failed", "backed_out")
ATTEMPTED = ("implemented", "reviewed", "closed", "failed", "backed_out")
HORIZON_DAYS = 90


def _changes(source: Source):
    """Visible changes of the organisations in scope (and of the cut's team, as implementer)."""
    from changes.models import Change

    changes = visible_to(Change.objects.all(), source.user).filter(
        organisation__in=source.organisation_ids()
    )
    if source.cut.team:
        changes = changes.filter(implementer_team=source.cut.team)
    return changes


def change_success(source: Source, period: Period) -> Measure:
    """Change success: changes implemented without failure or backout ÷ changes implemented,
    as a percentage. "Implemented in the period": implementation started (actual start) in
    the period and it is over (implemented, reviewed, closed, failed or backed out). A change
    failed when it went to failed or backed out, or its review judged it failed or backed
    out. Beside it: the emergency share (emergency ÷ implemented, %) and the number whose
    review lists incidents the change caused. Cut by organisation and team (implementer) only.
    """
    attempted = _changes(source).filter(
        actual_start__gte=period.start, actual_start__lt=period.end, status__in=ATTEMPTED
    )
    failed = Q(status__in=FAILED_OUTCOMES) | Q(review__outcome__in=FAILED_OUTCOMES)
    row = attempted.order_by().aggregate(
        total=Count("id"),
        failed=Count("id", filter=failed),
        emergency=Count("id", filter=Q(change_type="emergency")),
    )
    row["caused"] = changes_that_caused_incidents(attempted).count()
    succeeded = row["total"] - row["failed"]
    return Measure(
        value=ratio(succeeded, row["total"]),
        numerator=succeeded,
        denominator=row["total"],
        columns=[("label", "Measure"), ("value", "Value")],
        rows=[
            {"key": "implemented", "label": "Changes implemented", "value": row["total"]},
            {"key": "failed", "label": "Failed or backed out", "value": row["failed"]},
            {"key": "emergency", "label": "Emergency changes", "value": row["emergency"]},
            {
                "key": "emergency_share",
                "label": "Emergency share %",
                "value": ratio(row["emergency"], row["total"]),
            },
            {"key": "caused", "label": "Changes that caused incidents", "value": row["caused"]},
        ],
        extra={
            "emergency_share": ratio(row["emergency"], row["total"]),
            "caused_incidents": row["caused"],
        },
    )


def asset_health(source: Source, period: Period) -> Measure:
    """Asset health, as the register stands at the end of the period (or now, if sooner):
    % of live assets with both an owner and a location (a site or a location text);
    discovered devices waiting for confirmation; licence compliance (% of product and
    organisation pairs whose installations on live assets are covered by live entitlements);
    warranties and contracts ending within 90 days; live assets past their end of support.
    The headline is the % with owner and location. The register keeps no history, so past
    periods show today's register.
    """
    from assets.models import Asset, Contract, DiscoveredDevice
    from assets.queries import licence_compliance
    from assets.workflows import ACTIVE

    today = min(period.last, timezone.localdate())
    horizon = today + dt.timedelta(days=HORIZON_DAYS)
    orgs = source.organisation_ids()
    live = visible_to(Asset.objects.all(), source.user).filter(
        organisation__in=orgs, status__in=ACTIVE
    )
    assets = live.order_by().aggregate(
        total=Count("id"),
        placed=Count(
            "id", filter=Q(owner__isnull=False) & (Q(site__isnull=False) | ~Q(location=""))
        ),
        warranty=Count("id", filter=Q(warranty_end__gte=today, warranty_end__lte=horizon)),
        unsupported=Count("id", filter=Q(end_of_support__lt=today)),
    )
    pending = (
        visible_to(DiscoveredDevice.objects.all(), source.user)
        .filter(organisation__in=orgs, status="pending")
        .count()
    )
    contracts = (
        visible_to(Contract.objects.all(), source.user)
        .filter(organisation__in=orgs, end__gte=today, end__lte=horizon)
        .count()
    )
    compliance = [
        row for row in licence_compliance(source.user, today) if row.organisation_id in orgs
    ]
    compliant = sum(1 for row in compliance if row.compliant)
    value = ratio(assets["placed"], assets["total"])
    rows = [
        ("live", "Live assets", assets["total"]),
        ("placed", "% with owner and location", value),
        ("pending", "Discovered, awaiting confirmation", pending),
        ("compliance", "% licences compliant", ratio(compliant, len(compliance))),
        ("warranty", "Warranties ending in 90 days", assets["warranty"]),
        ("contracts", "Contracts ending in 90 days", contracts),
        ("unsupported", "Past end of support", assets["unsupported"]),
    ]
    return Measure(
        value=value,
        numerator=assets["placed"],
        denominator=assets["total"],
        columns=[("label", "Measure"), ("value", "Value")],
        rows=[{"key": key, "label": label, "value": figure} for key, label, figure in rows],
        extra={"licence_compliance": ratio(compliant, len(compliance))},
    )
