"""From event-log rows to tickets: each row checked, each ticket's timeline replayed.

Pure functions, no database: `RowParser` turns a row into an `Event` or a rejection with its
reason; `build_ticket` replays one ticket's events in order, as the native workflow
(servicedesk.workflows) would have moved the call, and returns a `TicketPlan` naming people,
teams and categories by their source values. The importer resolves those names to records
and measures the clocks on the calendar.

Replay rules (the README documents them for mapping writers):
- the call opens at the `opened_at` column if mapped and filled, else at its first row;
- rows are taken in `sequence` order if mapped, else by timestamp (file order breaks ties);
  a row stamped before the previous one counts at the previous one's time;
- a status mapped to "ignore" leaves the state as it was (the row still counts for team
  and assignee);
- the first response is the first move to in progress, pending, resolved or closed;
- pending states that pause the SLA open a pause until the call leaves them; resolution
  also pauses the clock until a reopen, as natively (time sitting resolved is not counted);
- a move from resolved or closed back to an open state is a reopen; a change of team after
  the first is a reassignment (unless the mapping takes the source's own counters);
- closing a call that was never resolved resolves it at the same time;
- the `resolved_at` / `closed_at` columns, when mapped and filled on the final rows, give the
  final resolution and closure times (the source's own record), else the replayed ones.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from history.mapping import KINDS, Mapping, StatusRule
from servicedesk import sla
from servicedesk.choices import OPEN_STATUSES, Channel, IncidentStatus

S = IncidentStatus
RESPONDED_STATES = (S.IN_PROGRESS, S.PENDING, S.RESOLVED, S.CLOSED)
DONE_STATES = (S.RESOLVED, S.CLOSED)


class TicketError(Exception):
    """A ticket's rows contradict each other; the import stops (the message names the row)."""


@dataclass
class Rejected:
    """A row that cannot be used, and why."""

    row: int
    ticket: str
    reason: str

    def as_dict(self) -> dict:
        """For storage on the run and display."""
        return {"row": self.row, "ticket": self.ticket, "reason": self.reason}


@dataclass
class Event:
    """One usable row: which ticket, when, its status rule and its mapped values."""

    row: int
    ticket: str
    sequence: int
    at: dt.datetime
    rule: StatusRule
    values: dict


@dataclass
class TicketPlan:
    """A ticket as the import will write it, before names are resolved to records."""

    reference: str
    first_row: int
    last_row: int
    rows: int
    status: str
    opened_at: dt.datetime
    first_response_at: dt.datetime | None
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None
    pauses: list[sla.Pause]
    measure_pauses: list[sla.Pause]
    pending_reason: str
    reassignment_count: int
    reopen_count: int
    resolved_first_contact: bool
    priority: int | None
    impact: int
    urgency: int
    channel: str
    category: str | None
    team: str | None
    assignee: str | None
    caller: str | None
    logged_by: str | None
    short_description: str
    description: str
    # "incident" or "request"; a request names its catalogue item (None: the mapping's default).
    kind: str = "incident"
    item: str | None = None
    # (at, verb, before, after, row): team values are names until the importer resolves them.
    timeline: list[tuple] = field(default_factory=list)


