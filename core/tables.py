"""django-tables2 tables: the base every list uses, and the tables of core's own models."""

import datetime as dt

import django_tables2 as tables
from django.db import models
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.html import format_html
from django_tables2.columns import library

from core.models import Organisation, Team, User


class BaseTable(tables.Table):
    """Base of every civicdesk list table: linked first column, Bootstrap look, export rules."""

    # Columns that make no sense in a spreadsheet (action buttons).
    export_exclude: tuple[str, ...] = ()
    # A template that renders one record's row directly (as `call`/`record`, with `shown`
    # the names of the visible columns); for the busiest lists, where resolving each cell
    # through django-tables2 costs most of the page's time. None: django-tables2 renders.
    row_template: str | None = None

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle"}
        per_page = 25
        empty_text = "Nothing matches these filters."

    @property
    def shown_columns(self) -> frozenset[str]:
        """Names of the columns this table shows (after `exclude` and column choices)."""
        return frozenset(column.name for column in self.columns)


class BadgeColumn(tables.Column):
    """A choice column shown as a coloured badge; the colour comes from the record."""

    def __init__(self, *args, colour_attr: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.colour_attr = colour_attr

    def render(self, value, record):
        """The badge, coloured by the record's own `colour_attr`."""
        colour = getattr(record, self.colour_attr)
        return format_html('<span class="badge text-bg-{}">{}</span>', colour, value)

    def value(self, value, record):
        """Plain text for exports."""
        return value


@library.register
class DateTimeColumn(tables.Column):
    """A date and time in local time, formatted in Python; exports get the datetime itself.

    django-tables2's own DateTimeColumn compiles a template for every cell, which was a
    fifth of a queue page's time; this one also takes over model DateTimeFields.
    """

    def __init__(self, *args, format: str = "d M Y H:i", **kwargs):
        super().__init__(*args, **kwargs)
        self.format = format

    @classmethod
    def from_field(cls, field, **kwargs):
        """Used for every model DateTimeField a table does not declare itself."""
        if isinstance(field, models.DateTimeField):
            return cls(**kwargs)
        return None

    def render(self, value):
        """The local date and time."""
        if isinstance(value, dt.datetime) and timezone.is_aware(value):
            value = timezone.localtime(value)
        return format_date(value, self.format)

    def value(self, value):
        """The datetime itself, so Excel gets a real date (made local by core.exports)."""
        return value


@library.register
class DateColumn(DateTimeColumn):
    """A date, formatted in Python; exports get the date itself."""

    def __init__(self, *args, format: str = "d M Y", **kwargs):
        super().__init__(*args, format=format, **kwargs)

    @classmethod
    def from_field(cls, field, **kwargs):
        """Used for every model DateField (not DateTimeField) a table does not declare."""
        if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
            return cls(**kwargs)
        return None


class OrganisationTable(BaseTable):
    """Organisations served by the desk."""

    name = tables.Column(linkify=True)
    people = tables.Column(verbose_name="People", orderable=False, empty_values=())

    class Meta(BaseTable.Meta):
        model = Organisation
        fields = ("name", "slug", "kind", "email_domain", "calendar", "is_active")
        sequence = ("name", "kind", "slug", "email_domain", "calendar", "people", "is_active")

    def render_people(self, record):
        """Number of people in the organisation."""
        return record.people.count()

    def value_people(self, record):
        """Number of people, for exports."""
        return record.people.count()


class TeamTable(BaseTable):
    """Teams (assignment groups)."""

    name = tables.Column(linkify=True)
    kind = BadgeColumn(colour_attr="kind_colour")
    lead = tables.Column(linkify=True)
    member_count = tables.Column(verbose_name="Members", orderable=True)

    class Meta(BaseTable.Meta):
        model = Team
        fields = ("name", "kind", "lead", "member_count", "email", "is_active")


class PersonTable(BaseTable):
    """People: staff, agents, managers."""

    username = tables.Column(linkify=True)
    name = tables.Column(
        accessor="get_full_name", verbose_name="Name", order_by=("last_name", "first_name")
    )
    roles = tables.Column(verbose_name="Roles", orderable=False, empty_values=())

    class Meta(BaseTable.Meta):
        model = User
        fields = (
            "username",
            "name",
            "organisation",
            "department",
            "job_title",
            "email",
            "phone",
            "is_vip",
            "is_active",
        )

    def render_roles(self, record):
        """The person's roles, comma-separated."""
        return ", ".join(group.name for group in record.groups.all())

    def value_roles(self, record):
        """The person's roles, for exports."""
        return self.render_roles(record)
