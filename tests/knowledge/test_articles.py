"""Articles: versions, safe Markdown, who reads what, portal suggestions and deflection,
and agents linking articles to calls."""

import pytest

from core.exceptions import ActionError, ActionForbidden
from knowledge.actions import (
    do_create_article,
    do_link_article_to_incident,
    do_transition_article,
    do_update_article,
)
from knowledge.models import ArticleUse, Deflection
from knowledge.rendering import render_markdown
from servicedesk.models import Incident

pytestmark = pytest.mark.django_db


def test_every_edit_keeps_a_version_and_old_versions_can_be_read(client, world):
    article = do_create_article(actor=world.agent, title="Wi-Fi", body="Use **CouncilStaff**.")
    do_update_article(article.pk, actor=world.agent, body="Use CouncilStaff-5G.")
    do_update_article(article.pk, actor=world.agent, review_date=None)  # no text change
    assert list(article.versions.values_list("number", flat=True)) == [2, 1]
    client.force_login(world.agent)
    old = client.get(f"{article.get_absolute_url()}?version=1").content.decode()
    assert "<strong>CouncilStaff</strong>" in old and "version 1" in old
    assert "CouncilStaff-5G" in client.get(article.get_absolute_url()).content.decode()


def test_markdown_is_rendered_safely():
    html = render_markdown(
        "# Hi\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1)) "
        '<img src=x onerror=alert(1)> **ok** <a href="https://a.example" onclick="x()">a</a>'
    )
    assert "<script" not in html and "onerror" not in html and "javascript:" not in html
    assert "onclick" not in html
    assert "<strong>ok</strong>" in html


def test_staff_cannot_open_agent_only_or_draft_articles(client, world):
    internal = do_create_article(actor=world.agent, title="Desk", body="b", audience="agents")
    do_transition_article(internal.pk, actor=world.agent, name="publish")
    draft = do_create_article(actor=world.agent, title="Draft", body="b")
    client.force_login(world.requester_north)
    assert client.get(internal.get_absolute_url()).status_code == 404
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(world.agent)
    assert client.get(internal.get_absolute_url()).status_code == 200


def test_requesters_cannot_publish(world):
    draft = do_create_article(actor=world.agent, title="Draft", body="b")
    with pytest.raises(ActionForbidden):
        do_transition_article(draft.pk, actor=world.requester_north, name="publish")


def test_portal_suggestions_follow_what_is_typed(client, world, articles):
    client.force_login(world.requester_north)
    response = client.get(
        "/knowledge/suggest/", {"short_description": "outlook keeps crash", "description": ""}
    )
    body = response.content.decode()
    assert "Outlook will not open or keeps crashing" in body
    assert "This solved it" in body
    assert client.get("/knowledge/suggest/", {"short_description": ""}).content.strip() == b""


def test_this_solved_it_counts_a_deflection_and_logs_no_call(client, world, articles):
    article = articles["Connect to the VPN from home"]
    client.force_login(world.requester_north)
    response = client.post(f"/knowledge/articles/{article.pk}/solved/", {"q": "vpn from home"})
    assert response.status_code == 302 and response["Location"] == "/portal/"
    deflection = Deflection.objects.get()
    assert (deflection.user, deflection.article, deflection.query) == (
        world.requester_north,
        article,
        "vpn from home",
    )
    assert not Incident.objects.exists()


def test_deflection_refused_for_an_agent_only_article(client, world, articles):
    internal = articles["Reset a caller's password on the desk"]
    client.force_login(world.requester_north)
    client.post(f"/knowledge/articles/{internal.pk}/solved/", {"q": "x"})
    assert not Deflection.objects.exists()


def test_portal_log_form_carries_the_suggestion_panel(client, world, desk):
    client.force_login(world.requester_north)
    body = client.get("/portal/calls/new/").content.decode()
    assert 'id="kb-suggestions"' in body and "/knowledge/suggest/" in body


def test_agent_links_an_article_to_a_call_once(client, desk, articles, log_call):
    call = log_call()
    article = articles["Outlook will not open or keeps crashing"]
    do_link_article_to_incident(call.pk, article.pk, actor=desk.agent)
    with pytest.raises(ActionError, match="already linked"):
        do_link_article_to_incident(call.pk, article.pk, actor=desk.agent)
    with pytest.raises(ActionForbidden):
        do_link_article_to_incident(call.pk, article.pk, actor=desk.requester_north)
    assert ArticleUse.objects.filter(article=article).count() == 1
    client.force_login(desk.agent)
    page = client.get(call.get_absolute_url()).content.decode()
    assert 'id="incident-articles"' in page and article.reference in page


def test_agent_of_another_council_cannot_link_to_its_call(desk, articles, log_call):
    call = log_call()
    article = articles["Outlook will not open or keeps crashing"]
    with pytest.raises(ActionForbidden):
        do_link_article_to_incident(call.pk, article.pk, actor=desk.agent_east)
