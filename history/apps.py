"""App configuration for history: importing ticket history from a previous service desk."""

from django.apps import AppConfig


class HistoryConfig(AppConfig):
    """Imports of another tool's ticket event log, so KPIs continue across a migration.

    Its permissions are granted to no role: administrators hold every permission, so only
    they may run imports (see core.roles).
    """

    name = "history"
    verbose_name = "History import"
