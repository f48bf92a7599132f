"""Forms of change management. They validate input for actions; they never save anything."""

from __future__ import annotations

from django import forms

from changes import risk
from changes.actions.changes import CHANGE_FIELDS
from changes.choices import ReviewOutcome
from changes.models import AffectedItem, Change, ChangeTemplate
from core.forms import ActionForm

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _style(form: forms.Form) -> None:
    """Bootstrap classes on a plain form's widgets."""
    for field in form.fields.values():
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        field.widget.attrs.setdefault("class", css)


class ChangeForm(ActionForm):
    """Raise or edit a request for change."""

    class Meta:
        model = Change
        fields = [*CHANGE_FIELDS, "affected_items"]
        widgets = {
            "planned_start": DATETIME_WIDGET,
            "planned_end": DATETIME_WIDGET,
            "affected_items": forms.SelectMultiple(attrs={"size": 6}),
            **{
                name: forms.Textarea(attrs={"rows": 3})
                for name in (
                    "description",
                    "reason",
                    "implementation_plan",
                    "backout_plan",
                    "test_plan",
                    "communication_plan",
                )
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = ChangeTemplate.objects.filter(is_active=True)
        self.fields["affected_items"].queryset = AffectedItem.objects.visible_to(self.user)
        self.fields["template"].help_text = "Choosing a template makes this a standard change."
        if self.instance.pk is not None:
            del self.fields["organisation"]


class RiskForm(forms.Form):
    """The risk questionnaire: one question a field."""

    def __init__(self, *args, user=None, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        previous = {a["key"]: a["answer"] for a in (instance.risk_answers if instance else [])}
        for key, text, options in risk.QUESTIONS:
            self.fields[key] = forms.ChoiceField(
                label=text,
                choices=[(value, value.capitalize()) for value in options],
                initial=previous.get(key),
            )
        self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, required=False)
        if instance is not None:
            self.fields["version"].initial = instance.version
        _style(self)


class ScheduleForm(forms.Form):
    """The implementation window, and a reason when it is outside the maintenance windows."""

    planned_start = forms.DateTimeField(widget=DATETIME_WIDGET)
    planned_end = forms.DateTimeField(widget=DATETIME_WIDGET)
    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed only when the window is outside every published maintenance window.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user=None, instance=None, **kwargs):
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    "planned_start": instance.planned_start,
                    "planned_end": instance.planned_end,
                    "reason": instance.out_of_window_reason,
                    "version": instance.version,
                },
            )
        super().__init__(*args, **kwargs)
        _style(self)


class ReviewForm(forms.Form):
    """The post-implementation review."""

    outcome = forms.ChoiceField(choices=ReviewOutcome.choices)
    incidents_caused = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Incident references, one a line.",
    )
    lessons = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user=None, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        if instance is not None:
            self.fields["version"].initial = instance.version
        _style(self)
