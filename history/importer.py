"""The history import: read, check, replay, measure, compare, then write in one transaction.

Everything up to the comparison with what earlier runs imported happens in memory without
writing, so a dry run gives the exact counts a real run would. A real run then writes inside
one transaction: people, teams and categories the mapping allows creating, the new calls in
batches (bulk_create), their `ImportedTicket` links and their timelines in the audit log;
changed calls are updated in place. Any error rolls the whole run back and names the row.

Calls are written as the native actions would have left them (servicedesk.workflows):
the same stored SLA measures (business seconds on the service's calendar, else the
organisation's, pending and resolved time excluded; wall-clock seconds), deadlines,
counters and audit verbs, so every KPI reads imported history like native calls.
Business time comes from one `servicedesk.timeline.BusinessTimeline` per run, which gives
exactly core.calendars' answers by binary search.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from core.audit import record_audit
from core.models import AuditEvent, Organisation, Team, User
from history.builder import Rejected, RowParser, TicketError, TicketPlan, build_ticket
from history.mapping import Mapping
from history.models import HistoryImportRun, ImportedTicket
from history.reader import FileRefused, read_rows
from servicedesk import sla
from servicedesk.choices import OPEN_STATUSES, IncidentStatus
from servicedesk.models import Category, Incident, PriorityRule, Service, ServiceStandard
from servicedesk.models.catalogue import DEFAULT_MATRIX, DEFAULT_TARGETS
from servicedesk.seeding import _converters, fast_insert
from servicedesk.timeline import BusinessTimeline
from servicedesk.workflows import auto_close_working_days
from servicerequests.actions.requests import request_targets
from servicerequests.choices import RequestChannel, RequestStatus
from servicerequests.models import RequestItem, ServiceRequest

S = IncidentStatus
BATCH_SIZE = 2000
MAX_STORED_REJECTS = 1000
# Share of the progress bar taken by reading and checking the file; writing takes the rest.
READ_SHARE = 40

Progress = Callable[[int, str], None]


class ImportFailed(Exception):
    """The run stopped and nothing was written; the message says why (and which row)."""


class ImportRefused(ImportFailed):
    """More rows were unusable than the mapping allows (or none was usable)."""


@dataclass
class Outcome:
    """What a run did (or, for a dry run, would do)."""

    rows: int = 0
    tickets: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    people_created: int = 0
    teams_created: int = 0
    categories_created: int = 0
    seconds: float = 0.0
    dry_run: bool = False

    @property
    def rejected_count(self) -> int:
        """Rows not used."""
        return len(self.rejected)

    def summary(self) -> str:
        """One line for the command and messages."""
        verb = "would create" if self.dry_run else "created"
        return (
            f"{self.rows} rows, {self.tickets} tickets: {verb} {self.created}, "
            f"updated {self.updated}, unchanged {self.unchanged}; "
            f"{self.rejected_count} rows rejected; new people {self.people_created}, "
            f"teams {self.teams_created}, categories {self.categories_created} "
            f"({self.seconds:.1f} s)"
        )


def _no_progress(percent: int, message: str) -> None:
    """Progress is ignored unless someone listens."""


def _name_json(value):
    return value.isoformat() if isinstance(value, dt.datetime) else value


def _fingerprint(fields: dict, timeline: list) -> str:
    """Digest of everything the import derived for one call (names, not database ids)."""
    payload = json.dumps([fields, timeline], default=_name_json, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


class _Directory:
    """People, teams and categories by source value: existing ones, and those to create."""

    def __init__(self, mapping: Mapping, organisation: Organisation, service: Service):
        self.mapping, self.organisation, self.service = mapping, organisation, service
        self.people: dict[str, int | None] = {}
        self.teams: dict[str, int | None] = {}
        self.categories: dict[str, int | None] = {}
        self.category_parent: Category | None = None

    def username(self, name: str) -> str:
        """The civicdesk username of a source person: the prefix and the name, slugified."""
        return (self.mapping.username_prefix + (slugify(name) or "unnamed"))[:150]

    def load(self, plans: list[TicketPlan]) -> None:
        """Look up every name the plans use; those missing are marked for creation or refused."""
        mapping = self.mapping
        first_use: dict[tuple[str, str], TicketPlan] = {}
        for plan in plans:
            for kind, value in (
                ("person", plan.caller),
                ("person", plan.logged_by),
                ("person", plan.assignee),
                ("team", plan.team),
                ("category", plan.category),
            ):
                if value is not None:
                    first_use.setdefault((kind, value), plan)
                if kind == "team":
                    for _at, verb, before, _after, _row in plan.timeline:
                        if verb == "incident.reassigned":
                            first_use.setdefault(("team", before["team"]), plan)
        names = defaultdict(set)
        for kind, value in first_use:
            names[kind].add(value)
        usernames = {self.username(name): name for name in names["person"]}
        found = dict(User.objects.filter(username__in=usernames).values_list("username", "pk"))
        self.people = {name: found.get(username) for username, name in usernames.items()}
        found = dict(Team.objects.filter(name__in=names["team"]).values_list("name", "pk"))
        self.teams = {name: found.get(name) for name in names["team"]}
        categories = Category.objects.filter(name__in=names["category"])
        if mapping.category_parent:
            self.category_parent = Category.objects.filter(
                parent=None, name=mapping.category_parent
            ).first()
            categories = categories.filter(parent=self.category_parent)
        found = {}
        for name, pk in categories.order_by("pk").values_list("name", "pk"):
            found.setdefault(name, pk)
        self.categories = {name: found.get(name) for name in names["category"]}
        for kind, table, allowed, section in (
            ("person", self.people, mapping.create_people, "people"),
            ("team", self.teams, mapping.create_teams, "teams"),
            ("category", self.categories, mapping.create_categories, "categories"),
        ):
            missing = sorted(name for name, pk in table.items() if pk is None)
            if missing and not allowed:
                plan = first_use[(kind, missing[0])]
                shown = self.username(missing[0]) if kind == "person" else missing[0]
                raise ImportFailed(
                    f"Row {plan.first_row} (ticket {plan.reference}): there is no {kind} "
                    f"{shown!r} and the mapping's [{section}] create_missing is not true."
                )

    def missing(self, table: dict) -> list[str]:
        """Names not found, in a stable order."""
        return sorted(name for name, pk in table.items() if pk is None)

    def create_missing(self) -> None:
        """Create the people, teams and categories not found (inside the run's transaction).

        People created for history cannot sign in: they are inactive, with no password.
        """
        organisation = self.organisation
        names = self.missing(self.people)
        if names:
            password = make_password(None)
            User.objects.bulk_create(
                User(
                    username=self.username(name),
                    last_name=name[:150],
                    organisation=organisation,
                    password=password,
                    is_active=False,
                )
                for name in names
            )
            created = dict(
                User.objects.filter(
                    username__in=[self.username(name) for name in names]
                ).values_list("username", "pk")
            )
            for name in names:
                self.people[name] = created[self.username(name)]
        names = self.missing(self.teams)
        if names:
            Team.objects.bulk_create(Team(name=name, kind=self.mapping.team_kind) for name in names)
            created = dict(Team.objects.filter(name__in=names).values_list("name", "pk"))
            Team.organisations.through.objects.bulk_create(
                Team.organisations.through(team_id=created[name], organisation_id=organisation.pk)
                for name in names
            )
            self.teams.update(created)
        names = self.missing(self.categories)
        if names:
            if self.category_parent is None:
                self.category_parent = Category.objects.create(name=self.mapping.category_parent)
            for name in names:
                self.categories[name] = Category.objects.create(
                    name=name[:100], parent=self.category_parent, service=self.service
                ).pk


class HistoryImport:
    """One import of one file with one mapping into one organisation."""

    def __init__(
        self,
        mapping: Mapping,
        organisation: Organisation,
        *,
        actor=None,
        accept_rejects: bool = False,
        progress: Progress | None = None,
        batch_size: int = BATCH_SIZE,
    ):
        self.mapping = mapping
        self.organisation = organisation
        self.actor = actor if getattr(actor, "is_authenticated", False) else None
        self.accept_rejects = accept_rejects
        self.progress = progress or _no_progress
        self.batch_size = batch_size
        self.items: dict[str, RequestItem] = {}

    # --- reading and checking -------------------------------------------------------------
    def read(self, stream, name: str, size: int | None = None) -> tuple[list[TicketPlan], Outcome]:
        """Read and check every row and replay every ticket; nothing is written."""
        outcome = Outcome()
        parser = RowParser(self.mapping)
        by_ticket: dict[str, list] = defaultdict(list)
        rejected = outcome.rejected
        try:
            for number, values in read_rows(stream, name, self.mapping):
                outcome.rows += 1
                parsed = parser.parse(number, values)
                if isinstance(parsed, Rejected):
                    rejected.append(parsed)
                else:
                    by_ticket[parsed.ticket].append(parsed)
                if size and outcome.rows % 20000 == 0:
                    position = _position(stream)
                    if position:
                        share = min(READ_SHARE - 5, int(READ_SHARE * position / size))
                        self.progress(share, f"Read {outcome.rows} rows")
        except FileRefused as exc:
            raise ImportFailed(str(exc)) from exc
        if outcome.rows == 0:
            raise ImportRefused("The file has no data rows.")
        self._check_threshold(outcome)
        plans = []
        for reference, events in by_ticket.items():
            try:
                plans.append(build_ticket(reference, events, self.mapping))
            except TicketError as exc:
                raise ImportFailed(str(exc)) from exc
        outcome.tickets = len(plans)
        self.progress(READ_SHARE, f"Checked {outcome.rows} rows of {outcome.tickets} tickets")
        return plans, outcome

    def _check_threshold(self, outcome: Outcome) -> None:
        """Refuse when more rows are unusable than allowed, unless told to accept them."""
        count = outcome.rejected_count
        if count == outcome.rows:
            raise ImportRefused(
                f"None of the {outcome.rows} rows can be used: " + _rejects_text(outcome.rejected)
            )
        percent = 100 * count / outcome.rows
        if count and percent > self.mapping.max_rejected_percent and not self.accept_rejects:
            raise ImportRefused(
                f"{count} of {outcome.rows} rows ({percent:.1f}%) cannot be used, more than "
                f"the {self.mapping.max_rejected_percent:g}% the mapping allows "
                "(max_rejected_percent); fix them or accept them (--accept-rejects): "
                + _rejects_text(outcome.rejected)
            )

    # --- measuring and comparing ----------------------------------------------------------
    def prepare(self, plans: list[TicketPlan]):
        """Resolve the catalogue and names, measure each call, and sort the plans into new,
        changed and unchanged. Nothing is written."""
        mapping, organisation = self.mapping, self.organisation
        service = (
            Service.objects.select_related("calendar", "owner_team")
            .filter(name=mapping.service)
            .first()
        )
        if service is None:
            raise ImportFailed(
                f"There is no service {mapping.service!r}: create it, or name an existing one "
                "in the mapping's [defaults] service."
            )
        for plan in plans:
            if plan.caller is None:
                raise ImportFailed(
                    f"Row {plan.first_row} (ticket {plan.reference}): no caller, and the mapping "
                    "gives no [defaults] caller."
                )
        items = self.items = _request_items(plans)
        directory = _Directory(mapping, organisation, service)
        directory.load(plans)
        start = min(plan.opened_at for plan in plans) - dt.timedelta(days=1)
        end = max(plan.timeline[-1][0] for plan in plans) + dt.timedelta(days=400)
        clocks: dict = {}

        def clock(on: Service):
            """(calendar spec, timeline) of a service's calls: its calendar, else the
            organisation's; one timeline per calendar and run."""
            calendar = on.calendar or organisation.calendar
            key = calendar.pk if calendar else None
            if key not in clocks:
                spec = calendar.spec() if calendar else sla.ALWAYS_OPEN
                clocks[key] = (spec, BusinessTimeline(spec, start, end))
            return clocks[key]

        targets = _targets(service)
        matrix = {
            **DEFAULT_MATRIX,
            **{(r.impact, r.urgency): r.priority for r in PriorityRule.objects.all()},
        }
        existing = {
            reference: ("incident" if incident_id else "request", incident_id or request_id, print_)
            for reference, incident_id, request_id, print_ in ImportedTicket.objects.filter(
                organisation=organisation, source_system=mapping.source
            ).values_list("source_reference", "incident_id", "request_id", "fingerprint")
        }
        now = timezone.now()
        item_targets: dict[str, tuple] = {}  # each item's targets, read once per run
        new, changed, unchanged = [], [], 0
        for plan in plans:
            if plan.kind == "request":
                item = items[plan.item]
                spec, timeline = clock(item.service)
                if item.name not in item_targets:
                    item_targets[item.name] = request_targets(item, vip=False)
                fields = _request_fields(plan, item, item_targets[item.name], timeline, spec, now)
            else:
                spec, timeline = clock(service)
                fields = _measure(plan, timeline, spec, targets, matrix, service, now)
            fingerprint = _fingerprint(fields, plan.timeline)
            known = existing.get(plan.reference)
            if known is None:
                new.append((plan, fields, fingerprint))
            elif known[0] != plan.kind:
                raise ImportFailed(
                    f"Row {plan.first_row} (ticket {plan.reference}): it was imported as "
                    f"{_KIND_NAMES[known[0]]}, and this file makes it {_KIND_NAMES[plan.kind]}; "
                    "a ticket keeps its kind (check the mapping's kind column and [kinds])."
                )
            elif known[2] != fingerprint:
                changed.append((plan, fields, fingerprint, known[1]))
            else:
                unchanged += 1
        return service, directory, new, changed, unchanged

    # --- the run ----------------------------------------------------------------------------
    def run(
        self,
        stream,
        name: str,
        *,
        run: HistoryImportRun | None = None,
        dry_run: bool = False,
        size: int | None = None,
    ) -> Outcome:
        """Import the file (or, for a dry run, count what importing it would do)."""
        started = time.monotonic()
        plans, outcome = self.read(stream, name, size)
        service, directory, new, changed, unchanged = self.prepare(plans)
        outcome.created, outcome.updated, outcome.unchanged = len(new), len(changed), unchanged
        outcome.people_created = len(directory.missing(directory.people))
        outcome.teams_created = len(directory.missing(directory.teams))
        outcome.categories_created = len(directory.missing(directory.categories))
        outcome.dry_run = dry_run
        if not dry_run and (new or changed):
            if run is None:
                raise ValueError("A real run needs its HistoryImportRun record.")
            try:
                with transaction.atomic():
                    directory.create_missing()
                    self._write_new(new, service, directory, run)
                    self._write_changed(changed, service, directory, run)
            except (IntegrityError, DatabaseError) as exc:
                raise ImportFailed(
                    f"Writing failed and nothing was imported: {exc}. "
                    "Another import of the same history may have run at the same time."
                ) from exc
        outcome.seconds = time.monotonic() - started
        self.progress(100, outcome.summary())
        return outcome

    def _incident(self, plan: TicketPlan, fields: dict, service, directory) -> dict:
        """The model field values of a call: names resolved to the records' ids."""
        values = {
            key: value
            for key, value in fields.items()
            if key not in ("caller", "logged_by", "assignee", "team", "category", "sla_pauses")
        }
        caller = directory.people[plan.caller]
        values.update(
            organisation_id=self.organisation.pk,
            service_id=service.pk,
            caller_id=caller,
            logged_by_id=directory.people.get(plan.logged_by) if plan.logged_by else caller,
            assignee_id=directory.people.get(plan.assignee) if plan.assignee else None,
            team_id=directory.teams.get(plan.team) if plan.team else None,
            category_id=directory.categories.get(plan.category) if plan.category else None,
            sla_pauses=fields["sla_pauses"],
        )
        return values

    def _request(self, plan: TicketPlan, fields: dict, directory) -> dict:
        """The model field values of a service request: names resolved to the records."""
        item = self.items[fields["item"]]
        values = {
            key: value
            for key, value in fields.items()
            if key not in ("requester", "logged_by", "fulfilled_by", "team", "item")
        }
        requester = directory.people[plan.caller]
        fulfilled_by = fields["fulfilled_by"]
        values.update(
            organisation_id=self.organisation.pk,
            item=item,  # the object, so the request's str() needs no query per row
            service_id=item.service_id,
            requester_id=requester,
            logged_by_id=directory.people.get(plan.logged_by) if plan.logged_by else requester,
            fulfilled_by_id=directory.people.get(fulfilled_by) if fulfilled_by else None,
            team_id=directory.teams.get(plan.team) if plan.team else None,
            unit_cost=item.cost,
            total_cost=item.cost,
        )
        return values

    def _timeline_rows(self, plan, incident_id: int, repr_: str, directory, content_type, run):
        """The audit rows of a call's timeline, teams as {id, repr} like record_audit; a
        request's in its own words (its states, no reassignment counts)."""

        def team_json(values: dict) -> dict:
            if "team" not in values or values["team"] is None:
                return values
            return {
                **values,
                "team": {"id": directory.teams[values["team"]], "repr": values["team"]},
            }

        rows = []
        for at, verb, before, after, row in plan.timeline:
            if plan.kind == "request":
                verb, before, after = _request_event(verb, before, after)
            rows.append(
                {
                    "actor_id": None,
                    "verb": verb,
                    "content_type_id": content_type.pk,
                    "object_id": str(incident_id),
                    "object_repr": repr_[:200],
                    "organisation_id": self.organisation.pk,
                    "before": team_json(before),
                    "after": team_json(after),
                    "note": f"history from {self.mapping.source}, row {row}",
                    "at": at,
                }
            )
        rows.append(
            {
                "actor_id": self.actor.pk if self.actor else None,
                "verb": f"{_VERB_PREFIX[plan.kind]}.imported",
                "content_type_id": content_type.pk,
                "object_id": str(incident_id),
                "object_repr": repr_[:200],
                "organisation_id": self.organisation.pk,
                "before": {},
                "after": {"source": self.mapping.source, "reference": plan.reference},
                "note": f"history import run {run.pk}",
                "at": timezone.now(),
            }
        )
        return rows

    def _call(self, plan: TicketPlan, fields: dict, service, directory):
        """The unsaved call (incident or service request) of a plan."""
        if plan.kind == "request":
            return ServiceRequest(**self._request(plan, fields, directory))
        return Incident(**self._incident(plan, fields, service, directory))

    def _write_new(self, new: list, service, directory, run) -> None:
        """Create the new calls in batches, with their links and timelines."""
        # The audit log's `at` is stamped on insert by the model; history keeps its own times,
        # so its rows go in with explicit values (no id: the database hands those out).
        converters = [c for c in _converters(AuditEvent) if c[0] != "id"]
        total, done = len(new), 0
        for kind, model in (("incident", Incident), ("request", ServiceRequest)):
            content_type = ContentType.objects.get_for_model(model)
            of_kind = [entry for entry in new if entry[0].kind == kind]
            for start in range(0, len(of_kind), self.batch_size):
                batch = of_kind[start : start + self.batch_size]
                calls = model.objects.bulk_create(
                    self._call(plan, fields, service, directory) for plan, fields, _ in batch
                )
                ImportedTicket.objects.bulk_create(
                    ImportedTicket(
                        **{f"{kind}_id": call.pk},
                        organisation_id=self.organisation.pk,
                        run=run,
                        source_system=self.mapping.source,
                        source_reference=plan.reference,
                        fingerprint=fingerprint,
                    )
                    for call, (plan, _, fingerprint) in zip(calls, batch, strict=True)
                )
                events = []
                for call, (plan, _fields, _) in zip(calls, batch, strict=True):
                    events += self._timeline_rows(
                        plan, call.pk, str(call), directory, content_type, run
                    )
                fast_insert(AuditEvent, events, converters)
                done += len(batch)
                self.progress(
                    READ_SHARE + int((100 - READ_SHARE - 1) * done / total),
                    f"Imported {done} of {total} new tickets",
                )

    def _write_changed(self, changed: list, service, directory, run) -> None:
        """Update calls whose history changed since they were imported; audit the change."""
        for plan, fields, fingerprint, call_id in changed:
            if plan.kind == "request":
                model, values = ServiceRequest, self._request(plan, fields, directory)
            else:
                model, values = Incident, self._incident(plan, fields, service, directory)
            call = model.objects.select_for_update().get(pk=call_id)
            tracked = [key for key in values if not key.endswith("_id")]
            before = {key: _name_json(getattr(call, key)) for key in tracked}
            model.objects.filter(pk=call_id).update(
                **values, version=F("version") + 1, updated_at=timezone.now()
            )
            after = {key: _name_json(values[key]) for key in tracked}
            keys = [key for key in tracked if before[key] != after[key]]
            ImportedTicket.objects.filter(**{f"{plan.kind}_id": call_id}).update(
                fingerprint=fingerprint, run=run
            )
            record_audit(
                actor=self.actor,
                verb=f"{_VERB_PREFIX[plan.kind]}.history_updated",
                obj=call,
                before={key: before[key] for key in keys},
                after={key: after[key] for key in keys},
                note=f"history import run {run.pk} ({self.mapping.source} {plan.reference})",
            )


def _position(stream) -> int | None:
    """Bytes of the file read so far, when the stream can tell."""
    try:
        return stream.tell()
    except (OSError, ValueError, AttributeError):
        return None


def _rejects_text(rejected: list[Rejected], limit: int = 10) -> str:
    """The first rejected rows, for a message."""
    shown = "; ".join(
        f"row {item.row}" + (f" ({item.ticket})" if item.ticket else "") + f": {item.reason}"
        for item in rejected[:limit]
    )
    more = len(rejected) - limit
    return shown + (f"; and {more} more." if more > 0 else ".")


def _targets(service: Service) -> dict[int, tuple[int, int]]:
    """(response, resolution) targets in business seconds per priority (everyone's standard)."""
    standards = {
        standard.priority: (standard.response_minutes * 60, standard.resolution_minutes * 60)
        for standard in ServiceStandard.objects.filter(service=service, audience="")
    }
    return {
        priority: standards.get(priority, (minutes[0] * 60, minutes[1] * 60))
        for priority, minutes in DEFAULT_TARGETS.items()
    }


def _elapsed(timeline: BusinessTimeline, start, pauses, at) -> int:
    """As sla.elapsed_seconds, on the timeline."""
    total = 0.0
    for segment_start, segment_end in sla._running_segments(start, pauses):
        if segment_start >= at:
            break
        end = at if segment_end is None else min(segment_end, at)
        total += timeline.business_seconds_between(segment_start, end)
    return int(total)


def _measure(plan: TicketPlan, timeline, spec, targets, matrix, service, now) -> dict:
    """The call's field values (people and teams by name) with its clocks as natively stored."""
    priority = plan.priority or matrix[(plan.impact, plan.urgency)]
    response_target, resolution_target = targets[priority]
    opened = plan.opened_at
    fields = {
        "caller": plan.caller,
        "logged_by": plan.logged_by,
        "assignee": plan.assignee,
        "team": plan.team,
        "category": plan.category,
        "channel": plan.channel,
        "short_description": plan.short_description,
        "description": plan.description,
        "impact": plan.impact,
        "urgency": plan.urgency,
        "priority": priority,
        "status": plan.status,
        "pending_reason": plan.pending_reason,
        "reassignment_count": plan.reassignment_count,
        "reopen_count": plan.reopen_count,
        "resolved_first_contact": plan.resolved_first_contact,
        "opened_at": opened,
        "first_response_at": plan.first_response_at,
        "resolved_at": plan.resolved_at,
        "closed_at": plan.closed_at,
        "auto_close_at": None,
        "response_target_seconds": response_target,
        "resolution_target_seconds": resolution_target,
        "response_due": timeline.add_business_seconds(opened, response_target),
        "resolution_due": None,
        "sla_warn_at": None,
        "sla_pauses": [
            [start.isoformat(), end.isoformat() if end else None] for start, end in plan.pauses
        ],
        "business_seconds_to_respond": None,
        "business_seconds_to_resolve": None,
        "wall_seconds_to_resolve": None,
        "response_breached": False,
        "resolution_breached": False,
        "sla_warned": False,
        "sla_escalated": False,
        "resolution_code": "",
        "resolution_notes": "",
    }
    if plan.first_response_at is not None:
        to_respond = _elapsed(timeline, opened, [], plan.first_response_at)
        fields["business_seconds_to_respond"] = to_respond
        fields["response_breached"] = to_respond > response_target
    if plan.resolved_at is not None:
        business = _elapsed(timeline, opened, plan.measure_pauses, plan.resolved_at)
        fields.update(
            business_seconds_to_resolve=business,
            wall_seconds_to_resolve=int((plan.resolved_at - opened).total_seconds()),
            resolution_breached=business > resolution_target,
            resolution_code="fixed",
            resolution_notes=f"Resolved in {plan.reference}'s history (imported).",
        )
        if plan.status == S.RESOLVED:
            fields["auto_close_at"] = sla.add_working_days(
                spec, plan.resolved_at, auto_close_working_days()
            )
    elif plan.status in OPEN_STATUSES:
        due = timeline.due_at(opened, plan.pauses, resolution_target)
        warn = timeline.due_at(opened, plan.pauses, resolution_target * sla.WARNING_FRACTION)
        if sla.is_paused(plan.pauses) and due is not None and due > now:
            due = None
        passed = due is not None and due <= now
        # A deadline already behind us was missed in the old tool: mark it so, so the sweep
        # does not send warnings and escalations about old history.
        fields.update(
            resolution_due=due,
            sla_warn_at=warn,
            resolution_breached=passed,
            sla_warned=warn is not None and warn <= now,
            sla_escalated=passed,
        )
    return fields


_KIND_NAMES = {"incident": "an incident", "request": "a service request"}
_VERB_PREFIX = {"incident": "incident", "request": "servicerequest"}
# The state a service request is in when its source history ends in each replayed state
# (the mapping's [statuses] speak the incident states; README, "Importing ticket history").
REQUEST_STATES = {
    S.NEW: RequestStatus.SUBMITTED,
    S.ASSIGNED: RequestStatus.APPROVED,
    S.IN_PROGRESS: RequestStatus.IN_FULFILMENT,
    S.PENDING: RequestStatus.IN_FULFILMENT,
    S.RESOLVED: RequestStatus.FULFILLED,
    S.CLOSED: RequestStatus.CLOSED,
    S.CANCELLED: RequestStatus.CANCELLED,
}


def _request_event(verb: str, before: dict, after: dict) -> tuple[str, dict, dict]:
    """A replayed incident audit event as a service request's: states translated, a change
    of team is just that (requests are never counted as reassigned)."""

    def translate(values: dict) -> dict:
        values = {key: value for key, value in values.items() if not key.endswith("_count")}
        if "status" in values:
            values["status"] = str(REQUEST_STATES[values["status"]])
        return values

    if verb in ("incident.assigned", "incident.reassigned") and "team" in after:
        return "servicerequest.team_changed", translate(before), translate(after)
    if verb == "incident.logged":
        return "servicerequest.submitted", translate(before), translate(after)
    if verb == "incident.reopened":
        return "servicerequest.reopened", translate(before), translate(after)
    if verb in ("incident.pending", "incident.resumed"):
        # Waiting is not a state of a request: it stays in fulfilment, its clock paused.
        return f"servicerequest.{verb.split('.')[1]}", translate(before), translate(after)
    new = translate(after).get("status", "")
    return f"servicerequest.{new or 'updated'}", translate(before), translate(after)


def _request_items(plans: list[TicketPlan]) -> dict[str, RequestItem]:
    """The catalogue items the request plans name, by name; ImportFailed naming the first
    ticket with no item, an unknown item, or a channel requests cannot come by."""
    wanted: dict[str, TicketPlan] = {}
    for plan in plans:
        if plan.kind != "request":
            continue
        if plan.item is None:
            raise ImportFailed(
                f"Row {plan.first_row} (ticket {plan.reference}): a service request names no "
                "item, and the mapping gives no [defaults] item."
            )
        if plan.channel not in RequestChannel.values:
            raise ImportFailed(
                f"Row {plan.first_row} (ticket {plan.reference}): a service request cannot "
                f"come by {plan.channel!r}; map its channel to one of "
                f"{', '.join(RequestChannel.values)}."
            )
        wanted.setdefault(plan.item, plan)
    found: dict[str, RequestItem] = {}
    for item in (
        RequestItem.objects.select_related("service__calendar", "standard")
        .filter(name__in=wanted)
        .order_by("pk")
    ):
        found.setdefault(item.name, item)
    for name, plan in wanted.items():
        if name not in found:
            raise ImportFailed(
                f"Row {plan.first_row} (ticket {plan.reference}): there is no request item "
                f"{name!r} in the catalogue; create it or name another."
            )
    return found


def _request_fields(
    plan: TicketPlan, item: RequestItem, targets: tuple, timeline, spec, now
) -> dict:
    """A service request's field values (people and teams by name) with its clocks measured
    as natively: targets from the item's service standard, time on the item's service's
    calendar; the state translated by REQUEST_STATES."""
    priority, response, resolution = targets
    every = dict.fromkeys((1, 2, 3, 4), (response, resolution))
    plan = replace(plan, priority=plan.priority or int(priority))
    measured = _measure(plan, timeline, spec, every, {}, item.service, now)
    status = REQUEST_STATES[plan.status]
    started = status in (RequestStatus.IN_FULFILMENT, RequestStatus.FULFILLED, RequestStatus.CLOSED)
    return {
        "item": item.name,
        "requester": plan.caller,
        "logged_by": plan.logged_by,
        "fulfilled_by": plan.assignee if plan.resolved_at else None,
        "team": plan.team,
        "channel": plan.channel,
        "priority": plan.priority,
        "status": str(status),
        "opened_at": plan.opened_at,
        "fulfilment_started_at": plan.first_response_at if started else None,
        "cancellation_reason": (
            f"Cancelled in {plan.reference}'s history (imported)."
            if status == RequestStatus.CANCELLED
            else ""
        ),
        **{
            key: measured[key]
            for key in (
                "first_response_at",
                "resolved_at",
                "closed_at",
                "response_target_seconds",
                "resolution_target_seconds",
                *sla.CLOCK_FIELDS,
            )
        },
    }
