"""django-filter filter sets of problems and articles."""

from core.filtersets import BaseFilterSet
from knowledge.models import KnowledgeArticle, Problem


class ProblemFilterSet(BaseFilterSet):
    """Filters for the problem list."""

    search_fields = ("summary", "description", "root_cause", "workaround")

    class Meta:
        model = Problem
        fields = ["q", "status", "organisation", "team", "owner"]


class ArticleFilterSet(BaseFilterSet):
    """Filters for the article list (authors' view of every state)."""

    search_fields = ("title", "body")

    class Meta:
        model = KnowledgeArticle
        fields = ["q", "status", "audience", "services", "categories"]
