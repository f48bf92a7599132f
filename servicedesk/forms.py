"""Forms of the portal and desk; they only validate input, the actions make the changes."""

from __future__ import annotations

from django import forms
from django.db.models import Q

from core.models import Team, User
from core.visibility import visible_to
from servicedesk.choices import Channel, Level, PendingReason, ResolutionCode
from servicedesk.models import Category, Service


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
        help_text="Username, email address or phone number of the person on the phone.",
    )
    channel = forms.ChoiceField(choices=Channel.choices, initial=Channel.PHONE)
    urgency = forms.TypedChoiceField(choices=Level.choices, coerce=int, initial=Level.MEDIUM)
    resolve_now = forms.BooleanField(required=False, label="Resolved on first contact")
    resolution_code = forms.ChoiceField(
        choices=[("", "—"), *ResolutionCode.choices], required=False
    )
    resolution_notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

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
    """Assign or resolve the selected calls."""

    operation = forms.ChoiceField(choices=[("assign", "Assign"), ("resolve", "Resolve")])
    team = forms.ModelChoiceField(queryset=Team.objects.filter(is_active=True), required=False)
    code = forms.ChoiceField(choices=[("", "—"), *ResolutionCode.choices], required=False)
    notes = forms.CharField(required=False)
