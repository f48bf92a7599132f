"""The desk's landing page: each queue once, with its size; the links the person may use."""

import pytest
from django.test import Client

from servicedesk import queries

pytestmark = pytest.mark.django_db


def test_should_list_each_queue_once_with_its_count(desk, log_call):
    log_call()
    client = Client()
    client.force_login(desk.agent)
    page = client.get("/desk/").content.decode()
    for name in queries.QUEUES:
        assert page.count(f'href="/desk/queues/{name}/"') == 1, name
    assert "Log a phone call" in page
    assert "Priority matrix" not in page  # agents do not administer the catalogue
