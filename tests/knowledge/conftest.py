"""Fixtures of the knowledge tests: the desk catalogue plus the sample articles, published."""

from __future__ import annotations

import pytest

from knowledge.actions import do_create_article, do_transition_article
from knowledge.sample_articles import SAMPLE_ARTICLES
from tests.servicedesk.conftest import desk, log_call  # noqa: F401 - shared fixtures


@pytest.fixture
def articles(world):
    """The sample council-IT articles, written and published by the administrator."""
    found = {}
    for title, audience, body in SAMPLE_ARTICLES:
        article = do_create_article(actor=world.admin, title=title, body=body, audience=audience)
        do_transition_article(article.pk, actor=world.admin, name="publish")
        found[title] = article
    return found
