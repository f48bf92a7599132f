"""Demo data of the knowledge base: the sample articles, published.

Run by `manage.py seed_demo` (see KnowledgeConfig.demo_seeder); does nothing if already seeded.
"""

from __future__ import annotations


def seed(command, admin, organisations, options) -> None:
    """Write and publish the sample articles through the actions, unless already there."""
    from knowledge.actions import do_create_article, do_transition_article
    from knowledge.models import KnowledgeArticle
    from knowledge.sample_articles import SAMPLE_ARTICLES

    if KnowledgeArticle.objects.exists():
        return
    for title, audience, body in SAMPLE_ARTICLES:
        article = do_create_article(actor=admin, title=title, body=body, audience=audience)
        do_transition_article(article.pk, actor=admin, name="publish")
