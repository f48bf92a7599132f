"""The request form built from a request item's field definitions, and its server-side checks.

`build_request_form(item, requester, data)` gives a Django form whose fields are the item's
questions plus the quantity. The submit and update actions validate answers with the same
form, so a page, the API and a test all get the same per-field errors. Person and asset
questions only offer what the requester may see (core.visibility); cost questions take a
non-negative amount in pounds. Cleaned answers are stored as JSON: dates as ISO strings,
amounts and numbers as decimal strings, people and assets as primary keys.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms

from core.exceptions import InvalidInput
from core.models import User
from servicerequests.choices import Decision, FieldKind, RequestChannel
from servicerequests.models import RequestField, RequestItem

QUANTITY = "quantity"
MAX_TEXT = 2000


class RequestFormInvalid(InvalidInput):
    """The answers of a request form are not acceptable; `errors` maps fields to messages."""

    def __init__(self, errors: dict[str, list[str]]):
        first_field, messages = next(iter(errors.items()))
        super().__init__(f"Please correct the form: {messages[0]}", field=first_field)
        self.errors = errors


def _asset_model():
    """The asset register's model (imported late: assets is a peer app)."""
    from assets.models import Asset

    return Asset


def form_field_for(definition: RequestField, requester) -> forms.Field:
    """The Django form field that asks one question of an item, for `requester`."""
    common = {
        "label": definition.label,
        "required": definition.required,
        "help_text": definition.help_text,
    }
    kind = definition.kind
    if kind == FieldKind.TEXT:
        return forms.CharField(
            max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 2}), **common
        )
    if kind == FieldKind.CHOICE:
        options = [("", "---------")] + [(option, option) for option in definition.options]
        return forms.ChoiceField(choices=options, **common)
    if kind == FieldKind.NUMBER:
        return forms.DecimalField(max_digits=14, decimal_places=4, **common)
    if kind == FieldKind.DATE:
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if kind == FieldKind.USER:
        people = User.objects.visible_to(requester).filter(is_active=True)
        return forms.ModelChoiceField(queryset=people, **common)
    if kind == FieldKind.ASSET:
        assets = _asset_model().objects.visible_to(requester)
        return forms.ModelChoiceField(queryset=assets, **common)
    if kind == FieldKind.COST:
        return forms.DecimalField(
            min_value=Decimal("0"),
            max_digits=12,
            decimal_places=2,
            error_messages={"min_value": "Give an amount of £0 or more."},
            **common,
        )
    raise ValueError(f"Unknown field kind {kind!r}")


class RequestForm(forms.Form):
    """A request item's form: its questions in order, then how many are wanted."""

    def __init__(self, *args, item: RequestItem, requester, **kwargs):
        super().__init__(*args, **kwargs)
        self.item = item
        self.requester = requester
        self.definitions = list(item.fields.all())
        for definition in self.definitions:
            self.fields[definition.key] = form_field_for(definition, requester)
        self.fields[QUANTITY] = forms.IntegerField(
            label="Quantity",
            min_value=1,
            max_value=max(1, item.max_quantity),
            initial=1,
            error_messages={
                "max_value": f"At most {max(1, item.max_quantity)} can be asked for at once.",
                "min_value": "Ask for at least one.",
            },
        )

    def answers(self) -> dict:
        """The cleaned answers, JSON-ready (call after is_valid)."""
        stored = {}
        for definition in self.definitions:
            value = self.cleaned_data.get(definition.key)
            if value in (None, ""):
                continue
            if isinstance(value, dt.date):
                value = value.isoformat()
            elif isinstance(value, Decimal):
                value = str(value)
            elif hasattr(value, "pk"):
                value = value.pk
            stored[definition.key] = value
        return stored

    def quantity(self) -> int:
        """The cleaned quantity (call after is_valid)."""
        return self.cleaned_data[QUANTITY]

    def extra_cost(self) -> Decimal:
        """The sum of the cost answers, in pounds (call after is_valid)."""
        return sum(
            (
                self.cleaned_data.get(d.key) or Decimal("0")
                for d in self.definitions
                if d.kind == FieldKind.COST
            ),
            Decimal("0"),
        )


