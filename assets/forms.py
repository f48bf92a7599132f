"""Forms of the asset register; they validate input for actions and never save."""

from django import forms

from assets.actions.register import EDITABLE_ASSET_FIELDS
from assets.models import (
    Asset,
    Contract,
    DiscoveryRange,
    Licence,
    SnmpCredential,
    SoftwareProduct,
)
from core.forms import ActionForm
from core.models import Organisation


class AssetForm(ActionForm):
    """Create or edit an asset's people-owned fields."""

    class Meta:
        model = Asset
        fields = ["organisation", *EDITABLE_ASSET_FIELDS]
        widgets = {
            "purchase_date": forms.DateInput(attrs={"type": "date"}),
            "warranty_end": forms.DateInput(attrs={"type": "date"}),
            "end_of_support": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # An asset does not move between organisations by editing.
            self.fields["organisation"].disabled = True


class LicenceForm(ActionForm):
    """Record or edit a licence."""

    class Meta:
        model = Licence
        fields = [
            "organisation",
            "product",
            "reference",
            "kind",
            "entitlements",
            "cost",
            "contract",
            "expires",
        ]
        widgets = {"expires": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # A licence bought by one council does not move to another by editing.
            self.fields["organisation"].disabled = True


class ContractForm(ActionForm):
    """Create or edit a contract."""

    class Meta:
        model = Contract
        fields = [
            "organisation",
            "reference",
            "supplier",
            "kind",
            "start",
            "end",
            "notice_days",
            "value",
            "assets",
        ]
        widgets = {
            "start": forms.DateInput(attrs={"type": "date"}),
            "end": forms.DateInput(attrs={"type": "date"}),
        }


class SnmpCredentialForm(ActionForm):
    """A credential; secrets are write-only fields that are never rendered back."""

    community = forms.CharField(required=False, widget=forms.PasswordInput(render_value=False))
    auth_key = forms.CharField(required=False, widget=forms.PasswordInput(render_value=False))
    priv_key = forms.CharField(required=False, widget=forms.PasswordInput(render_value=False))

    class Meta:
        model = SnmpCredential
        fields = [
            "organisation",
            "name",
            "snmp_version",
            "v3_user",
            "auth_protocol",
            "priv_protocol",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["organisation"].disabled = True
            for name in ("community", "auth_key", "priv_key"):
                stored = getattr(self.instance, f"{name}_encrypted")
                # Say whether a secret is stored, never what it is.
                self.fields[name].help_text = (
                    "Stored; leave blank to keep it, or type a new one to replace it."
                    if stored
                    else "Not set."
                )

    def secrets(self) -> dict:
        """The secrets typed in (blank ones mean "keep the stored one")."""
        return {
            name: self.cleaned_data.get(name) or ""
            for name in ("community", "auth_key", "priv_key")
        }


class DiscoveryRangeForm(ActionForm):
    """A network to sweep."""

    class Meta:
        model = DiscoveryRange
        fields = [
            "organisation",
            "site",
            "name",
            "cidr",
            "exclusions",
            "credentials",
            "port",
            "timeout",
            "retries",
            "concurrency",
            "frequency",
            "run_at",
            "weekday",
            "auto_register",
            "missed_runs_threshold",
        ]
        widgets = {
            "run_at": forms.TimeInput(attrs={"type": "time"}),
            "credentials": forms.SelectMultiple(attrs={"size": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["organisation"].disabled = True


class SoftwareProductForm(ActionForm):
    """The names a product is installed under, for licence compliance."""

    class Meta:
        model = SoftwareProduct
        fields = ["vendor", "name", "match_patterns", "end_of_support"]
        widgets = {
            "match_patterns": forms.Textarea(attrs={"rows": 5}),
            "end_of_support": forms.DateInput(attrs={"type": "date"}),
        }


class ImportForm(forms.Form):
    """Upload of a register file (Excel or CSV)."""

    organisation = forms.ModelChoiceField(queryset=Organisation.objects.all())
    file = forms.FileField(help_text="Excel (.xlsx) or CSV with a header row.")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.visible_to(user)
        self.fields["organisation"].widget.attrs["class"] = "form-select"
        self.fields["file"].widget.attrs["class"] = "form-control"
