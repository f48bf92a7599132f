"""App configuration for assets: the register and SNMP discovery."""

from django.apps import AppConfig


class AssetsConfig(AppConfig):
    """Hardware, software, licences, contracts and discovery (grows issue by issue)."""

    name = "assets"
    verbose_name = "Asset register"
