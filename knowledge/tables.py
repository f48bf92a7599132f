"""django-tables2 tables of problems and articles."""

import django_tables2 as tables

from core.tables import BadgeColumn, BaseTable
from knowledge.models import KnowledgeArticle, Problem


class ProblemTable(BaseTable):
    """Problems and known errors."""

    reference = tables.Column(linkify=True, order_by=("id",), verbose_name="Reference")
    status = BadgeColumn(colour_attr="status_colour")
    incident_count = tables.Column(verbose_name="Calls", orderable=True)

    class Meta(BaseTable.Meta):
        model = Problem
        fields = ("reference", "summary", "status", "organisation", "owner", "team", "updated_at")
        sequence = (
            "reference",
            "summary",
            "status",
            "organisation",
            "owner",
            "team",
            "incident_count",
            "updated_at",
        )


class ArticleTable(BaseTable):
    """Knowledge articles."""

    reference = tables.Column(linkify=True, order_by=("id",), verbose_name="Reference")
    title = tables.Column(linkify=True)
    status = BadgeColumn(colour_attr="status_colour")

    class Meta(BaseTable.Meta):
        model = KnowledgeArticle
        fields = ("reference", "title", "status", "audience", "owner", "review_date", "updated_at")
