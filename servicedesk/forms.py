"""Forms of the portal and desk; they only validate input, the actions make the changes."""

from __future__ import annotations

import re

from django import forms
from django.db.models import Q
from django.urls import reverse_lazy

from core.forms import ActionForm
from core.models import Organisation, Team, User
from core.visibility import visible_to
from servicedesk.choices import (
    Channel,
    Level,
    PendingReason,
    Priority,
    ResolutionCode,
)
from servicedesk.models import Category, Incident, Service, ServiceStandard
from servicedesk.queries import open_major_incident_ids


class MultipleFileInput(forms.ClearableFileInput):
    """A file input that accepts several files."""

    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Zero or more uploaded files; type and size are checked by the action."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "form-control"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        """A list of files (possibly empty)."""
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


class BootstrapForm(forms.Form):
    """A form whose widgets carry Bootstrap classes; takes the acting user."""

    def __init__(self, *args, instance=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance, self.user = instance, user
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


def _active_categories():
    return Category.objects.filter(is_active=True).select_related("parent")


class LogIncidentForm(BootstrapForm):
    """The portal's "log a call" form."""

    service = forms.ModelChoiceField(queryset=Service.objects.filter(is_active=True))
    category = forms.ModelChoiceField(queryset=_active_categories(), required=False)
    short_description = forms.CharField(max_length=200, label="What is wrong, in a few words")
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), required=False)
    impact = forms.TypedChoiceField(
        choices=Level.choices,
        coerce=int,
        initial=Level.LOW,
        label="Who is affected",
        help_text="High: a whole service or site; medium: a team; low: just you.",
    )
    attachments = MultipleFileField(
        help_text="Screenshots or documents, up to 10 MB each (PDF, images, text, Office)."
    )


