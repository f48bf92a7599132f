"""django-filter filter sets of the asset register, one per model."""

import django_filters

from assets.models import (
    Asset,
    AssetCategory,
    AssetStatus,
    Contract,
    DiscoveredDevice,
    DiscoveryRange,
    DiscoveryRun,
    Licence,
    SnmpCredential,
    StagingStatus,
)
from core.filtersets import BaseFilterSet


class AssetFilterSet(BaseFilterSet):
    """Filters for the asset list."""

    search_fields = (
        "asset_tag",
        "hostname",
        "serial",
        "model_name",
        "manufacturer",
        "addresses__address",
        "interfaces__mac",
    )
    status = django_filters.ChoiceFilter(choices=AssetStatus.choices)
    category = django_filters.ChoiceFilter(choices=AssetCategory.choices)

    class Meta:
        model = Asset
        fields = ["q", "status", "category", "organisation", "site", "manufacturer"]

    def search(self, queryset, name, value):
        """Searching through addresses and MACs joins; keep rows unique."""
        return super().search(queryset, name, value).distinct()


class LicenceFilterSet(BaseFilterSet):
    """Filters for the licence list."""

    search_fields = ("product__name", "product__vendor", "reference")

    class Meta:
        model = Licence
        fields = ["q", "organisation", "product", "kind"]


class ContractFilterSet(BaseFilterSet):
    """Filters for the contract list."""

    search_fields = ("reference", "supplier")

    class Meta:
        model = Contract
        fields = ["q", "organisation", "kind"]


class DiscoveryRunFilterSet(BaseFilterSet):
    """Filters for the run list."""

    search_fields = ("cidr",)

    class Meta:
        model = DiscoveryRun
        fields = ["q", "organisation", "status"]


class DiscoveredDeviceFilterSet(BaseFilterSet):
    """Filters for the staging area (pending devices by default)."""

    search_fields = ("address", "sys_name", "vendor", "serial")
    status = django_filters.ChoiceFilter(choices=StagingStatus.choices)

    class Meta:
        model = DiscoveredDevice
        fields = ["q", "organisation", "status"]


class DiscoveryRangeFilterSet(BaseFilterSet):
    """Filters for the range list."""

    search_fields = ("name", "cidr")

    class Meta:
        model = DiscoveryRange
        fields = ["q", "organisation", "site"]


class SnmpCredentialFilterSet(BaseFilterSet):
    """Filters for the credential list."""

    search_fields = ("name", "v3_user")

    class Meta:
        model = SnmpCredential
        fields = ["q", "organisation", "snmp_version"]
