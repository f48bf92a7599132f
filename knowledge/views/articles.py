"""Pages of the knowledge base: search, list, article (with its versions), write/edit, steps,
and the portal's suggestions while a call is being described."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from core.exceptions import ActionError
from core.views.generic import ObjectDetailView, ObjectEditView, ObjectListView
from core.workflow import transitions_for
from knowledge import actions
from knowledge.filtersets import ArticleFilterSet
from knowledge.forms import ArticleForm
from knowledge.models import KnowledgeArticle
from knowledge.search import search_articles
from knowledge.tables import ArticleTable

SUGGESTION_LIMIT = 5


class ArticleScopeMixin:
    """Articles are scoped by state and audience (KnowledgeArticle.objects.visible_to)."""

    def get_queryset(self):
        """The articles the user may read."""
        return KnowledgeArticle.objects.visible_to(self.request.user)


class _SignedInMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """Login and a permission; signed-in people without it get a 403, not a login loop."""

    def handle_no_permission(self):
        """403 for signed-in people."""
        if self.request.user.is_authenticated:
            self.raise_exception = True
        return super().handle_no_permission()


class KnowledgeSearchView(_SignedInMixin, TemplateView):
    """Search the knowledge base (portal and desk alike); results follow as one types."""

    permission_required = "knowledge.view_knowledgearticle"
    template_name = "knowledge/search.html"

    def get_template_names(self):
        """Only the results when htmx asks for them."""
        if self.request.headers.get("HX-Request"):
            return ["knowledge/includes/_search_results.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        """Add the query and its results."""
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "")
        context["query"] = query
        context["results"] = search_articles(query, self.request.user, limit=20)
        context["title"] = "Knowledge base"
        return context


class ArticleListView(ArticleScopeMixin, ObjectListView):
    """Every article the user may read, in every state an author may see."""

    model = KnowledgeArticle
    table_class = ArticleTable
    filterset_class = ArticleFilterSet
    permission_required = "knowledge.change_knowledgearticle"
    title = "Knowledge articles"
    create_url_name = "knowledge:article_create"
    create_permission = "knowledge.add_knowledgearticle"

    def get_queryset(self):
        """Readable articles with their owner."""
        return super().get_queryset().select_related("owner")


class ArticleDetailView(ArticleScopeMixin, ObjectDetailView):
    """One article, or an older version of it (?version=N), with its use counts."""

    model = KnowledgeArticle
    template_name = "knowledge/article_detail.html"
    permission_required = "knowledge.view_knowledgearticle"
    edit_url_name = "knowledge:article_edit"
    edit_permission = "knowledge.change_knowledgearticle"

    def get_context_data(self, **kwargs):
        """Add the version shown, the version list, the steps and the counts."""
        context = super().get_context_data(**kwargs)
        article, user = self.object, self.request.user
        is_author = user.has_perm("knowledge.change_knowledgearticle")
        versions = article.versions.select_related("author")
        context["versions"] = versions if is_author else versions.none()
        shown = None
        number = self.request.GET.get("version", "")
        if number:
            if not is_author or not number.isdigit():
                raise Http404("No such version.")
            shown = get_object_or_404(versions, number=int(number))
        context["shown_version"] = shown
        context["latest_number"] = versions.values_list("number", flat=True).first()
        context["steps"] = transitions_for(article, user)
        context["is_author"] = is_author
        if not is_author:
            context["history"] = []
        context["use_count"] = article.uses.count()
        context["deflection_count"] = article.deflections.count()
        context["source_problem"] = getattr(article, "source_problem", None)
        context["title"] = article.title
        return context


class ArticleEditView(ArticleScopeMixin, ObjectEditView):
    """Write or edit an article through its actions."""

    model = KnowledgeArticle
    form_class = ArticleForm
    add_permission = "knowledge.add_knowledgearticle"
    change_permission = "knowledge.change_knowledgearticle"
    success_message = "Article saved."

    def perform(self, form):
        """Call do_create_article or do_update_article."""
        data = form.cleaned_data
        related = {"services": data["services"], "categories": data["categories"]}
        fields = {name: data[name] for name in actions.articles.ARTICLE_FIELDS}
        if self.object is None:
            return actions.do_create_article(actor=self.request.user, **related, **fields)
        return actions.do_update_article(
            self.object.pk,
            actor=self.request.user,
            expected_version=form.expected_version,
            **related,
            **fields,
        )


class ArticleTransitionView(ArticleScopeMixin, _SignedInMixin, View):
    """Publish or retire an article (POST)."""

    permission_required = "knowledge.view_knowledgearticle"

    def post(self, request, pk, name):
        """Call do_transition_article and report."""
        article = get_object_or_404(self.get_queryset(), pk=pk)
        try:
            version = request.POST.get("version")
            article = actions.do_transition_article(
                article.pk,
                actor=request.user,
                name=name,
                expected_version=int(version) if version and version.isdigit() else None,
            )
            messages.success(request, f"{article.reference} is {article.get_status_display()}.")
        except ActionError as exc:
            messages.error(request, exc.message)
        return HttpResponseRedirect(article.get_absolute_url())


def suggestion_query(data) -> str:
    """What a requester has typed so far on the log-a-call form (short and long text)."""
    parts = [data.get("short_description", ""), data.get("description", "")]
    return " ".join(part for part in parts if part)[:500]


class SuggestionsView(_SignedInMixin, View):
    """The articles matching what a requester is typing on the log-a-call form (htmx)."""

    permission_required = "knowledge.view_knowledgearticle"

    def get(self, request):
        """Render the suggestion list for the form's current text."""
        query = suggestion_query(request.GET)
        # Typing continues in the description: its last word is complete only if followed
        # by a space, which the combined text keeps.
        results = search_articles(query, request.user, limit=SUGGESTION_LIMIT)
        return render(
            request,
            "knowledge/includes/_suggestion_results.html",
            {"results": results, "query": query.strip()},
        )


class SolvedView(_SignedInMixin, View):
    """ "This solved it": count the deflection and go back to the portal; no call is logged."""

    permission_required = "knowledge.add_deflection"

    def post(self, request, pk):
        """Call do_record_deflection."""
        try:
            actions.do_record_deflection(pk, actor=request.user, query=request.POST.get("q", ""))
        except ActionError as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(reverse("servicedesk:portal_log"))
        messages.success(request, "Glad that solved it. No call was logged.")
        return HttpResponseRedirect(reverse("servicedesk:portal"))