class PhoneLogForm(LogIncidentForm):
    """The desk's quick phone-logging form: caller lookup and one-step first-contact fix."""

    field_order = ["caller", "channel", "service", "category", "short_description"]

    caller = forms.CharField(
        label="Caller",
        help_text="Type part of their name, username, email or phone number and pick them; "
        "or give their exact username, email address or phone number.",
    )
    channel = forms.ChoiceField(choices=Channel.choices, initial=Channel.PHONE)
    urgency = forms.TypedChoiceField(choices=Level.choices, coerce=int, initial=Level.MEDIUM)
    resolve_now = forms.BooleanField(required=False, label="Resolved on first contact")
    resolution_code = forms.ChoiceField(
        choices=[("", "—"), *ResolutionCode.choices], required=False
    )
    resolution_notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    assets = forms.CharField(
        required=False,
        label="Assets",
        help_text="Asset tags or host names of the caller's equipment, separated by spaces.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # As the agent types, the desk suggests matching people (servicedesk:caller_lookup).
        self.fields["caller"].widget.attrs.update(
            {
                "autocomplete": "off",
                "hx-get": reverse_lazy("servicedesk:caller_lookup"),
                "hx-trigger": "input changed delay:300ms, search",
                "hx-target": "#caller-matches",
                "hx-sync": "this:replace",
            }
        )

    def clean_caller(self):
        """Find the one caller, among the people the agent serves, that the text names."""
        text = self.cleaned_data["caller"].strip()
        people = visible_to(
            User.objects.filter(is_active=True, organisation__isnull=False), self.user
        ).filter(Q(username__iexact=text) | Q(email__iexact=text) | Q(phone=text))
        found = list(people[:2])
        if not found:
            raise forms.ValidationError(f"Nobody you serve is known as {text!r}.")
        if len(found) > 1:
            raise forms.ValidationError(f"Several people match {text!r}: use their username.")
        return found[0]

    def clean(self):
        """Find the named assets among the caller's organisation's, once the caller is known."""
        cleaned = super().clean()
        caller, text = cleaned.get("caller"), cleaned.get("assets") or ""
        if caller is None:
            cleaned["assets"] = []
            return cleaned
        try:
            cleaned["assets"] = resolve_assets(self.user, caller.organisation_id, text)
        except forms.ValidationError as error:
            self.add_error("assets", error)
        return cleaned


def resolve_assets(user, organisation_id: int, text: str) -> list:
    """The assets named in `text` (tags, host names or serials, separated by commas or spaces)
    among those of the organisation that `user` may see; a name that matches none, or several,
    is refused."""
    from assets.models import Asset

    found = []
    candidates = visible_to(Asset.objects.filter(organisation_id=organisation_id), user)
    for name in dict.fromkeys(part for part in re.split(r"[,\s]+", text) if part):
        matches = list(
            candidates.filter(
                Q(asset_tag__iexact=name) | Q(hostname__iexact=name) | Q(serial__iexact=name)
            )[:2]
        )
        if not matches:
            raise forms.ValidationError(
                f"No asset of the caller's organisation that you may see is tagged or named "
                f"{name!r}."
            )
        if len(matches) > 1:
            raise forms.ValidationError(f"Several assets match {name!r}: use the asset tag.")
        if matches[0] not in found:
            found.append(matches[0])
    return found


class LinkAssetsForm(BootstrapForm):
    """The equipment a call concerns, by asset tag or host name."""

    assets = forms.CharField(
        required=False,
        label="Assets",
        help_text="Asset tags or host names of the caller's organisation, separated by spaces.",
    )


class CommentForm(BootstrapForm):
    """A comment on a call; internal only for staff who may write work notes."""

    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Comment")
    internal = forms.BooleanField(required=False, label="Internal work note (not shown to caller)")
    attachments = MultipleFileField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not (self.user and self.user.has_perm("servicedesk.view_internal_comment")):
            del self.fields["internal"]


class AssignForm(BootstrapForm):
    """Which team (and optionally who) should work the call."""

    team = forms.ModelChoiceField(queryset=Team.objects.filter(is_active=True))
    assignee = forms.ModelChoiceField(
        queryset=User.objects.filter(teams__isnull=False, is_active=True).distinct(),
        required=False,
    )


class ResolveForm(BootstrapForm):
    """How the call was resolved."""

    code = forms.ChoiceField(choices=ResolutionCode.choices, label="Resolution")
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Resolution notes")


class HoldForm(BootstrapForm):
    """What the call waits for."""

    reason = forms.ChoiceField(choices=PendingReason.choices)


class ReasonForm(BootstrapForm):
    """An optional reason (reopen, cancel)."""

    reason = forms.CharField(max_length=500, required=False)


class ReprioritiseForm(BootstrapForm):
    """New impact, urgency or service for a call."""

    impact = forms.TypedChoiceField(choices=Level.choices, coerce=int)
    urgency = forms.TypedChoiceField(choices=Level.choices, coerce=int)
    service = forms.ModelChoiceField(queryset=Service.objects.filter(is_active=True))


class RatingForm(BootstrapForm):
    """The caller's rating of a resolved call."""

    score = forms.TypedChoiceField(
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
        label="How did we do? (5 is best)",
    )
    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class BulkForm(BootstrapForm):
    """Assign or resolve the selected calls, or link them to a problem."""

    operation = forms.ChoiceField(
        choices=[("assign", "Assign"), ("resolve", "Resolve"), ("problem", "Link to problem")]
    )
    team = forms.ModelChoiceField(queryset=Team.objects.filter(is_active=True), required=False)
    code = forms.ChoiceField(choices=[("", "—"), *ResolutionCode.choices], required=False)
    notes = forms.CharField(required=False)
    problem = forms.CharField(
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"placeholder": "PRB0001234", "size": 12}),
    )


# --- major incidents --------------------------------------------------------------------
def _datetime_field(label: str) -> forms.DateTimeField:
    """An optional date and time, picked with the browser's own control."""
    return forms.DateTimeField(
        label=label,
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class MajorScopeForm(BootstrapForm):
    """Which other services and organisations a major incident affects."""

    affected_services = forms.ModelMultipleChoiceField(
        queryset=Service.objects.filter(is_active=True),
        required=False,
        help_text="The call's own service always counts as affected.",
    )
    affected_organisations = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        help_text="Their staff see the public updates; the call's own organisation always does.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["affected_organisations"].queryset = Organisation.objects.visible_to(
            self.user
        ).filter(is_active=True)
        for name in ("affected_services", "affected_organisations"):
            self.fields[name].widget.attrs["size"] = 4


