"""Forms of change management. They validate input for actions; they never save anything."""

from __future__ import annotations

from django import forms
from django.db.models import Q

from changes import risk
from changes.actions.cab import BOARD_FIELDS, BOARD_PEOPLE
from changes.actions.calendar import BLACKOUT_FIELDS, WINDOW_FIELDS
from changes.actions.changes import CHANGE_FIELDS
from changes.actions.templates import TEMPLATE_FIELDS
from changes.choices import ReviewOutcome
from changes.models import BlackoutPeriod, CabBoard, Change, ChangeTemplate, MaintenanceWindow
from core.forms import ActionForm
from core.roles import Role
from servicedesk.models import Service

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _style(form: forms.Form) -> None:
    """Bootstrap classes on a plain form's widgets."""
    for field in form.fields.values():
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        field.widget.attrs.setdefault("class", css)


def _asset_label(asset) -> str:
    """An asset as offered on a change: tag or name, model and organisation."""
    model = f" {asset.model_name}" if asset.model_name else ""
    return f"{asset}{model} ({asset.organisation})"


class ChangeForm(ActionForm):
    """Raise or edit a request for change."""

    class Meta:
        model = Change
        fields = [*CHANGE_FIELDS, "affected_services", "affected_assets"]
        widgets = {
            "planned_start": DATETIME_WIDGET,
            "planned_end": DATETIME_WIDGET,
            "affected_services": forms.SelectMultiple(attrs={"size": 6}),
            "affected_assets": forms.SelectMultiple(attrs={"size": 6}),
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
        # The catalogue is shared by every organisation (as servicedesk offers it to callers):
        # active services, plus any withdrawn one the change already names.
        services = Q(is_active=True)
        assets = self.fields["affected_assets"].queryset  # already limited to what they see
        if self.instance.pk is not None:
            services |= Q(pk__in=self.instance.affected_services.values("pk"))
            assets = assets.filter(organisation_id=self.instance.organisation_id)
        self.fields["affected_services"].queryset = Service.objects.filter(services)
        self.fields["affected_assets"].queryset = assets.select_related("organisation")
        self.fields["affected_assets"].label_from_instance = _asset_label
        self.fields["affected_assets"].help_text = (
            "Assets of the change's organisation; changes on the same asset or service in an "
            "overlapping window are flagged as collisions."
        )
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
        label="Incidents caused",
        help_text="References of incidents this change caused (INC0001234), separated by "
        "commas or new lines; only incidents you may see can be named.",
    )
    lessons = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user=None, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        if instance is not None:
            self.fields["version"].initial = instance.version
        _style(self)


def _people_holding(queryset, *roles):
    """Active people with one of `roles` (the seats of a CAB need them)."""
    return queryset.filter(is_active=True, groups__name__in=[str(r) for r in roles]).distinct()


class MaintenanceWindowForm(ActionForm):
    """Publish or change a weekly maintenance window."""

    class Meta:
        model = MaintenanceWindow
        fields = list(WINDOW_FIELDS)
        widgets = {
            "starts": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "ends": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        services = Q(is_active=True)
        if self.instance.service_id:
            services |= Q(pk=self.instance.service_id)
        self.fields["service"].queryset = Service.objects.filter(services)
        self.fields["site"].queryset = self.fields["site"].queryset.select_related("organisation")
        self.fields["site"].label_from_instance = lambda site: f"{site} ({site.organisation})"
        self.fields["site"].help_text = "Only for changes on assets at this site."
        self.fields["service"].help_text = "Only for changes on this service."


class BlackoutPeriodForm(ActionForm):
    """Declare or change a blackout period."""

    class Meta:
        model = BlackoutPeriod
        fields = list(BLACKOUT_FIELDS)
        widgets = {
            "starts_at": DATETIME_WIDGET,
            "ends_at": DATETIME_WIDGET,
            "reason": forms.Textarea(attrs={"rows": 3}),
        }


class ChangeTemplateForm(ActionForm):
    """Pre-approve or change a standard change template."""

    class Meta:
        model = ChangeTemplate
        fields = list(TEMPLATE_FIELDS)
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in ("description", "implementation_plan", "backout_plan", "test_plan")
        }


class CabBoardForm(ActionForm):
    """Set up or change a CAB: its weekly slot, people, quorums and organisations."""

    class Meta:
        model = CabBoard
        fields = [*BOARD_FIELDS, *BOARD_PEOPLE]
        widgets = {
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "members": forms.SelectMultiple(attrs={"size": 8}),
            "ecab_members": forms.SelectMultiple(attrs={"size": 8}),
            "organisations": forms.SelectMultiple(attrs={"size": 5}),
        }
        labels = {"ecab_members": "ECAB members", "ecab_quorum": "ECAB quorum"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        people = self.fields["members"].queryset
        self.fields["chair"].queryset = _people_holding(people, Role.CHANGE_MANAGER)
        self.fields["members"].queryset = _people_holding(
            people, Role.CHANGE_MANAGER, Role.CAB_MEMBER
        )
        self.fields["ecab_members"].queryset = _people_holding(
            people, Role.CHANGE_MANAGER, Role.CAB_MEMBER
        )
        self.fields["members"].help_text = "The chair always sits on the board."

    def people(self) -> dict:
        """The members, ECAB members and organisations chosen."""
        return {name: list(self.cleaned_data.get(name) or []) for name in BOARD_PEOPLE}
