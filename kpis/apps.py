"""App configuration for kpis: KPI definitions, reports and exports."""

from django.apps import AppConfig

from core.roles import Role

_MANAGER = [
    *(f"kpis.{verb}_kpitarget" for verb in ("view", "add", "change", "delete")),
    *(f"kpis.{verb}_manualmeasure" for verb in ("view", "add", "change", "delete")),
    "kpis.view_reportsubscription",
    "kpis.add_reportsubscription",
    "kpis.change_reportsubscription",
]


class KpisConfig(AppConfig):
    """KPI measures and reports for managers: targets, manual measures, surveys, exports."""

    name = "kpis"
    verbose_name = "KPIs and reports"
    role_permissions = {Role.MANAGER: _MANAGER}