def build_request_form(item: RequestItem, requester, data=None, **kwargs) -> RequestForm:
    """The form for `requester` asking for `item` (bound to `data` when given)."""
    return RequestForm(data, item=item, requester=requester, **kwargs)


def clean_request_answers(
    item: RequestItem, requester, answers: dict, quantity
) -> tuple[dict, int, Decimal]:
    """Validate raw answers against the item's fields: (answers, quantity, extra cost).

    Raises RequestFormInvalid with one list of messages per field; nothing is written.
    """
    data = {key: value for key, value in (answers or {}).items() if key != QUANTITY}
    data[QUANTITY] = quantity
    form = build_request_form(item, requester, data)
    if not form.is_valid():
        raise RequestFormInvalid({field: list(messages) for field, messages in form.errors.items()})
    return form.answers(), form.quantity(), form.extra_cost()


def describe_answers(service_request) -> list[tuple[str, str]]:
    """(question, answer as text) for each question of the request's item, for its pages."""
    answers = service_request.answers or {}
    described = []
    definitions = list(service_request.item.fields.all())
    people_ids = [answers.get(d.key) for d in definitions if d.kind == FieldKind.USER]
    asset_ids = [answers.get(d.key) for d in definitions if d.kind == FieldKind.ASSET]
    people = {u.pk: str(u) for u in User.objects.filter(pk__in=[i for i in people_ids if i])}
    assets = {
        a.pk: str(a) for a in _asset_model().objects.filter(pk__in=[i for i in asset_ids if i])
    }
    for definition in definitions:
        value = answers.get(definition.key)
        if value in (None, ""):
            text = "—"
        elif definition.kind == FieldKind.USER:
            text = people.get(value, f"person #{value}")
        elif definition.kind == FieldKind.ASSET:
            text = assets.get(value, f"asset #{value}")
        elif definition.kind == FieldKind.COST:
            text = f"£{Decimal(value):,.2f}"
        else:
            text = str(value)
        described.append((definition.label, text))
    return described


class OnBehalfForm(forms.Form):
    """For service desk agents ordering on a caller's behalf: who the request is for and how
    it reached the desk. Only people the agent may see are offered; empty means themselves."""

    prefix = "behalf"

    requester = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="For whom",
        help_text="The person the request is for; leave empty to order for yourself.",
    )
    channel = forms.ChoiceField(
        choices=[
            (RequestChannel.PHONE, RequestChannel.PHONE.label),
            (RequestChannel.EMAIL, RequestChannel.EMAIL.label),
        ],
        initial=RequestChannel.PHONE,
        label="Reached us by",
        help_text="How the caller asked (when ordering for someone else).",
    )

    def __init__(self, *args, agent, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requester"].queryset = (
            User.objects.visible_to(agent).filter(is_active=True).order_by("last_name", "pk")
        )

    def requester_or(self, agent):
        """The chosen requester, else the agent; call after is_valid()."""
        return self.cleaned_data.get("requester") or agent


class ApprovalDecisionForm(forms.Form):
    """An approver's decision on a step: approve or reject, with a reason (required to reject).

    Pass its cleaned values to servicerequests.actions.do_decide_approval, which checks again.
    """

    decision = forms.ChoiceField(choices=Decision.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown to the requester. Required when you reject.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self):
        """A rejection needs a reason the requester can read."""
        cleaned = super().clean()
        if cleaned.get("decision") == Decision.REJECT and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", "Say why you reject it: the requester is shown your reason.")
        return cleaned


class DelegationForm(forms.Form):
    """Who stands in for an approver while they are away, and when (see do_create_delegation)."""

    delegate = forms.ModelChoiceField(queryset=User.objects.none())
    starts_at = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    ends_at = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    reason = forms.CharField(max_length=200, required=False)

    def __init__(self, *args, delegator, **kwargs):
        super().__init__(*args, **kwargs)
        # Colleagues of the delegator's own organisation only: never another council's people.
        self.fields["delegate"].queryset = User.objects.filter(
            organisation_id=delegator.organisation_id, is_active=True
        ).exclude(pk=delegator.pk)

    def clean(self):
        """The delegation ends after it starts."""
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", "The delegation must end after it starts.")
        return cleaned


class TaskNotesForm(forms.Form):
    """Notes when a fulfilment task is marked done or cancelled (required to cancel)."""

    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
