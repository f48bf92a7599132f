"""The mapping file of a history import: which column means what, and how values translate.

A mapping is TOML (see README, "Importing ticket history"). `load_mapping` checks it whole
and refuses it with every problem listed, before a single row is read, so a typo in a
column name or a state never surfaces half-way through a run.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.models import TeamKind
from servicedesk.choices import Channel, IncidentStatus, PendingReason

# Roles a column can play; the first three are required.
REQUIRED_COLUMNS = ("ticket", "timestamp", "status")
OPTIONAL_COLUMNS = (
    "sequence",
    "opened_at",
    "resolved_at",
    "closed_at",
    "priority",
    "impact",
    "urgency",
    "category",
    "channel",
    "team",
    "assignee",
    "caller",
    "logged_by",
    "short_description",
    "description",
    "reassignments",
    "reopens",
    "first_contact",
    "kind",
    "item",
)
# What a ticket can be: an incident or a service request (DESIGN section 6: both are calls).
KINDS = ("incident", "request")
IGNORE = "ignore"
STATES = tuple(IncidentStatus.values)
COUNTER_MODES = ("source", "derive")


class MappingError(Exception):
    """The mapping cannot be used; the message lists every problem found."""


@dataclass(frozen=True)
class StatusRule:
    """What one source status means: a civicdesk state (None: the row keeps the previous one),
    why it waits, and whether it pauses the resolution clock."""

    state: str | None
    reason: str = ""
    pauses: bool = False


@dataclass
class Mapping:
    """A checked mapping, ready for the importer."""

    source: str
    columns: dict[str, str]
    date_formats: tuple[str, ...]
    zone: ZoneInfo
    none_values: frozenset[str]
    statuses: dict[str, StatusRule]
    priorities: dict[str, int]
    impacts: dict[str, int]
    urgencies: dict[str, int]
    channels: dict[str, str]
    default_channel: str
    kinds: dict[str, str]
    default_kind: str
    default_item: str
    reassignments: str
    reopens: str
    true_values: frozenset[str]
    service: str
    default_caller: str
    organisation: str
    create_people: bool
    username_prefix: str
    create_teams: bool
    team_kind: str
    create_categories: bool
    category_parent: str
    max_rejected_percent: float
    csv_delimiter: str
    csv_encoding: str
    sheet: str
    text: str = field(repr=False, default="")

    @property
    def digest(self) -> str:
        """sha256 of the mapping text, recorded with each run."""
        return hashlib.sha256(self.text.encode()).hexdigest()

    def column(self, role: str) -> str | None:
        """The header of the column playing `role`, if the mapping names one."""
        return self.columns.get(role)


def _values(table: dict, name: str, allowed, problems: list[str], cast=str) -> dict:
    """A {source value: civicdesk value} table, each value checked against `allowed`."""
    result = {}
    for source, target in table.get(name, {}).items():
        try:
            value = cast(target)
        except (TypeError, ValueError):
            problems.append(f"[{name}] {source!r}: {target!r} is not a valid value.")
            continue
        if value not in allowed:
            shown = ", ".join(str(item) for item in allowed)
            problems.append(f"[{name}] {source!r}: {target!r} is not one of {shown}.")
            continue
        result[str(source)] = value
    return result


def _status_rules(table: dict, problems: list[str]) -> dict[str, StatusRule]:
    """The [statuses] table: a state name, "ignore", or {state, reason, pauses_sla}."""
    rules = {}
    for source, target in table.items():
        if isinstance(target, str):
            target = {"state": target}
        if not isinstance(target, dict):
            problems.append(f"[statuses] {source!r}: give a state name or a table.")
            continue
        state = target.get("state", "")
        if state == IGNORE:
            rules[str(source)] = StatusRule(state=None)
            continue
        if state not in STATES:
            problems.append(
                f"[statuses] {source!r}: state {state!r} is not one of "
                f"{', '.join(STATES)} or {IGNORE!r}."
            )
            continue
        reason = target.get("reason", "")
        if state == IncidentStatus.PENDING:
            reason = reason or PendingReason.AWAITING_CALLER
            if reason not in PendingReason.values:
                problems.append(
                    f"[statuses] {source!r}: reason {reason!r} is not one of "
                    f"{', '.join(PendingReason.values)}."
                )
                continue
        elif reason:
            problems.append(f"[statuses] {source!r}: only a pending state has a reason.")
            continue
        pauses = target.get("pauses_sla", state == IncidentStatus.PENDING)
        if not isinstance(pauses, bool):
            problems.append(f"[statuses] {source!r}: pauses_sla must be true or false.")
            continue
        if pauses and state != IncidentStatus.PENDING:
            # Resolved time is never counted anyway; any other state pausing would make the
            # imported call's clock disagree with the native workflow's.
            problems.append(f"[statuses] {source!r}: only a pending state can pause the SLA.")
            continue
        rules[str(source)] = StatusRule(state=state, reason=reason, pauses=pauses)
    if not rules:
        problems.append("[statuses] is empty: say which civicdesk state each source status is.")
    return rules


def load_mapping(text: str) -> Mapping:
    """Parse and check a TOML mapping; MappingError lists every problem at once."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise MappingError(f"The mapping is not valid TOML: {exc}.") from exc
    problems: list[str] = []
    known = {
        "source",
        "organisation",
        "none_values",
        "max_rejected_percent",
        "columns",
        "dates",
        "statuses",
        "priorities",
        "impacts",
        "urgencies",
        "channels",
        "counters",
        "defaults",
        "people",
        "teams",
        "categories",
        "csv",
        "xlsx",
        "first_contact",
        "kinds",
    }
    for key in sorted(set(data) - known):
        problems.append(f"Unknown setting {key!r}.")
    source = str(data.get("source", "")).strip()
    if not source or len(source) > 40:
        problems.append('Say which system the history comes from: source = "name" (≤ 40).')

    columns_table = data.get("columns", {})
    columns = {}
    for role, header in columns_table.items():
        if role not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS:
            problems.append(f"[columns] {role!r} is not a known role.")
        elif not isinstance(header, str) or not header.strip():
            problems.append(f"[columns] {role!r}: give the column's header.")
        else:
            columns[role] = header.strip()
    for role in REQUIRED_COLUMNS:
        if role not in columns:
            problems.append(f"[columns] {role!r} is required.")

    dates = data.get("dates", {})
    formats = dates.get("format", "%Y-%m-%d %H:%M:%S")
    formats = tuple([formats] if isinstance(formats, str) else formats)
    if not formats or not all(isinstance(item, str) and "%" in item for item in formats):
        problems.append('[dates] format: give strptime formats such as "%d/%m/%Y %H:%M".')
    try:
        zone = ZoneInfo(str(dates.get("timezone", "Europe/London")))
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(f"[dates] timezone {dates.get('timezone')!r} is not a known time zone.")
        zone = ZoneInfo("UTC")

    levels = (1, 2, 3)
    counters = data.get("counters", {})
    modes = {}
    for name in ("reassignments", "reopens"):
        mode = counters.get(name, "source" if name in columns else "derive")
        if mode not in COUNTER_MODES:
            problems.append(f'[counters] {name} must be "source" or "derive".')
        elif mode == "source" and name not in columns:
            problems.append(f'[counters] {name} = "source" needs [columns] {name}.')
        modes[name] = mode

    defaults = data.get("defaults", {})
    people = data.get("people", {})
    teams = data.get("teams", {})
    categories = data.get("categories", {})
    default_channel = defaults.get("channel", Channel.PHONE)
    if default_channel not in Channel.values:
        problems.append(f"[defaults] channel {default_channel!r} is not one of {Channel.values}.")
    team_kind = teams.get("kind", TeamKind.SECOND_LINE)
    if team_kind not in TeamKind.values:
        problems.append(f"[teams] kind {team_kind!r} is not one of {TeamKind.values}.")
    default_kind = defaults.get("kind", "incident")
    if default_kind not in KINDS:
        problems.append(f"[defaults] kind {default_kind!r} is not one of {', '.join(KINDS)}.")
    service = str(defaults.get("service", "")).strip()
    if not service:
        problems.append("[defaults] service: name the civicdesk service the calls belong to.")
    threshold = data.get("max_rejected_percent", 0)
    if not isinstance(threshold, int | float) or not 0 <= threshold <= 100:
        problems.append("max_rejected_percent must be a number from 0 to 100.")
        threshold = 0
    none_values = data.get("none_values", [""])
    if not isinstance(none_values, list) or not all(isinstance(v, str) for v in none_values):
        problems.append('none_values must be a list of strings, e.g. ["", "?"].')
        none_values = [""]
    first_contact = data.get("first_contact", {})
    true_values = first_contact.get("true_values", ["true", "yes", "1"])

    mapping = Mapping(
        source=source,
        columns=columns,
        date_formats=formats,
        zone=zone,
        none_values=frozenset(["", *none_values]),
        statuses=_status_rules(data.get("statuses", {}), problems),
        priorities=_values(data, "priorities", (1, 2, 3, 4), problems, int),
        impacts=_values(data, "impacts", levels, problems, int),
        urgencies=_values(data, "urgencies", levels, problems, int),
        channels=_values(data, "channels", Channel.values, problems),
        default_channel=default_channel,
        kinds=_values(data, "kinds", KINDS, problems),
        default_kind=default_kind,
        default_item=str(defaults.get("item", "")).strip(),
        reassignments=modes.get("reassignments", "derive"),
        reopens=modes.get("reopens", "derive"),
        true_values=frozenset(str(v).lower() for v in true_values),
        service=service,
        default_caller=str(defaults.get("caller", "")).strip(),
        organisation=str(data.get("organisation", "")).strip(),
        create_people=bool(people.get("create_missing", False)),
        username_prefix=str(people.get("username_prefix", "")),
        create_teams=bool(teams.get("create_missing", False)),
        team_kind=team_kind,
        create_categories=bool(categories.get("create_missing", False)),
        category_parent=str(categories.get("parent", "")).strip(),
        max_rejected_percent=float(threshold),
        csv_delimiter=str(data.get("csv", {}).get("delimiter", ",")),
        csv_encoding=str(data.get("csv", {}).get("encoding", "utf-8-sig")),
        sheet=str(data.get("xlsx", {}).get("sheet", "")),
        text=text,
    )
    if len(mapping.csv_delimiter) != 1:
        problems.append("[csv] delimiter must be one character.")
    if mapping.create_categories and not mapping.category_parent:
        problems.append("[categories] create_missing needs a parent category name.")
    if problems:
        raise MappingError("The mapping cannot be used:\n- " + "\n- ".join(problems))
    return mapping
