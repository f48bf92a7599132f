"""Read queries of the asset register: compliance and alerts, shared by pages, tasks, exports."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.utils import timezone

from assets.discovery.vendors import OS_END_OF_SUPPORT
from assets.models import (
    Asset,
    AssetStatus,
    Contract,
    Licence,
    SoftwareInstallation,
    SoftwareProduct,
)
from assets.software_match import licensed_product_map
from assets.workflows import ACTIVE

ALERT_HORIZON_DAYS = 90


@dataclass(frozen=True)
class Compliance:
    """Installations against entitlements of one product in one organisation."""

    product: SoftwareProduct
    organisation_id: int
    organisation: str
    entitled: int
    installed: int

    @property
    def shortfall(self) -> int:
        """How many installations have no licence (0 when compliant)."""
        return max(0, self.installed - self.entitled)

    @property
    def compliant(self) -> bool:
        """True when every installation is covered."""
        return self.shortfall == 0


def licence_compliance(user, today: dt.date | None = None) -> list[Compliance]:
    """Per product and organisation: live entitlements against installations on live assets.

    Installations count against a licensed product when their product is it, or is matched
    to it by name (`assets.software_match`): "Mozilla Firefox 19.0.2 (x86 ru)" as found by
    discovery counts against the "Mozilla Firefox" licence. An asset counts once per
    licensed product, however many matching versions it has.
    """
    today = today or timezone.localdate()
    licences = list(
        Licence.objects.visible_to(user)
        .filter(Q(expires__isnull=True) | Q(expires__gte=today))
        .values("product", "organisation", "organisation__name")
        .annotate(entitled=Sum("entitlements"))
    )
    products = SoftwareProduct.objects.in_bulk({row["product"] for row in licences})
    installations = SoftwareInstallation.objects.visible_to(user).filter(asset__status__in=ACTIVE)
    installed_products = SoftwareProduct.objects.filter(
        pk__in=installations.values("product")
    ).values_list("pk", "vendor", "name")
    counts_against = licensed_product_map(products.values(), installed_products)
    matching: dict[int, list[int]] = {}
    for product_id, licensed_id in counts_against.items():
        matching.setdefault(licensed_id, []).append(product_id)
    installed: dict[tuple[int, int], int] = {}
    for licensed_id, product_ids in matching.items():
        for row in (
            installations.filter(product__in=product_ids)
            .values("asset__organisation")
            .annotate(n=Count("asset", distinct=True))
        ):
            installed[(licensed_id, row["asset__organisation"])] = row["n"]
    return [
        Compliance(
            product=products[row["product"]],
            organisation_id=row["organisation"],
            organisation=row["organisation__name"],
            entitled=row["entitled"] or 0,
            installed=installed.get((row["product"], row["organisation"]), 0),
        )
        for row in licences
    ]


def installations_counted_against(product: SoftwareProduct, user):
    """The installations (on live assets) that count against a licensed product's licences."""
    installations = SoftwareInstallation.objects.visible_to(user).filter(asset__status__in=ACTIVE)
    candidates = SoftwareProduct.objects.filter(pk__in=installations.values("product")).values_list(
        "pk", "vendor", "name"
    )
    mapping = licensed_product_map([product], candidates)
    return installations.filter(product__in=list(mapping)).select_related("product", "asset")


@dataclass(frozen=True)
class Alert:
    """One thing an asset manager should act on."""

    kind: str
    subject: str
    due: dt.date | None
    url: str
    detail: str = ""


def alerts(user, today: dt.date | None = None) -> list[Alert]:
    """Warranties, contracts and licences ending within 90 days; assets past end of support;
    over-deployed licences. Only records `user` may see."""
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=ALERT_HORIZON_DAYS)
    found: list[Alert] = []
    live_assets = Asset.objects.visible_to(user).exclude(
        status__in=[AssetStatus.RETIRED, AssetStatus.DISPOSED]
    )
    for asset in live_assets.filter(warranty_end__gte=today, warranty_end__lte=horizon):
        found.append(
            Alert("Warranty ending", str(asset), asset.warranty_end, asset.get_absolute_url())
        )
    eol_names = [name for name, end in OS_END_OF_SUPPORT.items() if end < today]
    past = live_assets.filter(
        Q(end_of_support__lt=today) | Q(end_of_support__isnull=True, os_name__in=eol_names)
    )
    for asset in past:
        ended = asset.end_of_support or OS_END_OF_SUPPORT.get(asset.os_name)
        found.append(
            Alert("Past end of support", str(asset), ended, asset.get_absolute_url(), asset.os_name)
        )
    for asset in live_assets.filter(flagged_missing=True):
        found.append(
            Alert(
                "Not seen by discovery",
                str(asset),
                None,
                asset.get_absolute_url(),
                f"missed {asset.missed_runs} runs",
            )
        )
    for contract in Contract.objects.visible_to(user).filter(end__gte=today, end__lte=horizon):
        found.append(
            Alert(
                "Contract ending",
                str(contract),
                contract.end,
                contract.get_absolute_url(),
                contract.get_kind_display(),
            )
        )
    for licence in (
        Licence.objects.visible_to(user)
        .filter(expires__gte=today, expires__lte=horizon)
        .select_related("product")
    ):
        found.append(
            Alert("Licence expiring", str(licence), licence.expires, licence.get_absolute_url())
        )
    for row in licence_compliance(user, today):
        if not row.compliant:
            found.append(
                Alert(
                    "Licence over-deployed",
                    f"{row.product} ({row.organisation})",
                    None,
                    "/assets/licences/compliance/",
                    f"{row.installed} installed, {row.entitled} licensed",
                )
            )
    return sorted(found, key=lambda alert: (alert.due or today, alert.kind))


def incidents_of_asset(asset: Asset, user):
    """The calls about `asset` that `user` may see, newest first.

    Filtered by the calls' own visibility, not the asset's: an asset manager who may see
    the asset does not thereby see calls of organisations they do not serve.
    """
    from servicedesk.models import Incident

    return (
        Incident.objects.visible_to(user)
        .filter(assets=asset)
        .select_related("caller", "service", "category", "team", "assignee")
        .order_by("-opened_at", "-id")
    )
