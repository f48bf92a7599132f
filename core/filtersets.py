"""django-filter filter sets: the base every list uses, and those of core's own models."""

import django_filters
from django.db.models import Q

from core.models import Organisation, Team, TeamKind, User
from core.roles import Role
from core.widgets import quicken


class BaseFilterSet(django_filters.FilterSet):
    """Base of every civicdesk filter set: a free-text `q` over `search_fields`."""

    q = django_filters.CharFilter(method="search", label="Search")
    search_fields: tuple[str, ...] = ()

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = getattr(request, "user", None)
        for filter_ in self.filters.values():
            queryset = getattr(filter_, "queryset", None)
            if user is not None and hasattr(queryset, "visible_to"):
                # Choices never reveal records the viewer may not see.
                filter_.queryset = queryset.visible_to(user)

    @property
    def form(self):
        """The filter form, with Bootstrap classes on its widgets (selects rendered quickly)."""
        form = super().form
        for field in form.fields.values():
            quicken(field)
            css = "form-select" if hasattr(field, "choices") else "form-control"
            field.widget.attrs.setdefault("class", f"{css} form-{css.split('-')[1]}-sm")
        return form

    def search(self, queryset, name, value):
        """Keep rows where any of `search_fields` contains every word typed."""
        for word in value.split():
            condition = Q()
            for field in self.search_fields:
                condition |= Q(**{f"{field}__icontains": word})
            queryset = queryset.filter(condition)
        return queryset


class OrganisationFilterSet(BaseFilterSet):
    """Filters for the organisation list."""

    search_fields = ("name", "slug", "email_domain")

    class Meta:
        model = Organisation
        fields = ["q", "kind", "is_active"]


class TeamFilterSet(BaseFilterSet):
    """Filters for the team list."""

    search_fields = ("name", "email")
    kind = django_filters.ChoiceFilter(choices=TeamKind.choices)
    organisation = django_filters.ModelChoiceFilter(
        field_name="organisations", queryset=Organisation.objects.all(), label="Serves"
    )

    class Meta:
        model = Team
        fields = ["q", "kind", "organisation", "is_active"]


class PersonFilterSet(BaseFilterSet):
    """Filters for the people list."""

    search_fields = ("username", "first_name", "last_name", "email", "job_title", "phone")
    role = django_filters.ChoiceFilter(
        field_name="groups__name", choices=Role.choices, label="Role", distinct=True
    )
    team = django_filters.ModelChoiceFilter(
        field_name="teams", queryset=Team.objects.all(), label="Team", distinct=True
    )

    class Meta:
        model = User
        fields = ["q", "organisation", "role", "team", "is_vip", "is_active"]
