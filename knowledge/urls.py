"""URLs of problem management (/problems/) and the knowledge base (/knowledge/)."""

from django.urls import path

from knowledge.views import articles, incidents, problems

app_name = "knowledge"

urlpatterns = [
    path("problems/", problems.ProblemListView.as_view(), name="problem_list"),
    path("problems/new/", problems.ProblemEditView.as_view(), name="problem_create"),
    path("problems/candidates/", problems.CandidateProblemsView.as_view(), name="candidates"),
    path("problems/<int:pk>/", problems.ProblemDetailView.as_view(), name="problem_detail"),
    path("problems/<int:pk>/edit/", problems.ProblemEditView.as_view(), name="problem_edit"),
    path(
        "problems/<int:pk>/do/<slug:name>/",
        problems.ProblemTransitionView.as_view(),
        name="problem_transition",
    ),
    path(
        "problems/<int:pk>/resolve/", problems.ProblemResolveView.as_view(), name="problem_resolve"
    ),
    path(
        "problems/<int:pk>/incidents/",
        problems.ProblemLinkIncidentsView.as_view(),
        name="problem_link",
    ),
    path(
        "problems/<int:pk>/incidents/<int:incident_pk>/unlink/",
        problems.ProblemUnlinkIncidentView.as_view(),
        name="problem_unlink",
    ),
    path("knowledge/", articles.KnowledgeSearchView.as_view(), name="search"),
    path("knowledge/suggest/", articles.SuggestionsView.as_view(), name="suggest"),
    path("knowledge/articles/", articles.ArticleListView.as_view(), name="article_list"),
    path("knowledge/articles/new/", articles.ArticleEditView.as_view(), name="article_create"),
    path(
        "knowledge/articles/<int:pk>/", articles.ArticleDetailView.as_view(), name="article_detail"
    ),
    path(
        "knowledge/articles/<int:pk>/edit/", articles.ArticleEditView.as_view(), name="article_edit"
    ),
    path(
        "knowledge/articles/<int:pk>/do/<slug:name>/",
        articles.ArticleTransitionView.as_view(),
        name="article_transition",
    ),
    path("knowledge/articles/<int:pk>/solved/", articles.SolvedView.as_view(), name="solved"),
    path(
        "knowledge/calls/<int:pk>/articles/",
        incidents.IncidentArticleSearchView.as_view(),
        name="incident_article_search",
    ),
    path(
        "knowledge/calls/<int:pk>/articles/<int:article_pk>/link/",
        incidents.IncidentArticleLinkView.as_view(),
        name="incident_article_link",
    ),
]
