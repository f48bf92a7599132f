"""The list and search pages answer the right people, and the usage counts add up."""

import datetime as dt

import pytest
from django.utils import timezone

from knowledge.actions import do_create_problem, do_link_article_to_incident, do_record_deflection
from knowledge.queries import article_uses_between, deflections_between

pytestmark = pytest.mark.django_db


def test_pages_answer_agents_and_refuse_requesters(client, desk, articles):
    problem = do_create_problem(actor=desk.agent, organisation=desk.north, summary="Slow VPN")
    client.force_login(desk.agent)
    for url in ["/problems/", problem.get_absolute_url(), "/knowledge/articles/", "/knowledge/"]:
        assert client.get(url).status_code == 200, url
    assert "Slow VPN" in client.get("/problems/").content.decode()
    client.force_login(desk.requester_north)
    assert client.get("/problems/").status_code == 403
    assert client.get(problem.get_absolute_url()).status_code == 403
    assert client.get("/knowledge/articles/").status_code == 403
    found = client.get("/knowledge/", {"q": "printer"}).content.decode()
    assert "Add a printer with follow-me printing" in found


def test_east_agent_cannot_see_a_north_problem(client, desk):
    problem = do_create_problem(actor=desk.agent, organisation=desk.north, summary="Slow VPN")
    client.force_login(desk.agent_east)
    assert client.get(problem.get_absolute_url()).status_code == 404


def test_usage_counts_for_kpis(desk, articles, log_call):
    article = articles["Connect to the VPN from home"]
    do_record_deflection(article.pk, actor=desk.requester_north, query="vpn")
    do_link_article_to_incident(log_call().pk, article.pk, actor=desk.agent)
    now = timezone.now()
    hour = dt.timedelta(hours=1)
    assert deflections_between(now - hour, now + hour) == 1
    assert article_uses_between(now - hour, now + hour) == 1
    assert deflections_between(now + hour, now + 2 * hour) == 0
