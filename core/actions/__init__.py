"""The write path of core: every change to its records goes through one of these."""

from core.actions.notifications import do_mark_notifications_read
from core.actions.organisations import (
    do_create_department,
    do_create_organisation,
    do_create_site,
    do_update_organisation,
)
from core.actions.people import do_create_person, do_update_person
from core.actions.teams import (
    do_add_team_member,
    do_create_team,
    do_remove_team_member,
    do_update_team,
)

__all__ = [
    "do_add_team_member",
    "do_create_department",
    "do_create_organisation",
    "do_create_person",
    "do_create_site",
    "do_create_team",
    "do_mark_notifications_read",
    "do_remove_team_member",
    "do_update_organisation",
    "do_update_person",
    "do_update_team",
]
