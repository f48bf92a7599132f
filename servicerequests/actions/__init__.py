"""The write path of service requests: every change to a request, approval or task is one of these.

Requests: do_submit_request, do_update_request, do_cancel_request, do_close_request,
do_warn_request_breach, do_escalate_request_breach.
Approvals: do_decide_approval (do_approve, do_reject), do_set_approval_policy,
do_set_line_manager, do_create_delegation, do_end_delegation.
Fulfilment: do_start_task, do_complete_task, do_cancel_task.
Catalogue: do_save_request_item, do_save_request_field, do_delete_request_field,
do_save_fulfilment_step, do_delete_fulfilment_step.
"""

from servicerequests.actions.approvals import (
    do_approve,
    do_create_delegation,
    do_decide_approval,
    do_end_delegation,
    do_reject,
    do_set_approval_policy,
    do_set_line_manager,
)
from servicerequests.actions.catalogue import (
    do_delete_fulfilment_step,
    do_delete_request_field,
    do_save_fulfilment_step,
    do_save_request_field,
    do_save_request_item,
)
from servicerequests.actions.fulfilment import do_cancel_task, do_complete_task, do_start_task
from servicerequests.actions.requests import (
    do_cancel_request,
    do_close_request,
    do_escalate_request_breach,
    do_submit_request,
    do_update_request,
    do_warn_request_breach,
)

__all__ = [
    "do_approve",
    "do_cancel_request",
    "do_cancel_task",
    "do_close_request",
    "do_complete_task",
    "do_create_delegation",
    "do_decide_approval",
    "do_delete_fulfilment_step",
    "do_delete_request_field",
    "do_end_delegation",
    "do_escalate_request_breach",
    "do_reject",
    "do_save_fulfilment_step",
    "do_save_request_field",
    "do_save_request_item",
    "do_set_approval_policy",
    "do_set_line_manager",
    "do_start_task",
    "do_submit_request",
    "do_update_request",
    "do_warn_request_breach",
]
