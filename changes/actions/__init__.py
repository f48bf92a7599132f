"""The write path of change management: every change to its records goes through one of these."""

from changes.actions.cab import (
    do_add_agenda_item,
    do_cast_cab_vote,
    do_create_cab_board,
    do_move_agenda_item,
    do_open_agenda_item,
    do_open_cab_session,
    do_plan_cab_meeting,
    do_publish_agenda,
    do_publish_minutes,
    do_record_attendance,
    do_record_cab_decision,
    do_refresh_agenda,
    do_remove_agenda_item,
    do_update_cab_board,
)
from changes.actions.calendar import (
    do_renew_calendar_feed,
    do_revoke_calendar_feed,
    do_save_blackout_period,
    do_save_maintenance_window,
)
from changes.actions.changes import (
    do_assess_change,
    do_create_change,
    do_record_ecab_approval,
    do_record_review,
    do_schedule_change,
    do_transition_change,
    do_update_change,
)
from changes.actions.templates import do_save_change_template

__all__ = [
    "do_add_agenda_item",
    "do_assess_change",
    "do_cast_cab_vote",
    "do_create_cab_board",
    "do_create_change",
    "do_move_agenda_item",
    "do_open_agenda_item",
    "do_open_cab_session",
    "do_plan_cab_meeting",
    "do_publish_agenda",
    "do_publish_minutes",
    "do_record_attendance",
    "do_record_cab_decision",
    "do_record_ecab_approval",
    "do_record_review",
    "do_refresh_agenda",
    "do_remove_agenda_item",
    "do_renew_calendar_feed",
    "do_revoke_calendar_feed",
    "do_save_blackout_period",
    "do_save_change_template",
    "do_save_maintenance_window",
    "do_schedule_change",
    "do_transition_change",
    "do_update_cab_board",
    "do_update_change",
]
