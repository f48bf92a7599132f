"""Seeding the demo catalogue and, for benchmarks, large numbers of realistic calls in bulk.

Bulk seeding writes rows in batches with executemany, bypassing the actions on purpose:
going through an action per call would take hours for a million calls. The rows it writes
are what the actions would have produced (states, SLA fields, audit events, comments). Due
times and measured business times are exact, on each call's calendar: one
`servicedesk.timeline.BusinessTimeline` per calendar answers them by binary search instead
of walking the calendar day by day for every row.
"""

from __future__ import annotations

import datetime as dt
import random
import time

from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max
from django.utils import timezone

from core.models import AuditEvent, BusinessCalendar, Organisation, Team, User
from servicedesk import sla
from servicedesk.choices import Channel, IncidentStatus, PendingReason, ResolutionCode
from servicedesk.models import Category, Comment, Incident, Service, ServiceStandard
from servicedesk.models.catalogue import DEFAULT_MATRIX, DEFAULT_TARGETS
from servicedesk.timeline import BusinessTimeline

# name, owner team, calendar, categories
CATALOGUE = [
    ("Email and calendars", "Service Desk", "Standard hours", ["Outlook", "Mailbox", "Calendar"]),
    ("Laptops and desktops", "Service Desk", "Standard hours", ["Laptop", "Desktop", "Monitor"]),
    ("Printing", "Service Desk", "Standard hours", ["Printer", "Scanner"]),
    ("Network and Wi-Fi", "Networks", "Extended hours", ["Wi-Fi", "VPN", "Wired network"]),
    ("Telephony", "Infrastructure", "Standard hours", ["Desk phone", "Mobile"]),
    ("Revenues and Benefits system", "Applications", "Extended hours", ["Login", "Reports"]),
    ("Planning portal", "Applications", "Standard hours", ["Website", "Back office"]),
]
# VIP (councillor) standards are tighter: half the targets.
VIP_FACTOR = 0.5


def seed_catalogue(admin) -> list[Service]:
    """The services, their standards (everyone and VIP) and category tree; idempotent."""
    services = []
    for name, team_name, calendar_name, categories in CATALOGUE:
        team = Team.objects.filter(name=team_name).first()
        if team is None:
            continue
        service, _ = Service.objects.get_or_create(
            name=name,
            defaults={
                "owner_team": team,
                "calendar": BusinessCalendar.objects.filter(name=calendar_name).first(),
                "description": f"{name} for council staff and councillors.",
            },
        )
        for priority, (response, resolution) in DEFAULT_TARGETS.items():
            ServiceStandard.objects.get_or_create(
                service=service,
                priority=priority,
                audience="",
                defaults={"response_minutes": response, "resolution_minutes": resolution},
            )
            ServiceStandard.objects.get_or_create(
                service=service,
                priority=priority,
                audience="vip",
                defaults={
                    "response_minutes": int(response * VIP_FACTOR),
                    "resolution_minutes": int(resolution * VIP_FACTOR),
                },
            )
        parent, _ = Category.objects.get_or_create(name=name, parent=None)
        for child in categories:
            Category.objects.get_or_create(name=child, parent=parent, defaults={"service": service})
        services.append(service)
    return services


def seed_sample_calls() -> None:
    """A handful of calls made through the actions, so the demo desk is not empty (once)."""
    from servicedesk import actions

    if Incident.objects.exists():
        return
    people = {user.username: user for user in User.objects.filter(username__in=DEMO_PEOPLE)}
    services = {service.name: service for service in Service.objects.all()}
    if len(people) < len(DEMO_PEOPLE) or "Email and calendars" not in services:
        return
    email, printing = services["Email and calendars"], services["Printing"]
    actions.do_log_incident(
        actor=people["requester"],
        caller=people["requester"],
        service=email,
        short_description="Shared mailbox for Finance has disappeared",
        description="The Finance Enquiries mailbox vanished from Outlook after the update.",
    )
    printer = actions.do_log_incident(
        actor=people["requester2"],
        caller=people["requester2"],
        service=printing,
        short_description="Printer on the first floor jams every page",
        impact=2,
        urgency=2,
    )
    actions.do_take_incident(printer.pk, actor=people["agent2"])
    actions.do_log_incident(
        actor=people["agent"],
        caller=people["approver"],
        service=email,
        channel=Channel.PHONE,
        short_description="Forgot how to set an out-of-office",
        resolve_now=True,
        resolution_code=ResolutionCode.ADVICE,
        resolution_notes="Talked the caller through Automatic Replies.",
    )


