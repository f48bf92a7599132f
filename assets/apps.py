"""App configuration for assets: the register and SNMP discovery."""

from django.apps import AppConfig

from core.roles import Role

_MODELS = (
    "asset",
    "networkinterface",
    "ipaddress",
    "softwareproduct",
    "softwareinstallation",
    "licence",
    "contract",
    "discoveryrange",
    "snmpcredential",
    "discoveryrun",
    "discovereddevice",
)

_REGISTER_MODELS = (
    "asset",
    "networkinterface",
    "ipaddress",
    "softwareproduct",
    "softwareinstallation",
    "licence",
    "contract",
    "discoveryrun",
)


class AssetsConfig(AppConfig):
    """Hardware, software, licences, contracts and discovery."""

    name = "assets"
    verbose_name = "Asset register"
    demo_seeder = "assets.demo"
    role_permissions = {
        Role.ASSET_MANAGER: [
            f"assets.{verb}_{model}"
            for model in _MODELS
            for verb in ("view", "add", "change", "delete")
        ],
        Role.AGENT: [f"assets.view_{model}" for model in ("asset", "softwareproduct", "licence")],
        Role.TEAM_LEAD: [f"assets.view_{model}" for model in ("asset", "licence", "contract")],
        # The head of ICT reads the whole register (not the SNMP configuration); changes
        # stay with the asset managers.
        Role.MANAGER: [
            "core.use_assets",
            *(f"assets.view_{model}" for model in _REGISTER_MODELS),
        ],
    }
