"""The only writers of kpis' tables: targets, manual measures, surveys, subscriptions."""

from kpis.actions.measures import (
    do_delete_kpi_target,
    do_import_manual_measures,
    do_save_kpi_target,
    do_save_manual_measure,
)
from kpis.actions.surveys import (
    do_answer_survey,
    do_invite_monthly_survey,
    do_invite_post_resolution,
    do_save_report_subscription,
)

__all__ = [
    "do_answer_survey",
    "do_delete_kpi_target",
    "do_import_manual_measures",
    "do_invite_monthly_survey",
    "do_invite_post_resolution",
    "do_save_kpi_target",
    "do_save_manual_measure",
    "do_save_report_subscription",
]
