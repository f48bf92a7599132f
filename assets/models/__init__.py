"""Models of the asset register: hardware, software, licences, contracts and discovery."""

from assets.models.discovery import (
    AuthProtocol,
    DiscoveredDevice,
    DiscoveryRange,
    DiscoveryRun,
    PrivProtocol,
    RunStatus,
    ScheduleFrequency,
    SnmpCredential,
    SnmpVersion,
    StagingStatus,
    Weekday,
)
from assets.models.register import (
    DISCOVERY_OWNED_FIELDS,
    Asset,
    AssetCategory,
    IPAddress,
    NetworkInterface,
)
from assets.models.software import (
    Contract,
    ContractKind,
    InstallationSource,
    Licence,
    LicenceKind,
    SoftwareInstallation,
    SoftwareProduct,
)
from assets.workflows import AssetStatus

__all__ = [
    "DISCOVERY_OWNED_FIELDS",
    "Asset",
    "AssetCategory",
    "AssetStatus",
    "AuthProtocol",
    "Contract",
    "ContractKind",
    "DiscoveredDevice",
    "DiscoveryRange",
    "DiscoveryRun",
    "IPAddress",
    "InstallationSource",
    "Licence",
    "LicenceKind",
    "NetworkInterface",
    "PrivProtocol",
    "RunStatus",
    "ScheduleFrequency",
    "SnmpCredential",
    "SnmpVersion",
    "SoftwareInstallation",
    "SoftwareProduct",
    "StagingStatus",
    "Weekday",
]
