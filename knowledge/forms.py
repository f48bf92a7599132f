"""Forms of problems and articles. They validate input for actions; they never save."""

from __future__ import annotations

import re

from django import forms

from core.forms import ActionForm
from knowledge.models import KnowledgeArticle, Problem
from servicedesk.choices import ResolutionCode
from servicedesk.models.incidents import parse_reference

_SEPARATORS = re.compile(r"[\s,;]+")


def parse_incident_references(text: str) -> list[int]:
    """Incident primary keys from references typed as "INC0000012, INC0000013 14"."""
    keys = []
    for token in _SEPARATORS.split(text or ""):
        if not token:
            continue
        pk = parse_reference(token)
        if pk is None:
            raise forms.ValidationError(f"{token} is not a call reference (e.g. INC0001234).")
        keys.append(pk)
    return keys


class ProblemForm(ActionForm):
    """Raise or edit a problem; when raising, the calls it explains may be given."""

    incidents = forms.CharField(
        required=False,
        label="Calls",
        help_text="References of the calls this problem explains, e.g. INC0001234 INC0001240.",
    )

    class Meta:
        model = Problem
        fields = [
            "organisation",
            "summary",
            "description",
            "services",
            "assets",
            "owner",
            "team",
            "root_cause",
            "workaround",
            "permanent_fix",
            "fix_change",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "root_cause": forms.Textarea(attrs={"rows": 3}),
            "workaround": forms.Textarea(attrs={"rows": 3}),
            "permanent_fix": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            # A problem stays with its organisation; calls are linked from its page.
            del self.fields["organisation"]
            del self.fields["incidents"]

    def clean_incidents(self) -> list[int]:
        """The calls' primary keys."""
        return parse_incident_references(self.cleaned_data.get("incidents", ""))


class LinkIncidentsForm(forms.Form):
    """Link calls to a problem by their references."""

    references = forms.CharField(
        label="Call references",
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": "INC0001234 …"}),
    )

    def clean_references(self) -> list[int]:
        """The calls' primary keys."""
        return parse_incident_references(self.cleaned_data["references"])


class ResolveProblemForm(forms.Form):
    """Resolve a problem, and offer to resolve its open calls with one note."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    resolve_incidents = forms.BooleanField(
        required=False,
        label="Also resolve the open calls linked to it",
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    code = forms.ChoiceField(
        choices=ResolutionCode.choices,
        initial=ResolutionCode.FIXED,
        label="Resolution code for the calls",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    notes = forms.CharField(
        required=False,
        label="Resolution note for the calls",
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )


class ArticleForm(ActionForm):
    """Write or edit a knowledge article."""

    class Meta:
        model = KnowledgeArticle
        fields = ["title", "body", "audience", "services", "categories", "owner", "review_date"]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 14}),
            "review_date": forms.DateInput(attrs={"type": "date"}),
        }
