"""The queues' hand-written rows say exactly what django-tables2 would have rendered."""

import re

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils.html import strip_tags

from servicedesk import actions
from servicedesk.models import Incident
from servicedesk.queries import my_calls, open_incidents
from servicedesk.tables import IncidentTable

pytestmark = pytest.mark.django_db


def words(html: str) -> str:
    """The visible text of some markup, spaces squeezed."""
    return re.sub(r"\s+", " ", strip_tags(html)).strip()


def cells_of_row_template(table, record) -> list[str]:
    """The text of each cell as the row template renders it."""
    html = render_to_string(
        table.row_template,
        {"call": record, "record": record, "shown": table.shown_columns, "table": table},
    )
    return [words(cell) for cell in re.findall(r"<td>(.*?)</td>", html, re.S)]


def cells_of_django_tables2(table, record) -> list[str]:
    """The text of each cell as django-tables2's own cell rendering gives it."""
    row = next(row for row in table.rows if row.record.pk == record.pk)
    return [words(str(cell)) for cell in row]


@pytest.mark.parametrize("portal", [False, True], ids=["desk", "portal"])
def test_should_render_each_cell_as_django_tables2_does(desk, log_call, portal):
    assigned = log_call(category=desk.outlook)
    actions.do_assign_incident(assigned.pk, actor=desk.agent, team=desk.desk, assignee=desk.agent)
    bare = log_call(short_description="No category, no team yet")
    request = RequestFactory().get("/")
    request.user = desk.agent
    if portal:
        table = IncidentTable(
            my_calls(desk.requester_north),
            exclude=("selection", "team", "assignee", "caller"),
            portal=True,
            request=request,
        )
    else:
        table = IncidentTable(open_incidents(desk.agent), request=request)
    for call in Incident.objects.filter(pk__in=[assigned.pk, bare.pk]):
        expected = cells_of_django_tables2(table, call)
        assert cells_of_row_template(table, call) == expected
        assert len(expected) == len(table.columns)


def test_should_link_callers_to_the_portal_and_agents_to_the_desk(desk, log_call):
    call = log_call()
    request = RequestFactory().get("/")
    request.user = desk.requester_north
    portal = IncidentTable(my_calls(desk.requester_north), portal=True, request=request)
    desk_table = IncidentTable(my_calls(desk.requester_north), request=request)
    record = portal.rows[0].record
    assert f'href="{call.get_portal_url()}"' in render_to_string(
        portal.row_template,
        {"call": record, "shown": portal.shown_columns, "table": portal},
    )
    assert f'href="{call.get_absolute_url()}"' in render_to_string(
        desk_table.row_template,
        {"call": record, "shown": desk_table.shown_columns, "table": desk_table},
    )
