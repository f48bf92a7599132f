"""App configuration for core: tenancy, people, teams, roles, calendars, audit."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The foundation every other civicdesk app builds on."""

    name = "core"
    verbose_name = "civicdesk core"
