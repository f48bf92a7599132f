"""People and the teams (assignment groups) they work in."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.urls import reverse

from core.models.base import TimestampedModel, VersionedModel
from core.visibility import VisibleQuerySet


class CivicUserManager(UserManager.from_queryset(VisibleQuerySet)):
    """User manager whose querysets offer `.visible_to(user)`."""


class User(VersionedModel, AbstractUser):
    """A person who uses the desk: staff member, agent, manager or administrator."""

    organisation = models.ForeignKey(
        "core.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
    )
    department = models.ForeignKey(
        "core.Department", on_delete=models.SET_NULL, null=True, blank=True, related_name="people"
    )
    site = models.ForeignKey(
        "core.Site", on_delete=models.SET_NULL, null=True, blank=True, related_name="people"
    )
    phone = models.CharField(max_length=40, blank=True)
    job_title = models.CharField(max_length=150, blank=True)
    is_vip = models.BooleanField(
        "VIP", default=False, help_text="Councillors and senior officers whose calls are flagged."
    )

    objects = CivicUserManager()

    visibility_organisation_field = "organisation"
    visibility_owner_fields = ("self",)

    class Meta:
        ordering = ["last_name", "first_name", "username"]
        permissions = [
            ("use_portal", "Can use the self-service portal"),
            ("use_desk", "Can use the service desk workspace"),
            ("use_changes", "Can use change management"),
            ("use_assets", "Can use the asset register"),
            ("use_kpis", "Can read KPI reports"),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def get_absolute_url(self) -> str:
        """The person's page."""
        return reverse("core:person_detail", args=[self.pk])


class TeamKind(models.TextChoices):
    """The line a team works at; the colour is used for its badge."""

    SERVICE_DESK = "service_desk", "Service desk"
    SECOND_LINE = "second_line", "Second line"
    THIRD_LINE = "third_line", "Third line"
    SUPPLIER = "supplier", "Supplier"

    @property
    def colour(self) -> str:
        """Bootstrap colour of this kind's badge."""
        return {
            "service_desk": "primary",
            "second_line": "info",
            "third_line": "secondary",
            "supplier": "warning",
        }[self.value]


class Team(VersionedModel, TimestampedModel):
    """An assignment group: the service desk, a resolver team or a supplier."""

    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=20, choices=TeamKind.choices)
    email = models.EmailField(blank=True)
    lead = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="teams_led"
    )
    members = models.ManyToManyField(User, related_name="teams", blank=True)
    organisations = models.ManyToManyField(
        "core.Organisation",
        related_name="served_by",
        blank=True,
        help_text="The organisations whose calls this team works.",
    )
    is_active = models.BooleanField(default=True)

    objects = models.Manager.from_queryset(VisibleQuerySet)()

    visibility_organisation_field = "organisations"
    visibility_owner_fields = ("members",)
    visibility_public_to_organisation = True
    visibility_many_to_many = True

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        """The team's page."""
        return reverse("core:team_detail", args=[self.pk])

    @property
    def kind_colour(self) -> str:
        """Bootstrap colour of this team's kind badge."""
        return TeamKind(self.kind).colour
