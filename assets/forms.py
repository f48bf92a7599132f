"""Forms of the asset register; they validate input for actions and never save."""

from django import forms

from assets.actions.register import EDITABLE_ASSET_FIELDS
from assets.models import Asset, Contract, DiscoveryRange, Licence, SnmpCredential
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
    """Record a licence."""

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
        fields = ["organisation", "name", "version", "v3_user", "auth_protocol", "priv_protocol"]


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
            "schedule_daily",
            "auto_register",
            "missed_runs_threshold",
        ]


class ImportForm(forms.Form):
    """Upload of a register file (Excel or CSV)."""

    organisation = forms.ModelChoiceField(queryset=Organisation.objects.all())
    file = forms.FileField(help_text="Excel (.xlsx) or CSV with a header row.")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.visible_to(user)
        self.fields["organisation"].widget.attrs["class"] = "form-select"
        self.fields["file"].widget.attrs["class"] = "form-control"
