"""Actions on knowledge articles: write, edit (each edit kept as a version), publish, retire,
and count them as used: a requester's deflection, an agent's use on a call."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from core.actions.base import lock_visible, require_permission, save_audited
from core.audit import record_audit
from core.exceptions import ActionError, ActionForbidden, InvalidInput, StaleRecord
from core.workflow import run_transition
from knowledge.choices import ArticleAudience, ArticleStatus
from knowledge.models import ArticleUse, ArticleVersion, Deflection, KnowledgeArticle

ARTICLE_FIELDS = ("title", "body", "audience", "owner", "review_date")
ARTICLE_EDGES = {"publish", "retire"}


def lock_article(article_id: int, actor, expected_version: int | None = None) -> KnowledgeArticle:
    """Fetch and row-lock an article the actor may read, refusing a stale version."""
    if not KnowledgeArticle.objects.visible_to(actor).filter(pk=article_id).exists():
        raise ActionForbidden("That article does not exist or is not yours to see.")
    article = KnowledgeArticle.objects.select_for_update().get(pk=article_id)
    if expected_version is not None and article.version != expected_version:
        raise StaleRecord(
            "This article was changed by someone else while you were editing it. Reload the "
            "page to see their changes, then make yours again."
        )
    return article


def keep_article_version(article: KnowledgeArticle, author) -> ArticleVersion:
    """Store the article's current title and body as its next numbered version."""
    last = article.versions.order_by("-number").values_list("number", flat=True).first() or 0
    return ArticleVersion.objects.create(
        article=article,
        number=last + 1,
        title=article.title,
        body=article.body,
        author=author if getattr(author, "is_authenticated", False) else None,
    )


def _check_text(title: str, body: str) -> None:
    """An article needs a title and something in its body."""
    if not (title or "").strip():
        raise InvalidInput("Give the article a title.", field="title")
    if not (body or "").strip():
        raise InvalidInput("Write the article's body.", field="body")


@transaction.atomic
def do_create_article(
    *,
    actor,
    title: str,
    body: str,
    audience: str = ArticleAudience.STAFF,
    owner=None,
    review_date=None,
    services: Iterable = (),
    categories: Iterable = (),
) -> KnowledgeArticle:
    """Write a new article as a draft; its text is kept as version 1."""
    require_permission(actor, "knowledge.add_knowledgearticle", "You may not write articles.")
    _check_text(title, body)
    article = KnowledgeArticle()
    save_audited(
        article,
        actor=actor,
        verb="article.created",
        changes={
            "title": title.strip(),
            "body": body,
            "audience": audience,
            "owner": owner or actor,
            "review_date": review_date,
        },
        many_to_many={"services": services, "categories": categories},
        creating=True,
        exclude_from_validation=("status",),
    )
    keep_article_version(article, actor)
    return article


@transaction.atomic
def do_update_article(
    article_id: int,
    *,
    actor,
    expected_version: int | None = None,
    services: Iterable | None = None,
    categories: Iterable | None = None,
    verb: str = "article.updated",
    **fields,
) -> KnowledgeArticle:
    """Edit an article; a change of its title or body is kept as a new version."""
    require_permission(actor, "knowledge.change_knowledgearticle", "You may not edit articles.")
    unknown = set(fields) - set(ARTICLE_FIELDS)
    if unknown:
        raise InvalidInput(f"Unknown article fields: {', '.join(sorted(unknown))}.")
    article = lock_article(article_id, actor, expected_version)
    _check_text(fields.get("title", article.title), fields.get("body", article.body))
    if "title" in fields:
        fields["title"] = fields["title"].strip()
    many = {}
    if services is not None:
        many["services"] = services
    if categories is not None:
        many["categories"] = categories
    _old, new = save_audited(
        article,
        actor=actor,
        verb=verb,
        changes=fields,
        many_to_many=many,
        exclude_from_validation=("status",),
    )
    if "title" in new or "body" in new:
        keep_article_version(article, actor)
    return article


@transaction.atomic
def do_transition_article(
    article_id: int, *, actor, name: str, expected_version: int | None = None
) -> KnowledgeArticle:
    """Publish or retire an article (permission checked on the edge)."""
    if name not in ARTICLE_EDGES:
        raise ActionError(f"Unknown action {name!r}.")
    article = lock_article(article_id, actor, expected_version)
    run_transition(
        article,
        name,
        actor=actor,
        verb=f"article.{'published' if name == 'publish' else 'retired'}",
        extra_fields=("published_at", "retired_at"),
        at=timezone.now(),
    )
    return article


@transaction.atomic
def do_record_deflection(article_id: int, *, actor, query: str = "") -> Deflection:
    """A requester says an article solved their problem, so no call is logged; it counts."""
    require_permission(
        actor, "knowledge.add_deflection", "You may not record that an article helped."
    )
    if not (
        KnowledgeArticle.objects.visible_to(actor)
        .filter(pk=article_id, status=ArticleStatus.PUBLISHED)
        .exists()
    ):
        raise ActionForbidden("That article does not exist or is not yours to see.")
    return Deflection.objects.create(user=actor, article_id=article_id, query=query.strip()[:500])


@transaction.atomic
def do_link_article_to_incident(incident_id: int, article_id: int, *, actor) -> ArticleUse:
    """An agent records that an article helped on a call (once per call and article)."""
    from servicedesk.models import Incident

    require_permission(
        actor, "knowledge.add_articleuse", "Only service desk agents may link articles to calls."
    )
    require_permission(
        actor, "servicedesk.work_incident", "Only service desk agents may link articles to calls."
    )
    incident = lock_visible(Incident, incident_id, actor)
    if not (
        KnowledgeArticle.objects.visible_to(actor)
        .filter(pk=article_id, status=ArticleStatus.PUBLISHED)
        .exists()
    ):
        raise ActionForbidden("That article does not exist, is not published or not yours to see.")
    if ArticleUse.objects.filter(incident=incident, article_id=article_id).exists():
        raise ActionError("That article is already linked to this call.")
    use = ArticleUse.objects.create(incident=incident, article_id=article_id, agent=actor)
    record_audit(
        actor=actor,
        verb="incident.article_linked",
        obj=incident,
        after={"article": str(use.article)},
    )
    return use