DEMO_PEOPLE = ("requester", "requester2", "agent", "agent2", "approver")

SUBJECTS = [
    "Cannot log in",
    "Outlook keeps crashing",
    "Printer jammed on floor 2",
    "VPN disconnects every hour",
    "Laptop will not charge",
    "Report runs very slowly",
    "Password reset needed",
    "Wi-Fi drops in the council chamber",
    "Phone has no dial tone",
    "Monitor flickers",
]


def _callers(per_organisation: int = 200) -> dict[int, list[int]]:
    """Ids of callers per organisation, creating bulk requesters so calls spread realistically."""
    password = make_password(None)
    for organisation in Organisation.objects.all():
        existing = User.objects.filter(organisation=organisation).count()
        missing = max(0, per_organisation - existing)
        User.objects.bulk_create(
            User(
                username=f"{organisation.slug}-staff-{existing + i}",
                first_name="Staff",
                last_name=f"{organisation.slug.title()} {existing + i}",
                email=f"staff{existing + i}@{organisation.email_domain or 'example.gov.uk'}",
                organisation=organisation,
                password=password,
                is_vip=(i % 40 == 0),
            )
            for i in range(missing)
        )
    by_org: dict[int, list[int]] = {}
    for pk, org_id in User.objects.filter(organisation__isnull=False).values_list(
        "pk", "organisation_id"
    ):
        by_org.setdefault(org_id, []).append(pk)
    return by_org


