"""Forms of kpis. They validate input for reports and actions; they never save anything."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from core.forms import ActionForm
from core.models import Organisation, Team
from kpis.metrics import Cut, Period, PeriodKind
from kpis.models import KpiTarget, ManualMeasure
from servicedesk.choices import Channel, Priority
from servicedesk.models import Category, Service


class ReportParametersForm(forms.Form):
    """The period and cut of a report: period kind and a day in it (or a custom range)."""

    period = forms.ChoiceField(choices=PeriodKind.choices, initial=PeriodKind.MONTH, required=False)
    day = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Containing"
    )
    first = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label="From"
    )
    last = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label="To"
    )
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(), required=False)
    team = forms.ModelChoiceField(queryset=Team.objects.none(), required=False)
    service = forms.ModelChoiceField(
        queryset=Service.objects.filter(is_active=True), required=False
    )
    category = forms.ModelChoiceField(
        queryset=Category.objects.filter(is_active=True), required=False
    )
    priority = forms.TypedChoiceField(
        choices=[("", "---------"), *Priority.choices], coerce=int, required=False, empty_value=None
    )
    channel = forms.ChoiceField(choices=[("", "---------"), *Channel.choices], required=False)

    def __init__(self, *args, user, fixed_kind: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.visible_to(user).filter(
            is_active=True
        )
        self.fields["team"].queryset = Team.objects.visible_to(user).filter(is_active=True)
        self.fixed_kind = fixed_kind
        if fixed_kind:
            for name in ("period", "first", "last"):
                del self.fields[name]
        for field in self.fields.values():
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            field.widget.attrs.setdefault("class", f"{css} {css}-sm")

    def clean(self):
        """A custom range needs both ends, in order."""
        data = super().clean()
        if not self.fixed_kind and data.get("period") == PeriodKind.CUSTOM:
            first, last = data.get("first"), data.get("last")
            if not first or not last:
                raise forms.ValidationError("A custom range needs a first and a last day.")
            if last < first:
                raise forms.ValidationError("The range ends before it starts.")
            if (last - first).days > 731:
                raise forms.ValidationError("A custom range can cover at most two years.")
        return data

    def period_value(self) -> Period:
        """The chosen period (the current month by default)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        kind = self.fixed_kind or data.get("period") or PeriodKind.MONTH
        if kind == PeriodKind.CUSTOM:
            return Period.custom(data["first"], data["last"])
        return Period.containing(kind, data.get("day") or timezone.localdate())

    def cut(self) -> Cut:
        """The chosen cut (organisation, team, service, category, priority, channel)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}

        def pk(name):
            value = data.get(name)
            return value.pk if value is not None else None

        return Cut(
            organisation=pk("organisation"),
            team=pk("team"),
            service=pk("service"),
            category=pk("category"),
            priority=data.get("priority"),
            channel=data.get("channel") or None,
        )


class KpiTargetForm(ActionForm):
    """Set a KPI's target and RAG thresholds for an organisation and a kind of period."""

    class Meta:
        model = KpiTarget
        fields = [
            "kpi",
            "organisation",
            "period_kind",
            "target",
            "amber_threshold",
            "higher_is_better",
        ]


class ManualMeasureForm(ActionForm):
    """Enter one month's figure from outside the desk."""

    class Meta:
        model = ManualMeasure
        fields = ["organisation", "month", "kind", "value", "note"]
        widgets = {"month": forms.DateInput(attrs={"type": "date"})}


class MeasureImportForm(forms.Form):
    """Upload an Excel or CSV file of manual measures."""

    file = forms.FileField(help_text="An .xlsx or .csv file with a header row.")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["class"] = "form-control"


class SurveyAnswerForm(forms.Form):
    """A score from 1 (very dissatisfied) to 5 (very satisfied) and an optional comment."""

    score = forms.TypedChoiceField(
        choices=[(n, str(n)) for n in range(1, 6)], coerce=int, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}), required=False
    )


class SubscriptionForm(forms.Form):
    """Which emailed reports a manager receives, and for which organisation."""

    weekly = forms.BooleanField(required=False, label="Weekly report (Mondays)")
    monthly = forms.BooleanField(required=False, label="Monthly pack (1st of the month)")
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="All organisations I serve",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.visible_to(user)
        self.fields["organisation"].widget.attrs["class"] = "form-select"
