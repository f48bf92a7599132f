"""History import of service requests beside incidents: a kind column says which a ticket is,
requests name a catalogue item (or take the mapping's default), their states are translated,
their clocks measured on the item's standard, and the KPIs count them as calls.

Office hours 9-17 Monday to Friday (tests/history/conftest.py `office`), November 2026.
 R1: a request for a laptop by web, opened Mon 2 Nov 09:00; worked from 10:00; waiting (paused)
     Mon 12:00 to Tue 12:00; fulfilled Tue 14:00; closed Thu 09:00.
     Business time to fulfil: 3 h Monday + 2 h Tuesday = 5 h; wall-clock 29 h.
 R2: a request with no item named (the mapping's default), by phone, opened Wed 4 Nov 09:00,
     worked from 10:00, still in fulfilment: due after 8 business hours, Wed 17:00.
 A and B: the incidents of the other history tests, unchanged.
"""

from __future__ import annotations

import datetime as dt

import pytest

from core.models import AuditEvent
from history.models import ImportedTicket, RunState
from kpis.metrics import Cut, Period, Source
from kpis.metrics.calls import calls_logged, first_time_fix, self_service_share
from servicedesk.models import Incident, ServiceStandard
from servicerequests.models import RequestItem, ServiceRequest
from tests.history.conftest import HEADER, MAPPING, ROWS
from tests.history.test_import import HOUR, at, run_import

MIXED_MAPPING = (
    MAPPING.replace(
        'category = "category"\n', 'category = "category"\nkind = "type"\nitem = "item"\n'
    ).replace('[defaults]\nservice = "Legacy"', '[defaults]\nservice = "Legacy"\nitem = "Access"')
    + '\n[kinds]\n"Incident" = "incident"\n"Request" = "request"\n'
)
MIXED_HEADER = HEADER + ",type,item"
REQUEST_ROWS = [
    "R1,0,02/11/2026 09:00,New,02/11/2026 09:00,?,Web,Desk,?,Caller 3,?,Request,Laptop",
    "R1,1,02/11/2026 10:00,Active,02/11/2026 09:00,?,Web,Desk,Res 1,Caller 3,?,Request,Laptop",
    "R1,2,02/11/2026 12:00,Waiting,02/11/2026 09:00,?,Web,Desk,Res 1,Caller 3,?,Request,Laptop",
    "R1,3,03/11/2026 12:00,Active,02/11/2026 09:00,?,Web,Desk,Res 1,Caller 3,?,Request,Laptop",
    "R1,4,03/11/2026 14:00,Resolved,02/11/2026 09:00,?,Web,Desk,Res 1,Caller 3,?,Request,Laptop",
    "R1,5,05/11/2026 09:00,Closed,02/11/2026 09:00,?,Web,Desk,Res 1,Caller 3,?,Request,Laptop",
    "R2,0,04/11/2026 09:00,New,04/11/2026 09:00,?,Phone,Desk,?,Caller 4,?,Request,?",
    "R2,1,04/11/2026 10:00,Active,04/11/2026 09:00,?,Phone,Desk,Res 2,Caller 4,?,Request,?",
]
MIXED_ROWS = [row + ",Incident,?" for row in ROWS] + REQUEST_ROWS


