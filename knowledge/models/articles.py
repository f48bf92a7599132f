"""Knowledge articles, their versions, and the two ways they are counted as used."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.functional import cached_property

from core.models.base import TimestampedModel, VersionedModel
from knowledge.choices import ArticleAudience, ArticleStatus
from knowledge.workflows import ArticleWorkflow

REFERENCE_PREFIX = "KB"
AUTHOR_PERMISSION = "knowledge.change_knowledgearticle"
AGENT_READER_PERMISSION = "knowledge.view_agent_article"
READER_PERMISSION = "knowledge.view_knowledgearticle"


class ArticleQuerySet(models.QuerySet):
    """Articles, with `.visible_to(user)` by state and audience rather than by organisation."""

    def visible_to(self, user) -> models.QuerySet:
        """Limit to what `user` may read.

        Authors (and administrators) see every article in every state; the service desk
        sees published articles of both audiences; everyone else only published articles
        written for all staff. Articles belong to no organisation: the desk serves one
        knowledge base to every council it supports.
        """
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_superuser or user.has_perm(AUTHOR_PERMISSION):
            return self
        published = self.filter(status=ArticleStatus.PUBLISHED)
        if user.has_perm(AGENT_READER_PERMISSION):
            return published
        if user.has_perm(READER_PERMISSION):
            return published.filter(audience=ArticleAudience.STAFF)
        return self.none()


class KnowledgeArticle(ArticleWorkflow, VersionedModel, TimestampedModel):
    """A how-to or fix written in Markdown for staff (self-help) or for the desk only.

    Every change of its title or body is kept as an ArticleVersion. The search index
    (SQLite FTS5 table or PostgreSQL tsvector, see knowledge.search) follows the title and
    body through database triggers created by migration 0002.
    """

    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown: headings, lists, links, bold and code.")
    audience = models.CharField(
        max_length=10, choices=ArticleAudience.choices, default=ArticleAudience.STAFF
    )
    services = models.ManyToManyField("servicedesk.Service", blank=True, related_name="articles")
    categories = models.ManyToManyField("servicedesk.Category", blank=True, related_name="articles")
    owner = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, null=True, blank=True, related_name="articles_owned"
    )
    review_date = models.DateField(null=True, blank=True, help_text="When to check it is right.")
    published_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    objects = models.Manager.from_queryset(ArticleQuerySet)()

    # core.visibility's organisation scoping does not apply (see ArticleQuerySet.visible_to):
    # with nothing declared, the generic helper shows articles to administrators only.
    visibility_organisation_field = None

    class Meta:
        ordering = ["title", "id"]
        permissions = [
            ("publish_article", "Can publish and retire knowledge articles"),
            ("view_agent_article", "Can read articles written for the service desk only"),
        ]
        indexes = [models.Index(fields=["status", "audience"], name="article_readers")]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        """The article's reference, e.g. KB0000012."""
        return f"{REFERENCE_PREFIX}{self.pk:07d}" if self.pk else f"{REFERENCE_PREFIX}-new"

    def get_absolute_url(self) -> str:
        """The article page."""
        return reverse("knowledge:article_detail", args=[self.pk])

    @property
    def status_colour(self) -> str:
        """Badge colour of the state."""
        return ArticleStatus(self.status).colour

    @cached_property
    def rendered_body(self) -> str:
        """The body as sanitised HTML, safe to show."""
        from knowledge.rendering import render_markdown

        return render_markdown(self.body)


class ArticleVersion(models.Model):
    """One saved state of an article's title and body: who wrote it and when."""

    article = models.ForeignKey(KnowledgeArticle, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField()
    author = models.ForeignKey("core.User", on_delete=models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="article_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.article.reference} v{self.number}"

    @cached_property
    def rendered_body(self) -> str:
        """This version's body as sanitised HTML."""
        from knowledge.rendering import render_markdown

        return render_markdown(self.body)


class Deflection(models.Model):
    """A requester found the answer in an article instead of logging a call (a KPI input)."""

    user = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="deflections")
    article = models.ForeignKey(
        KnowledgeArticle, on_delete=models.PROTECT, related_name="deflections"
    )
    query = models.CharField(max_length=500, blank=True, help_text="What they had typed.")
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.user} solved by {self.article.reference}"


class ArticleUse(models.Model):
    """An agent used an article on a call (counted per article and per agent)."""

    incident = models.ForeignKey(
        "servicedesk.Incident", on_delete=models.CASCADE, related_name="article_uses"
    )
    article = models.ForeignKey(KnowledgeArticle, on_delete=models.PROTECT, related_name="uses")
    agent = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "article"], name="article_use_once")
        ]

    def __str__(self) -> str:
        return f"{self.article.reference} on {self.incident.reference}"
