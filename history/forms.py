"""Form of the history import page: the event log, its mapping and the organisation."""

from django import forms

from core.models import Organisation

MAX_MAPPING_BYTES = 1024 * 1024


class HistoryUploadForm(forms.Form):
    """Upload of an event log and its mapping, for a dry-run preview."""

    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none())
    file = forms.FileField(
        label="Event log", help_text="CSV or Excel (.xlsx): one row per update of a ticket."
    )
    mapping_file = forms.FileField(
        label="Mapping file",
        required=False,
        help_text="TOML (see the README, “Importing ticket history”).",
    )
    mapping_text = forms.CharField(
        label="…or paste the mapping",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
    )
    accept_rejects = forms.BooleanField(
        label="Import even if more rows are unusable than the mapping allows",
        required=False,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.visible_to(user)
        for name, field in self.fields.items():
            css = "form-select" if name == "organisation" else "form-control"
            if name == "accept_rejects":
                css = "form-check-input"
            field.widget.attrs["class"] = css

    def clean(self):
        """The mapping comes from the uploaded file or the text box, as UTF-8 text."""
        data = super().clean()
        upload = data.get("mapping_file")
        if upload is not None:
            if upload.size > MAX_MAPPING_BYTES:
                raise forms.ValidationError({"mapping_file": "The mapping is larger than 1 MB."})
            try:
                data["mapping"] = upload.read().decode("utf-8")
            except UnicodeDecodeError:
                raise forms.ValidationError(
                    {"mapping_file": "The mapping is not UTF-8 text."}
                ) from None
        else:
            data["mapping"] = data.get("mapping_text", "")
        if not data["mapping"].strip():
            raise forms.ValidationError({"mapping_text": "Give the mapping, as a file or text."})
        return data
