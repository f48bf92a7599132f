"""Asset and service pages list the changes that affect them."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-staple"


def test_should_list_a_change_on_the_pages_of_its_asset_and_service(cab, make_change):
    change = make_change(assets=[cab.switch])
    other = make_change(title="Payroll patch", services=[cab.payroll])
    client = Client()
    assert client.login(username=cab.world.admin.username, password=PASSWORD)

    asset_page = client.get(cab.switch.get_absolute_url()).content.decode()
    assert 'id="related-changes"' in asset_page
    assert change.reference in asset_page and other.reference not in asset_page

    email_page = client.get(cab.email.get_absolute_url()).content.decode()
    assert change.reference in email_page and other.reference not in email_page
    payroll_page = client.get(cab.payroll.get_absolute_url()).content.decode()
    assert other.reference in payroll_page and change.reference not in payroll_page