def bulk_seed_calls(command, count: int, batch_size: int = 5000, seed: int = 42) -> int:
    """Create `count` calls over the last two years in all states, with comments and audit."""
    rng = random.Random(seed)
    started = time.monotonic()
    services = list(Service.objects.filter(is_active=True).select_related("owner_team"))
    if not services:
        raise ValueError("Seed the catalogue first.")
    categories: dict[int, list[int]] = {}
    for pk, service_id in Category.objects.filter(service__isnull=False).values_list(
        "pk", "service_id"
    ):
        categories.setdefault(service_id, []).append(pk)
    callers = _callers()
    org_ids = list(callers)
    teams = list(Team.objects.filter(is_active=True).prefetch_related("members"))
    members = {team.pk: [m.pk for m in team.members.all()] for team in teams}
    agents = sorted({pk for pks in members.values() for pk in pks}) or [
        User.objects.order_by("pk").first().pk
    ]
    content_type = ContentType.objects.get_for_model(Incident)
    now = timezone.now()
    span = dt.timedelta(days=730).total_seconds()
    timelines = _timelines(services, org_ids, now - dt.timedelta(days=731), now)
    channels = [Channel.PORTAL] * 45 + [Channel.PHONE] * 35 + [Channel.EMAIL] * 12
    channels += [Channel.WALK_IN] * 5 + [Channel.MONITORING] * 3
    converters = {model: _converters(model) for model in (Incident, Comment, AuditEvent)}
    next_incident, next_comment, next_event = (
        _next_id(Incident),
        _next_id(Comment),
        _next_id(AuditEvent),
    )
    made = 0
    while made < count:
        size = min(batch_size, count - made)
        incidents = []
        for i in range(size):
            # Spread evenly over two years, oldest first, so ids follow time like real logging.
            opened = now - dt.timedelta(seconds=span * (1 - (made + i + rng.random()) / count))
            age_days = (now - opened).days
            service = rng.choice(services)
            impact, urgency = rng.choice([1, 2, 2, 3, 3, 3]), rng.choice([1, 2, 2, 3, 3])
            priority = DEFAULT_MATRIX[(impact, urgency)]
            response_minutes, resolution_minutes = DEFAULT_TARGETS[priority]
            org_id = rng.choice(org_ids)
            team_ids = [t.pk for t in teams if t.pk == service.owner_team_id] or [teams[0].pk]
            team_id = team_ids[0] if rng.random() < 0.8 else rng.choice(teams).pk
            team_members = members.get(team_id) or agents
            status = _status_for(age_days, rng)
            resolution_seconds = resolution_minutes * 60
            timeline = timelines[(service.pk, org_id)]
            pauses = []
            if status == IncidentStatus.PENDING:
                pauses = [(opened + dt.timedelta(hours=1), None)]
            due = timeline.due_at(opened, pauses, resolution_seconds)
            if pauses and due is not None and due > now:
                due = None  # paused short of its target: no deadline while it waits
            fields = dict(
                id=next_incident,
                organisation_id=org_id,
                caller_id=rng.choice(callers[org_id]),
                logged_by_id=rng.choice(agents),
                channel=rng.choice(channels),
                service_id=service.pk,
                category_id=rng.choice(categories.get(service.pk, [None])),
                short_description=rng.choice(SUBJECTS),
                description="Seeded for benchmarks.",
                impact=impact,
                urgency=urgency,
                priority=priority,
                team_id=team_id,
                assignee_id=None if status == IncidentStatus.NEW else rng.choice(team_members),
                status=status,
                opened_at=opened,
                response_target_seconds=response_minutes * 60,
                resolution_target_seconds=resolution_seconds,
                response_due=timeline.add_business_seconds(opened, response_minutes * 60),
                resolution_due=due,
                sla_warn_at=timeline.due_at(
                    opened, pauses, resolution_seconds * sla.WARNING_FRACTION
                ),
                reassignment_count=rng.choice([0, 0, 0, 0, 1, 2]),
            )
            if status != IncidentStatus.NEW:
                responded = min(opened + dt.timedelta(minutes=rng.randint(1, 90)), now)
                to_respond = int(timeline.business_seconds_between(opened, responded))
                fields["first_response_at"] = responded
                fields["business_seconds_to_respond"] = to_respond
                fields["response_breached"] = to_respond > response_minutes * 60
            if status == IncidentStatus.PENDING:
                fields["pending_reason"] = rng.choice(PendingReason.values)
                fields["sla_pauses"] = [[pauses[0][0].isoformat(), None]]
            if status in (IncidentStatus.RESOLVED, IncidentStatus.CLOSED):
                wall = rng.randint(600, 10 * 86400)
                resolved = min(opened + dt.timedelta(seconds=wall), now)
                business = int(timeline.business_seconds_between(opened, resolved))
                fields.update(
                    resolved_at=resolved,
                    resolution_due=None,
                    sla_warn_at=None,
                    resolution_code=rng.choice(ResolutionCode.values),
                    resolution_notes="Fixed.",
                    business_seconds_to_resolve=business,
                    wall_seconds_to_resolve=int((resolved - opened).total_seconds()),
                    resolution_breached=business > resolution_seconds,
                    resolved_first_contact=fields["channel"] == Channel.PHONE
                    and rng.random() < 0.4,
                    reopen_count=1 if rng.random() < 0.04 else 0,
                )
                if status == IncidentStatus.CLOSED:
                    fields["closed_at"] = resolved + dt.timedelta(days=3)
                else:
                    fields["auto_close_at"] = resolved + dt.timedelta(days=3)
            if status == IncidentStatus.CANCELLED:
                fields.update(closed_at=opened + dt.timedelta(hours=2), resolution_due=None)
            fields["created_at"] = fields["updated_at"] = opened
            next_incident += 1
            incidents.append(fields)
        comments, events = [], []
        for incident in incidents:
            events.append(
                {
                    "id": next_event,
                    "actor_id": incident["logged_by_id"],
                    "verb": "incident.logged",
                    "content_type_id": content_type.pk,
                    "object_id": str(incident["id"]),
                    "object_repr": f"INC{incident['id']:07d} {incident['short_description']}",
                    "organisation_id": incident["organisation_id"],
                    "before": {},
                    "after": {"status": "new", "priority": incident["priority"]},
                    "at": incident["opened_at"],
                }
            )
            next_event += 1
            if rng.random() < 0.6:
                written = incident["opened_at"] + dt.timedelta(minutes=rng.randint(5, 600))
                comments.append(
                    {
                        "id": next_comment,
                        "incident_id": incident["id"],
                        "author_id": incident["assignee_id"] or incident["logged_by_id"],
                        "body": "Looking into this now.",
                        "is_internal": rng.random() < 0.3,
                        "created_at": written,
                        "updated_at": written,
                    }
                )
                next_comment += 1
        fast_insert(Incident, incidents, converters[Incident])
        fast_insert(AuditEvent, events, converters[AuditEvent])
        fast_insert(Comment, comments, converters[Comment])
        made += size
        if made % (batch_size * 20) == 0 or made == count:
            command.stdout.write(f"  {made} calls ({time.monotonic() - started:.0f} s)")
    _reset_sequences(Incident, Comment, AuditEvent)
    return made