class DeclareMajorForm(MajorScopeForm):
    """Declare a major incident: what it affects and, if known, since when."""

    outage_start = _datetime_field("Outage started")


class OutageForm(BootstrapForm):
    """The service outage window of a major incident; no end while it is still down."""

    outage_start = _datetime_field("Outage started")
    outage_end = _datetime_field("Service restored")


class LinkMajorForm(BootstrapForm):
    """Which current major incident a call is one more report of."""

    major_incident = forms.ModelChoiceField(
        queryset=Incident.objects.none(),
        required=False,
        label="Part of major incident",
        empty_label="— none —",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["major_incident"].queryset = Incident.objects.visible_to(self.user).filter(
            pk__in=open_major_incident_ids()
        )


class MajorUpdateForm(BootstrapForm):
    """An entry of a major incident's communications log."""

    message = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Update")
    public = forms.BooleanField(
        required=False, label="Public: show to staff of the affected organisations and email"
    )


# --- catalogue administration -----------------------------------------------------------
class ServiceForm(ActionForm):
    """Create or edit a catalogue service."""

    class Meta:
        model = Service
        fields = [
            "name",
            "description",
            "owner_team",
            "calendar",
            "availability_target",
            "is_active",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class ServiceStandardForm(ActionForm):
    """Create or edit the targets of one service, priority and audience."""

    class Meta:
        model = ServiceStandard
        fields = ["service", "priority", "audience", "response_minutes", "resolution_minutes"]
        help_texts = {
            "response_minutes": "Business minutes, on the service's calendar.",
            "resolution_minutes": "Business minutes; pending time does not count.",
        }


class CategoryForm(ActionForm):
    """Create or edit a node of the category tree."""

    class Meta:
        model = Category
        fields = ["name", "parent", "service", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["parent"].queryset = Category.objects.exclude(pk=self.instance.pk)


class PriorityMatrixForm(BootstrapForm):
    """The whole impact × urgency matrix as one grid of choices."""

    loaded = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, matrix: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["loaded"].initial = self.encode(matrix)
        for impact, urgency in self.cells():
            self.fields[self.cell_name(impact, urgency)] = forms.TypedChoiceField(
                choices=Priority.choices,
                coerce=int,
                initial=matrix[(impact, urgency)],
                label=f"{Level(impact).label} impact × {Level(urgency).label.lower()} urgency",
                widget=forms.Select(attrs={"class": "form-select"}),
            )

    @staticmethod
    def cells() -> list[tuple[int, int]]:
        """Every (impact, urgency) pair, in grid order."""
        return [(impact, urgency) for impact in Level.values for urgency in Level.values]

    @staticmethod
    def cell_name(impact: int, urgency: int) -> str:
        """The field name of one cell."""
        return f"cell_{impact}_{urgency}"

    @staticmethod
    def encode(matrix: dict) -> str:
        """The matrix as the page showed it, so a concurrent change can be detected."""
        return ",".join(f"{i}{u}{p}" for (i, u), p in sorted(matrix.items()))

    @staticmethod
    def decode(text: str) -> dict | None:
        """The matrix the page showed, or None if the field was missing or tampered with."""
        try:
            return {(int(c[0]), int(c[1])): int(c[2]) for c in text.split(",")} if text else None
        except (ValueError, IndexError):
            return None

    def grid(self) -> list[tuple[str, list]]:
        """Rows of the grid for the template: (impact label, [bound field per urgency])."""
        return [
            (
                Level(impact).label,
                [self[self.cell_name(impact, urgency)] for urgency in Level.values],
            )
            for impact in Level.values
        ]

    def matrix(self) -> dict:
        """The cleaned matrix."""
        return {cell: self.cleaned_data[self.cell_name(*cell)] for cell in self.cells()}
