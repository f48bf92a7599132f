"""Forms of core. They validate input for actions; they never save anything themselves."""

from django import forms

from core.actions.organisations import ORGANISATION_FIELDS
from core.actions.people import PERSON_FIELDS
from core.models import Organisation, Team, User
from core.roles import Role


class ActionForm(forms.ModelForm):
    """A ModelForm used only to validate input for an action.

    Choice fields offer only records the acting user may see, and a hidden `version`
    carries the record's version so the action can refuse an edit from a stale page.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if hasattr(queryset, "visible_to"):
                field.queryset = queryset.visible_to(user)
        if self.instance.pk is not None and hasattr(self.instance, "version"):
            self.fields["version"].initial = self.instance.version
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select")
            elif not isinstance(widget, forms.HiddenInput):
                widget.attrs.setdefault("class", "form-control")

    def changes(self) -> dict:
        """The cleaned values of the model's own (non many-to-many) fields."""
        many = {f.name for f in self._meta.model._meta.many_to_many}
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name in self._meta.fields and name not in many
        }

    @property
    def expected_version(self) -> int | None:
        """The version the page was loaded with (None on create)."""
        return self.cleaned_data.get("version")


class OrganisationForm(ActionForm):
    """Create or edit an organisation."""

    class Meta:
        model = Organisation
        fields = list(ORGANISATION_FIELDS)


class TeamForm(ActionForm):
    """Create or edit a team, its members and the organisations it serves."""

    class Meta:
        model = Team
        fields = ["name", "kind", "email", "lead", "members", "organisations", "is_active"]
        widgets = {
            "members": forms.SelectMultiple(attrs={"size": 10}),
            "organisations": forms.SelectMultiple(attrs={"size": 4}),
        }


class PersonForm(ActionForm):
    """Register or edit a person, their place in an organisation and their roles."""

    roles = forms.MultipleChoiceField(
        choices=Role.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    password = forms.CharField(
        widget=forms.PasswordInput(render_value=False),
        required=False,
        help_text="Required for a new person; at least 8 characters, not a common password.",
    )

    class Meta:
        model = User
        fields = list(PERSON_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"].widget.attrs.pop("class", None)
        if self.instance.pk is not None:
            del self.fields["password"]
            self.fields["roles"].initial = list(self.instance.groups.values_list("name", flat=True))
        else:
            self.fields["password"].required = True
