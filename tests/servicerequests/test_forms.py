"""The request form built from an item's fields: per-field errors, scoped lookups, no writes."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.models import AuditEvent
from servicerequests import actions
from servicerequests.forms import RequestFormInvalid, build_request_form, describe_answers
from servicerequests.models import Approval, ServiceRequest

from .conftest import LAPTOP_ANSWERS


def refused(submit, **kwargs) -> dict[str, list[str]]:
    """Submit, expect a refusal, and return the per-field errors."""
    with pytest.raises(RequestFormInvalid) as caught:
        submit(**kwargs)
    return caught.value.errors


@pytest.mark.django_db
def test_should_give_an_error_for_each_missing_or_invalid_field_and_write_nothing(cast, submit):
    audit_before = AuditEvent.objects.count()

    errors = refused(
        submit,
        answers={"model": "Gold-plated", "needed_by": "next Tuesday", "accessories": "-5"},
        quantity=31,
    )

    assert errors == {
        "model": ["Select a valid choice. Gold-plated is not one of the available choices."],
        "needed_by": ["Enter a valid date."],
        "accessories": ["Give an amount of £0 or more."],
        "quantity": ["At most 30 can be asked for at once."],
    }
    assert ServiceRequest.objects.count() == 0
    assert Approval.objects.count() == 0
    assert AuditEvent.objects.count() == audit_before


@pytest.mark.django_db
def test_should_require_the_required_fields_only(cast, submit):
    errors = refused(submit, answers={})

    assert errors == {
        "model": ["This field is required."],
        "needed_by": ["This field is required."],
    }
    request = submit(answers=LAPTOP_ANSWERS)  # notes and accessories may be left out
    assert request.answers == {"model": "Standard", "needed_by": "2026-12-01"}


@pytest.mark.django_db
def test_should_add_cost_answers_to_the_total(cast, submit):
    request = submit(answers={**LAPTOP_ANSWERS, "accessories": "149.99"}, quantity=2)

    assert request.unit_cost == Decimal("1200.00")
    assert request.total_cost == Decimal("2549.99")
    assert request.answers["accessories"] == "149.99"


@pytest.mark.django_db
def test_should_offer_only_assets_the_requester_may_see(cast, submit):
    form = build_request_form(cast.software, cast.world.requester_north)
    assert list(form.fields["computer"].queryset) == [cast.my_laptop]

    errors = refused(submit, item=cast.software, answers={"computer": cast.east_laptop.pk})

    assert list(errors) == ["computer"]
    assert ServiceRequest.objects.count() == 0


@pytest.mark.django_db
def test_should_offer_only_people_the_requester_may_see(cast, submit):
    # A requester sees only themself; an agent phoning it in is still limited to what the
    # requester may see, so nobody is named on a request they could not name themself.
    errors = refused(
        submit,
        item=cast.software,
        answers={"computer": cast.my_laptop.pk, "for_whom": cast.world.requester_east.pk},
        actor=cast.world.agent,
    )
    assert list(errors) == ["for_whom"]

    request = submit(
        item=cast.software,
        answers={"computer": cast.my_laptop.pk, "for_whom": cast.world.requester_north.pk},
    )
    assert request.answers == {
        "computer": cast.my_laptop.pk,
        "for_whom": cast.world.requester_north.pk,
    }
    assert describe_answers(request) == [
        ("Which computer", "NL-0001"),
        ("For whom", str(cast.world.requester_north)),
    ]


@pytest.mark.django_db
def test_should_refuse_a_field_named_quantity_or_a_choice_without_options(cast):
    from core.exceptions import InvalidInput

    with pytest.raises(InvalidInput, match="asked on every form"):
        actions.do_save_request_field(
            None, actor=cast.world.admin, item=cast.laptop, key="quantity", label="How many"
        )
    with pytest.raises(InvalidInput, match="at least one option"):
        actions.do_save_request_field(
            None,
            actor=cast.world.admin,
            item=cast.laptop,
            key="colour",
            label="Colour",
            kind="choice",
        )
    assert cast.laptop.fields.count() == 4


@pytest.mark.django_db
def test_should_refuse_catalogue_changes_without_the_right(cast):
    from core.exceptions import ActionForbidden

    with pytest.raises(ActionForbidden):
        actions.do_save_request_field(
            None, actor=cast.world.agent, item=cast.laptop, key="bag", label="Bag"
        )
    with pytest.raises(ActionForbidden):
        actions.do_save_request_item(
            None, actor=cast.world.requester_north, service=cast.laptops, name="Pony"
        )