class RowParser:
    """Checks and converts rows for one mapping; caches parsed dates (logs repeat them)."""

    def __init__(self, mapping: Mapping):
        self.mapping = mapping
        self._dates: dict[object, dt.datetime | None] = {}

    def date(self, value) -> dt.datetime | None:
        """An aware instant from a cell (text in one of the mapping's formats, or a datetime);
        None if it cannot be read."""
        if value in self._dates:
            return self._dates[value]
        parsed = None
        if isinstance(value, dt.datetime):
            parsed = value
        else:
            for date_format in self.mapping.date_formats:
                try:
                    parsed = dt.datetime.strptime(str(value), date_format)
                    break
                except ValueError:
                    continue
        if parsed is not None:
            parsed = (
                parsed.astimezone(dt.UTC)
                if parsed.tzinfo
                else parsed.replace(tzinfo=self.mapping.zone).astimezone(dt.UTC)
            )
        self._dates[value] = parsed
        return parsed

    def parse(self, number: int, values: dict) -> Event | Rejected:
        """The row as an Event, or the reason it cannot be used."""
        mapping = self.mapping
        ticket = values.get("ticket")
        if ticket is None:
            return Rejected(number, "", f"no ticket id in column {mapping.column('ticket')!r}")
        ticket = str(ticket)
        if len(ticket) > 100:
            return Rejected(number, ticket[:100], "the ticket id is longer than 100 characters")
        stamp = values.get("timestamp")
        at = self.date(stamp) if stamp is not None else None
        if at is None:
            return Rejected(number, ticket, self._bad_date("timestamp", stamp))
        status = values.get("status")
        if status is None:
            return Rejected(number, ticket, f"no status in column {mapping.column('status')!r}")
        rule = mapping.statuses.get(str(status))
        if rule is None:
            return Rejected(number, ticket, f"status {status!r} is not in the mapping's [statuses]")
        sequence = 0
        if mapping.column("sequence"):
            raw = values.get("sequence")
            try:
                sequence = int(str(raw)) if raw is not None else 0
            except ValueError:
                return Rejected(number, ticket, f"sequence {raw!r} is not a whole number")
        converted = dict(values)
        for name in ("opened_at", "resolved_at", "closed_at"):
            raw = values.get(name)
            if raw is not None:
                converted[name] = self.date(raw)
                if converted[name] is None:
                    return Rejected(number, ticket, self._bad_date(name, raw))
        for name, table in (
            ("priority", mapping.priorities),
            ("impact", mapping.impacts),
            ("urgency", mapping.urgencies),
        ):
            raw = values.get(name)
            if raw is None:
                continue
            value = table.get(str(raw))
            if value is None:
                allowed = (1, 2, 3, 4) if name == "priority" else (1, 2, 3)
                value = int(raw) if str(raw).isdigit() and int(raw) in allowed else None
            if value is None:
                return Rejected(number, ticket, f"{name} {raw!r} is not in the mapping")
            converted[name] = value
        raw = values.get("channel")
        if raw is not None:
            value = mapping.channels.get(str(raw)) or (raw if raw in Channel.values else None)
            if value is None:
                return Rejected(number, ticket, f"channel {raw!r} is not in the mapping")
            converted["channel"] = value
        for name in ("reassignments", "reopens"):
            raw = values.get(name)
            if raw is not None:
                if not str(raw).isdigit():
                    return Rejected(number, ticket, f"{name} {raw!r} is not a whole number")
                converted[name] = int(str(raw))
        raw = values.get("kind")
        if raw is not None:
            value = mapping.kinds.get(str(raw)) or (raw if raw in KINDS else None)
            if value is None:
                return Rejected(number, ticket, f"kind {raw!r} is not in the mapping's [kinds]")
            converted["kind"] = value
        for name in ("team", "assignee", "caller", "logged_by", "category", "item"):
            raw = values.get(name)
            if raw is not None:
                converted[name] = str(raw)[:100]
        return Event(number, ticket, sequence, at, rule, converted)

    def _bad_date(self, role: str, value) -> str:
        column = self.mapping.column(role)
        if value is None:
            return f"no {role.replace('_', ' ')} in column {column!r}"
        formats = " or ".join(repr(f) for f in self.mapping.date_formats)
        return f"{role.replace('_', ' ')} {value!r} does not match {formats}"


def _status_event(old: str, new: str, reopened: bool) -> str:
    """The audit verb a native action would have recorded for this move."""
    if reopened:
        return "incident.reopened"
    if new == S.IN_PROGRESS:
        return "incident.resumed" if old == S.PENDING else "incident.started"
    return {
        S.ASSIGNED: "incident.assigned",
        S.PENDING: "incident.pending",
        S.RESOLVED: "incident.resolved",
        S.CLOSED: "incident.closed",
        S.CANCELLED: "incident.cancelled",
        S.NEW: "incident.status_changed",
    }[new]


def _latest(events: list[Event], name: str):
    for event in reversed(events):
        value = event.values.get(name)
        if value is not None:
            return value
    return None