def _timelines(
    services: list[Service], org_ids: list[int], start: dt.datetime, end: dt.datetime
) -> dict[tuple[int, int], BusinessTimeline]:
    """The timeline of every (service, organisation) pair's calendar, one per distinct calendar.

    The calendar is chosen as Incident.calendar_spec does: the service's, else the
    organisation's, else round the clock. The span reaches past `end` so deadlines of the
    newest calls fall inside it.
    """
    calendars = {c.pk: c.spec() for c in BusinessCalendar.objects.prefetch_related("hours")}
    org_calendar = dict(Organisation.objects.values_list("pk", "calendar_id"))
    by_spec: dict = {}
    timelines = {}
    horizon = end + dt.timedelta(days=400)
    for service in services:
        for org_id in org_ids:
            calendar_id = service.calendar_id or org_calendar.get(org_id)
            spec = calendars[calendar_id] if calendar_id else sla.ALWAYS_OPEN
            if spec not in by_spec:
                by_spec[spec] = BusinessTimeline(spec, start, horizon)
            timelines[(service.pk, org_id)] = by_spec[spec]
    return timelines


def _converters(model) -> list[tuple[str, str, object, object]]:
    """(attribute, column, default, adapt) per concrete field, prepared once per model."""
    ops = connection.ops
    now = timezone.now()
    prepared = []
    for field in model._meta.concrete_fields:
        if isinstance(field, models.DateTimeField):
            adapt = ops.adapt_datetimefield_value
        elif isinstance(field, models.JSONField):
            adapt = lambda value: ops.adapt_json_value(value, None)  # noqa: E731
        else:
            adapt = None
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            default = now
        else:
            default = field.get_default()  # "" for blank text fields, None for nullable ones
        prepared.append((field.attname, field.column, default, adapt))
    return prepared


def fast_insert(model, rows: list[dict], converters) -> None:
    """Insert plain rows (with their ids) in one executemany: ~5× faster than bulk_create.

    Values are adapted with the backend's own adapters, as bulk_create would; the rows must
    carry their primary keys (the caller hands them out from the table's current maximum).
    """
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(column) for _, column, _, _ in converters)
    marks = ", ".join(["%s"] * len(converters))
    params = []
    for row in rows:
        values = []
        for attname, _column, default, adapt in converters:
            value = row.get(attname, default)
            values.append(adapt(value) if adapt is not None and value is not None else value)
        params.append(values)
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", params)


def _next_id(model) -> int:
    """The first free primary key of a table (seeding is the only writer while it runs)."""
    return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1


def _reset_sequences(*model_list) -> None:
    """After inserting explicit ids, move PostgreSQL's sequences past them."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_list))
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def _status_for(age_days: int, rng: random.Random) -> str:
    """A realistic state for a call of this age: most old calls are closed."""
    roll = rng.random()
    if age_days > 21:
        if roll < 0.005:
            return IncidentStatus.PENDING
        if roll < 0.04:
            return IncidentStatus.CANCELLED
        return IncidentStatus.CLOSED
    if age_days > 3:
        choices = [
            (0.05, IncidentStatus.IN_PROGRESS),
            (0.1, IncidentStatus.PENDING),
            (0.35, IncidentStatus.RESOLVED),
            (0.96, IncidentStatus.CLOSED),
        ]
    else:
        choices = [
            (0.15, IncidentStatus.NEW),
            (0.3, IncidentStatus.ASSIGNED),
            (0.55, IncidentStatus.IN_PROGRESS),
            (0.65, IncidentStatus.PENDING),
            (0.95, IncidentStatus.RESOLVED),
        ]
    for threshold, status in choices:
        if roll < threshold:
            return status
    return IncidentStatus.CANCELLED
