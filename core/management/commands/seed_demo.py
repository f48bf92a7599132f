"""Create the demo: two councils served by one shared desk, their people, teams and calendars."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q

from core import actions
from core.audit import record_audit
from core.models import (
    BusinessCalendar,
    Department,
    HolidayRegion,
    OpeningHours,
    Organisation,
    Site,
    Team,
    TeamKind,
    User,
)
from core.roles import Role

DEMO_PASSWORD = "civicdesk-demo"

CALENDARS = {
    "Standard hours": (dt.time(8), dt.time(18)),
    "Extended hours": (dt.time(7), dt.time(19)),
}

ORGANISATIONS = [
    {
        "name": "Northshire County Council",
        "slug": "northshire",
        "email_domain": "northshire.gov.uk",
        "departments": ["Adult Social Care", "Children's Services", "Finance", "Highways", "ICT"],
        "sites": [
            ("County Hall", "NS1 1AA"),
            ("Riverside Library", "NS2 4BD"),
            ("Highways Depot", "NS4 9QT"),
        ],
    },
    {
        "name": "Eastvale District Council",
        "slug": "eastvale",
        "email_domain": "eastvale.gov.uk",
        "departments": [
            "Revenues and Benefits",
            "Planning",
            "Democratic Services",
            "Waste and Recycling",
        ],
        "sites": [("Eastvale Civic Centre", "EV1 2CC"), ("Market Street Offices", "EV3 7MS")],
    },
]

DOMAINS = {spec["slug"]: spec["email_domain"] for spec in ORGANISATIONS}

# fmt: off
# username, first, last, organisation slug, department, job title, roles, teams, vip
PEOPLE = [
    ("admin", "Alex", "Admin", "northshire", "ICT", "ICT systems administrator", [Role.ADMINISTRATOR], [], False),
    ("requester", "Rachel", "Reid", "northshire", "Finance", "Finance officer", [Role.REQUESTER], [], False),
    ("agent", "Aisha", "Khan", "northshire", "ICT", "Service desk analyst", [Role.AGENT], ["Service Desk"], False),
    ("teamlead", "Tom", "Lewis", "northshire", "ICT", "Service desk team leader", [Role.TEAM_LEAD, Role.AGENT], ["Service Desk"], False),
    ("approver", "Priya", "Shah", "northshire", "Finance", "Head of Finance", [Role.APPROVER, Role.REQUESTER], [], False),
    ("changemanager", "Carl", "Morgan", "northshire", "ICT", "Change manager", [Role.CHANGE_MANAGER], ["Infrastructure"], False),
    ("cabmember", "Beth", "Owen", "northshire", "ICT", "Network architect", [Role.CAB_MEMBER], ["Networks"], False),
    ("assetmanager", "Sam", "Patel", "northshire", "ICT", "ICT asset manager", [Role.ASSET_MANAGER], ["Infrastructure"], False),
    ("manager", "Morag", "Hughes", "northshire", "ICT", "Head of ICT", [Role.MANAGER], [], False),
    ("requester2", "Rhys", "Evans", "eastvale", "Revenues and Benefits", "Benefits assessor", [Role.REQUESTER], [], False),
    ("agent2", "Nadia", "Ali", "eastvale", "Democratic Services", "ICT support analyst", [Role.AGENT], ["Service Desk"], False),
]

# name, kind, email, lead username, organisation slugs
TEAMS = [
    ("Service Desk", TeamKind.SERVICE_DESK, "servicedesk@northshire.gov.uk", "teamlead", ["northshire", "eastvale"]),
    ("Infrastructure", TeamKind.SECOND_LINE, "infrastructure@northshire.gov.uk", "changemanager", ["northshire", "eastvale"]),
    ("Applications", TeamKind.SECOND_LINE, "applications@northshire.gov.uk", None, ["northshire", "eastvale"]),
    ("Networks", TeamKind.THIRD_LINE, "networks@northshire.gov.uk", "cabmember", ["northshire", "eastvale"]),
    ("Civic Telecom (supplier)", TeamKind.SUPPLIER, "support@civictelecom.example", None, ["northshire"]),
]
# fmt: on


def app_seeders() -> list:
    """Modules of other apps that seed their own demo data, named by `demo_seeder` on AppConfig.

    Each module offers `seed(command, admin, organisations, options)` and optionally
    `add_arguments(parser)`; core never imports the apps by name.
    """
    from importlib import import_module

    from django.apps import apps

    return [
        import_module(app_config.demo_seeder)
        for app_config in apps.get_app_configs()
        if getattr(app_config, "demo_seeder", None)
    ]


class Command(BaseCommand):
    """Seed the demo data; safe to run again (nothing is duplicated)."""

    help = "Create demo councils, teams, calendars and a login for every role (idempotent)."

    def add_arguments(self, parser):
        """--force seeds demo logins even when DEBUG is off."""
        parser.add_argument(
            "--force",
            action="store_true",
            help="Seed demo users even though DEBUG is off (never on a live system).",
        )
        for seeder in app_seeders():
            if hasattr(seeder, "add_arguments"):
                seeder.add_arguments(parser)

    def handle(self, *args, force: bool = False, **options):
        """Create whatever of the demo is missing (core, then each app), then print the logins."""
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to create demo users with a known password while DEBUG is off. "
                "Use --force only on a throwaway system."
            )
        with transaction.atomic():
            calendars = self._calendars()
            admin = self._bootstrap_admin()
            organisations = self._organisations(admin, calendars["Standard hours"])
            self._people(admin, organisations)
            self._teams(admin, organisations)
        for seeder in app_seeders():
            # Each app in its own transaction: a large bulk seed need not hold one huge one.
            with transaction.atomic():
                seeder.seed(self, admin=admin, organisations=organisations, options=options)
        self._print_logins()

    def _calendars(self) -> dict[str, BusinessCalendar]:
        """The standard (08:00–18:00) and extended (07:00–19:00) weekday calendars."""
        made = {}
        for name, (opens, closes) in CALENDARS.items():
            calendar, created = BusinessCalendar.objects.get_or_create(
                name=name, defaults={"holiday_region": HolidayRegion.ENGLAND_AND_WALES}
            )
            if created:
                OpeningHours.objects.bulk_create(
                    OpeningHours(calendar=calendar, weekday=day, opens=opens, closes=closes)
                    for day in range(5)
                )
            made[name] = calendar
        return made

    def _bootstrap_admin(self) -> User:
        """The first administrator is created directly: no one exists yet to act."""
        admin = User.objects.filter(username="admin").first()
        if admin is None:
            admin = User.objects.create_user(
                "admin",
                "admin@northshire.gov.uk",
                DEMO_PASSWORD,
                first_name="Alex",
                last_name="Admin",
                job_title="ICT systems administrator",
                is_staff=True,
            )
            from django.contrib.auth.models import Group

            admin.groups.add(Group.objects.get(name=Role.ADMINISTRATOR))
            record_audit(
                actor=None,
                verb="person.created",
                obj=admin,
                after={"username": "admin"},
                note="demo seed",
            )
        return admin

    def _organisations(self, admin: User, calendar: BusinessCalendar) -> dict[str, Organisation]:
        """The two councils with their departments and sites."""
        made = {}
        for spec in ORGANISATIONS:
            # Matched by slug or name, so a council already set up by hand is reused.
            organisation = Organisation.objects.filter(
                Q(slug=spec["slug"]) | Q(name=spec["name"])
            ).first()
            if organisation is None:
                organisation = actions.do_create_organisation(
                    actor=admin,
                    name=spec["name"],
                    slug=spec["slug"],
                    email_domain=spec["email_domain"],
                    calendar=calendar,
                )
            for name in spec["departments"]:
                if not Department.objects.filter(organisation=organisation, name=name).exists():
                    actions.do_create_department(actor=admin, organisation=organisation, name=name)
            for name, postcode in spec["sites"]:
                if not Site.objects.filter(organisation=organisation, name=name).exists():
                    actions.do_create_site(
                        actor=admin, organisation=organisation, name=name, postcode=postcode
                    )
            made[spec["slug"]] = organisation
        if admin.organisation_id is None:
            actions.do_update_person(
                admin,
                actor=admin,
                expected_version=None,
                organisation=made["northshire"],
                department=Department.objects.get(organisation=made["northshire"], name="ICT"),
            )
        return made

    def _people(self, admin: User, organisations: dict[str, Organisation]) -> None:
        """A login for every role, in the council the issue names."""
        for index, (
            username,
            first,
            last,
            org_slug,
            department,
            title,
            roles,
            _teams,
            vip,
        ) in enumerate(PEOPLE):
            if User.objects.filter(username=username).exists():
                continue
            organisation = organisations[org_slug]
            actions.do_create_person(
                actor=admin,
                password=DEMO_PASSWORD,
                roles=[role.value for role in roles],
                username=username,
                first_name=first,
                last_name=last,
                email=f"{username}@{DOMAINS[org_slug]}",
                organisation=organisation,
                department=Department.objects.get(organisation=organisation, name=department),
                site=organisation.sites.order_by("id").first(),
                job_title=title,
                # 01632 960xxx is Ofcom's range reserved for drama: never a real number.
                phone=f"01632 960{100 + index:03d}",
                is_vip=vip,
            )

    def _teams(self, admin: User, organisations: dict[str, Organisation]) -> None:
        """The shared desk, resolver teams and a supplier, with their members."""
        for name, kind, email, lead_name, org_slugs in TEAMS:
            members = [User.objects.get(username=p[0]) for p in PEOPLE if name in p[7]]
            if Team.objects.filter(name=name).exists():
                continue
            actions.do_create_team(
                actor=admin,
                name=name,
                kind=kind,
                email=email,
                lead=User.objects.get(username=lead_name) if lead_name else None,
                members=members,
                organisations=[organisations[slug] for slug in org_slugs],
            )

    def _print_logins(self) -> None:
        """Print every demo login with the shared password."""
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready. Logins (password for all: {DEMO_PASSWORD}):")
        )
        for username, first, last, org_slug, _dept, _title, roles, *_ in PEOPLE:
            role_names = ", ".join(role.value for role in roles)
            self.stdout.write(
                f"  {username:<14} {first + ' ' + last:<14} {org_slug:<11} {role_names}"
            )
