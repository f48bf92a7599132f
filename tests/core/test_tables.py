"""Shared list machinery: key-first pagination, Python-rendered dates and selects."""

import datetime as dt

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.filtersets import PersonFilterSet
from core.models import User
from core.pagination import KeyFirstPaginator, with_key_tiebreak
from core.tables import DateTimeColumn, PersonTable

pytestmark = pytest.mark.django_db


def people_table(order_by: str) -> PersonTable:
    request = RequestFactory().get("/")
    return PersonTable(User.objects.all(), order_by=order_by, request=request)


@pytest.mark.parametrize("order_by", ["username", "-organisation", "is_vip"])
def test_should_give_each_row_one_place_in_the_table_order(world, make_person, order_by):
    for number in range(23):
        make_person(f"person{number:02d}", [], world.north if number % 3 else world.east)
    table = people_table(order_by)
    table.paginate(paginator_class=KeyFirstPaginator, per_page=7, page=1)
    pages = table.paginator.num_pages
    assert pages > 3
    shown = []
    for page in range(1, pages + 1):
        table = people_table(order_by)
        table.paginate(paginator_class=KeyFirstPaginator, per_page=7, page=page)
        shown += [row.record.pk for row in table.page.object_list]
    # The table's own order, ties broken by key: no row twice, none missing, in order.
    expected = with_key_tiebreak(table.data.data).values_list("pk", flat=True)
    assert shown == list(expected)


def test_should_read_any_page_in_the_same_number_of_queries(world, make_person):
    for number in range(40):
        make_person(f"person{number:02d}", [], world.north)
    counts = []
    for page in (1, 3, 5):
        table = people_table("username")
        with CaptureQueriesContext(connection) as queries:
            table.paginate(paginator_class=KeyFirstPaginator, per_page=8, page=page)
            assert len([row.record for row in table.page.object_list]) == 8
        counts.append(len(queries))
    # The page's keys, then the page's rows (the table counted its rows when it was built).
    assert counts == [2, 2, 2]


def test_should_show_dates_in_local_time_and_export_real_datetimes(settings):
    settings.TIME_ZONE = "Europe/London"
    column = DateTimeColumn()
    summer = dt.datetime(2026, 7, 1, 8, 30, tzinfo=dt.UTC)
    assert column.render(summer) == "01 Jul 2026 09:30"
    assert column.value(summer) == summer
    assert timezone.is_aware(column.value(summer))


def test_should_render_filter_selects_with_the_chosen_values_selected(world):
    request = RequestFactory().get("/", {"organisation": world.east.pk, "is_active": "true"})
    request.user = world.admin
    html = str(PersonFilterSet(request.GET, queryset=User.objects.all(), request=request).form)
    assert f'<option value="{world.east.pk}" selected>Eastvale District Council</option>' in html
    assert f'<option value="{world.north.pk}">Northshire County Council</option>' in html
    assert 'class="form-select form-select-sm"' in html
