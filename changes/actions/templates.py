"""Actions on pre-approved standard change templates."""

from __future__ import annotations

from django.db import transaction

from changes.models import ChangeTemplate
from core.actions.base import require_permission, save_audited
from core.exceptions import InvalidInput, StaleRecord

TEMPLATE_FIELDS = (
    "name",
    "description",
    "category",
    "implementation_plan",
    "backout_plan",
    "test_plan",
    "risk_level",
    "is_active",
)


@transaction.atomic
def do_save_change_template(
    template: ChangeTemplate | None,
    *,
    actor,
    expected_version: int | None = None,
    **fields,
) -> ChangeTemplate:
    """Pre-approve a new standard change (None creates), or change or withdraw one.

    Withdrawing (is_active False) stops new changes being raised from it; changes already
    raised keep their template.
    """
    unknown = set(fields) - set(TEMPLATE_FIELDS)
    if unknown:
        raise InvalidInput(f"Unknown fields: {', '.join(sorted(unknown))}.")
    creating = template is None
    require_permission(
        actor,
        "changes.add_changetemplate" if creating else "changes.change_changetemplate",
        "Only change managers pre-approve standard changes.",
    )
    if creating:
        template = ChangeTemplate()
    else:
        # Templates belong to no organisation: the catalogue of standard changes is shared.
        template = ChangeTemplate.objects.select_for_update().get(pk=template.pk)
        if expected_version is not None and template.version != expected_version:
            raise StaleRecord(
                "This template was changed by someone else while you were editing it. "
                "Reload the page to see their changes, then make yours again."
            )
    if "name" in fields and not str(fields["name"]).strip():
        raise InvalidInput("Give the template a name.", field="name")
    save_audited(
        template,
        actor=actor,
        verb="change_template.created" if creating else "change_template.updated",
        changes=fields,
        creating=creating,
    )
    return template