def build_ticket(reference: str, events: list[Event], mapping: Mapping) -> TicketPlan:
    """Replay one ticket's events (see the module's rules); TicketError if they contradict."""
    if mapping.column("sequence"):
        events.sort(key=lambda event: (event.sequence, event.row))
    else:
        events.sort(key=lambda event: (event.at, event.row))
    opened_values = [e.values["opened_at"] for e in events if e.values.get("opened_at")]
    opened = opened_values[0] if opened_values else events[0].at
    state, pending_reason = S.NEW, ""
    pauses: list[sla.Pause] = []
    first_response = resolved = closed = None
    reopens = reassignments = 0
    team = assignee = None
    timeline: list[tuple] = [(opened, "incident.logged", {}, {"status": S.NEW}, events[0].row)]
    cursor = opened
    for event in events:
        at = max(event.at, cursor)
        cursor = at
        new_team = event.values.get("team")
        if new_team is not None and new_team != team:
            if team is None:
                timeline.append(
                    (at, "incident.assigned", {"team": None}, {"team": new_team}, event.row)
                )
            else:
                reassignments += 1
                timeline.append(
                    (
                        at,
                        "incident.reassigned",
                        {"team": team, "reassignment_count": reassignments - 1},
                        {"team": new_team, "reassignment_count": reassignments},
                        event.row,
                    )
                )
            team = new_team
        if event.values.get("assignee") is not None:
            assignee = event.values["assignee"]
        rule = event.rule
        if rule.state is None:
            continue
        new = rule.state
        if new == state:
            if new == S.PENDING:
                pending_reason = rule.reason
            continue
        old = state
        reopened = old in DONE_STATES and new in OPEN_STATUSES
        if reopened:
            reopens += 1
            resolved = closed = None
        if old == S.CANCELLED:
            closed = None
        if not (old in DONE_STATES and new in DONE_STATES):
            # Closing a resolved call leaves its clock stopped where the resolution left it.
            pauses = sla.close_pause(pauses, at)
        pending_reason = rule.reason if new == S.PENDING else ""
        if new == S.PENDING and rule.pauses:
            pauses = sla.open_pause(pauses, at)
        if new in RESPONDED_STATES and first_response is None:
            first_response = at
        if new == S.RESOLVED or (new == S.CLOSED and old != S.RESOLVED):
            resolved = at
            pauses = sla.open_pause(pauses, at)
        if new in (S.CLOSED, S.CANCELLED):
            closed = at
        if new == S.CANCELLED:
            resolved = None
        after = {"status": new}
        if reopened:
            after["reopen_count"] = reopens
        timeline.append((at, _status_event(old, new, reopened), {"status": old}, after, event.row))
        state = new

    last = events[-1]
    measure_pauses = pauses
    if state in DONE_STATES:
        # The pause opened at the resolution is the "sitting resolved" one, not measured time.
        if pauses and pauses[-1] == (resolved, None):
            measure_pauses = pauses[:-1]
        recorded = _latest(events, "resolved_at") if mapping.column("resolved_at") else None
        if recorded is not None:
            resolved = recorded
        if resolved < opened:
            raise TicketError(
                f"Row {last.row} (ticket {reference}): resolved at {resolved:%Y-%m-%d %H:%M} "
                f"UTC, before it was opened at {opened:%Y-%m-%d %H:%M} UTC."
            )
        pauses = [*measure_pauses, (resolved, None)]
        if first_response is None or first_response > resolved:
            first_response = resolved
    if state in (S.CLOSED, S.CANCELLED) and mapping.column("closed_at"):
        recorded = _latest(events, "closed_at")
        if recorded is not None:
            closed = recorded
    if closed is not None and closed < opened:
        raise TicketError(
            f"Row {last.row} (ticket {reference}): closed at {closed:%Y-%m-%d %H:%M} UTC, "
            f"before it was opened at {opened:%Y-%m-%d %H:%M} UTC."
        )
    if mapping.reassignments == "source":
        reassignments = _latest(events, "reassignments") or 0
    if mapping.reopens == "source":
        reopens = _latest(events, "reopens") or 0
    first_contact = _latest(events, "first_contact")
    first_contact = (
        state in DONE_STATES
        and reopens == 0
        and first_contact is not None
        and str(first_contact).lower() in mapping.true_values
    )
    kind = _latest(events, "kind") or mapping.default_kind
    # A service request has no category (KPIs cut requests by service and item).
    category = _latest(events, "category") if kind == "incident" else None
    short = _latest(events, "short_description")
    if short is None:
        short = f"{reference} imported from {mapping.source}" + (
            f": {category}" if category else ""
        )
    description = _latest(events, "description") or f"Imported from {mapping.source} ({reference})."
    return TicketPlan(
        reference=reference,
        first_row=min(event.row for event in events),
        last_row=last.row,
        rows=len(events),
        status=state,
        opened_at=opened,
        first_response_at=first_response,
        resolved_at=resolved if state in DONE_STATES else None,
        closed_at=closed if state in (S.CLOSED, S.CANCELLED) else None,
        pauses=pauses,
        measure_pauses=measure_pauses,
        pending_reason=pending_reason if state == S.PENDING else "",
        reassignment_count=int(reassignments),
        reopen_count=int(reopens),
        resolved_first_contact=first_contact,
        priority=_latest(events, "priority"),
        impact=_latest(events, "impact") or 2,
        urgency=_latest(events, "urgency") or 2,
        channel=_latest(events, "channel") or mapping.default_channel,
        category=category,
        team=team,
        assignee=assignee,
        caller=_latest(events, "caller") or mapping.default_caller or None,
        logged_by=_latest(events, "logged_by"),
        short_description=str(short)[:200],
        description=str(description),
        kind=kind,
        item=_latest(events, "item") or mapping.default_item or None,
        timeline=timeline,
    )