def write_mixed(folder, rows=MIXED_ROWS, name="mixed.csv"):
    """The mixed event log as a CSV file."""
    path = folder / name
    path.write_text("\n".join([MIXED_HEADER, *rows]) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def catalogue(office):
    """A laptop (P4, respond in 1 h, fulfil in 8 business hours) and an access request."""
    standard = ServiceStandard.objects.create(
        service=office.legacy, priority=4, response_minutes=60, resolution_minutes=480
    )
    office.laptop = RequestItem.objects.create(
        service=office.legacy, name="Laptop", cost="650.00", standard=standard
    )
    office.access = RequestItem.objects.create(
        service=office.legacy, name="Access", standard=standard
    )
    return office


def calls_snapshot():
    """Every call and link the import writes."""
    return {
        "incidents": list(Incident.objects.order_by("pk").values()),
        "requests": list(ServiceRequest.objects.order_by("pk").values()),
        "links": list(ImportedTicket.objects.order_by("pk").values()),
        "audit": AuditEvent.objects.count(),
    }


def test_should_rebuild_requests_beside_incidents(catalogue, tmp_path):
    run, outcome = run_import(catalogue, write_mixed(tmp_path), MIXED_MAPPING)
    assert run.state == RunState.FINISHED, run.error
    assert (outcome.tickets, outcome.created) == (4, 4)
    assert (Incident.objects.count(), ServiceRequest.objects.count()) == (2, 2)

    r1 = ServiceRequest.objects.get(imported_from__source_reference="R1")
    assert (r1.status, r1.item, r1.service) == ("closed", catalogue.laptop, catalogue.legacy)
    assert (r1.requester.username, r1.fulfilled_by.username) == ("old-caller-3", "old-res-1")
    assert (r1.channel, r1.priority, r1.team.name) == ("portal", 4, "Desk")
    assert (r1.opened_at, r1.first_response_at, r1.fulfilment_started_at) == (
        at(2, 9),
        at(2, 10),
        at(2, 10),
    )
    assert (r1.resolved_at, r1.closed_at) == (at(3, 14), at(5, 9))
    assert r1.business_seconds_to_resolve == 5 * HOUR  # 9-12 Monday, 12-14 Tuesday
    assert r1.wall_seconds_to_resolve == 29 * HOUR
    assert (r1.resolution_target_seconds, r1.resolution_breached) == (8 * HOUR, False)
    assert str(r1.total_cost) == "650.00"
    assert r1.imported_from.incident is None and r1.imported_from.run == run

    r2 = ServiceRequest.objects.get(imported_from__source_reference="R2")
    assert (r2.status, r2.item, r2.channel) == ("in_fulfilment", catalogue.access, "phone")
    assert (r2.resolved_at, r2.fulfilled_by) == (None, None)
    assert r2.resolution_due == at(4, 17)  # 8 business hours from Wednesday 09:00

    verbs = list(
        AuditEvent.objects.filter(object_id=str(r1.pk), content_type__model="servicerequest")
        .order_by("at", "pk")
        .values_list("verb", flat=True)
    )
    assert verbs == [
        "servicerequest.submitted",
        "servicerequest.team_changed",
        "servicerequest.in_fulfilment",
        "servicerequest.pending",  # waiting: still in fulfilment, its clock paused
        "servicerequest.resumed",
        "servicerequest.fulfilled",
        "servicerequest.closed",
        "servicerequest.imported",
    ]


def test_should_count_imported_requests_as_calls_in_the_kpis(catalogue, tmp_path):
    run_import(catalogue, write_mixed(tmp_path), MIXED_MAPPING)
    source = Source(catalogue.admin, Cut(organisation=catalogue.north.pk))
    period = Period.custom(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert calls_logged(source, period).value == 4
    share = self_service_share(source, period)
    assert (share.numerator, share.denominator) == (2, 4)  # B and R1 came by web
    fix = first_time_fix(source, period)
    assert (fix.numerator, fix.denominator) == (1, 2)  # incidents only: a request is no fix


def test_should_change_nothing_when_the_mixed_file_is_imported_twice(catalogue, tmp_path):
    path = write_mixed(tmp_path)
    run_import(catalogue, path, MIXED_MAPPING)
    before = calls_snapshot()
    _, outcome = run_import(catalogue, path, MIXED_MAPPING)
    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 0, 4)
    assert calls_snapshot() == before


def test_should_update_a_request_whose_history_changed(catalogue, tmp_path):
    run_import(catalogue, write_mixed(tmp_path), MIXED_MAPPING)
    rows = [row.replace("03/11/2026 14:00", "03/11/2026 15:00") for row in MIXED_ROWS]
    _, outcome = run_import(catalogue, write_mixed(tmp_path, rows, "second.csv"), MIXED_MAPPING)
    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 1, 3)
    r1 = ServiceRequest.objects.get(imported_from__source_reference="R1")
    assert r1.business_seconds_to_resolve == 6 * HOUR and r1.version == 2
    event = AuditEvent.objects.get(verb="servicerequest.history_updated")
    assert event.object_id == str(r1.pk) and "resolved_at" in event.after


@pytest.mark.parametrize(
    ("rows", "error"),
    [
        (
            [row.replace(",Laptop", ",Tablet") for row in MIXED_ROWS],
            "Row 14 (ticket R1): there is no request item 'Tablet' in the catalogue; "
            "create it or name another.",
        ),
        (
            [row.replace(",Phone,", ",Walk-in,") for row in MIXED_ROWS],
            "Row 20 (ticket R2): a service request cannot come by 'walk_in'; map its channel "
            "to one of portal, phone, email.",
        ),
    ],
    ids=["unknown item", "walk-in request"],
)
def test_should_write_nothing_and_name_the_row_of_a_request_that_cannot_be(
    catalogue, tmp_path, rows, error
):
    mapping = MIXED_MAPPING.replace('"Web" = "portal"', '"Web" = "portal"\n"Walk-in" = "walk_in"')
    before = calls_snapshot()
    run, outcome = run_import(catalogue, write_mixed(tmp_path, rows), mapping)
    assert outcome is None and run.state == RunState.FAILED
    assert run.error == error
    assert calls_snapshot() == before


def test_should_refuse_to_turn_an_imported_incident_into_a_request(catalogue, tmp_path):
    run_import(catalogue, write_mixed(tmp_path), MIXED_MAPPING)
    before = calls_snapshot()
    rows = [
        row.replace(",Incident,", ",Request,") if row.startswith("A,") else row
        for row in MIXED_ROWS
    ]
    run, outcome = run_import(catalogue, write_mixed(tmp_path, rows, "again.csv"), MIXED_MAPPING)
    assert outcome is None and run.state == RunState.FAILED
    assert run.error.startswith(
        "Row 2 (ticket A): it was imported as an incident, and this file makes it a service request"
    )
    assert calls_snapshot() == before


def test_should_list_a_row_of_a_kind_the_mapping_does_not_know(catalogue, tmp_path):
    rows = [*MIXED_ROWS, MIXED_ROWS[-1].replace(",Request,", ",Problem,")]
    run, outcome = run_import(catalogue, write_mixed(tmp_path, rows), MIXED_MAPPING)
    # 1 row of 21 is within the mapping's 10%: the rest is imported, the row listed.
    assert run.state == RunState.FINISHED and outcome.created == 4
    assert [item.as_dict() for item in outcome.rejected] == [
        {"row": 22, "ticket": "R2", "reason": "kind 'Problem' is not in the mapping's [kinds]"}
    ]
