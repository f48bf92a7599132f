"""The demo seeder publishes the sample articles once."""

import pytest

from knowledge import demo
from knowledge.models import KnowledgeArticle
from knowledge.sample_articles import SAMPLE_ARTICLES

pytestmark = pytest.mark.django_db


def test_demo_seeds_the_sample_articles_once(world):
    demo.seed(None, world.admin, {}, {})
    demo.seed(None, world.admin, {}, {})
    assert KnowledgeArticle.objects.filter(status="published").count() == len(SAMPLE_ARTICLES)
