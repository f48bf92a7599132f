"""URLs of core: profile, notifications and the settings pages."""

from django.urls import path

from core.views import pages

app_name = "core"

urlpatterns = [
    path("me/", pages.ProfileView.as_view(), name="profile"),
    path("notifications/", pages.NotificationListView.as_view(), name="notifications"),
    path("settings/organisations/", pages.OrganisationListView.as_view(), name="organisation_list"),
    path(
        "settings/organisations/new/",
        pages.OrganisationEditView.as_view(),
        name="organisation_create",
    ),
    path(
        "settings/organisations/<int:pk>/",
        pages.OrganisationDetailView.as_view(),
        name="organisation_detail",
    ),
    path(
        "settings/organisations/<int:pk>/edit/",
        pages.OrganisationEditView.as_view(),
        name="organisation_edit",
    ),
    path("settings/teams/", pages.TeamListView.as_view(), name="team_list"),
    path("settings/teams/new/", pages.TeamEditView.as_view(), name="team_create"),
    path("settings/teams/<int:pk>/", pages.TeamDetailView.as_view(), name="team_detail"),
    path("settings/teams/<int:pk>/edit/", pages.TeamEditView.as_view(), name="team_edit"),
    path(
        "settings/teams/<int:pk>/members/", pages.TeamMembershipView.as_view(), name="team_members"
    ),
    path("settings/people/", pages.PersonListView.as_view(), name="person_list"),
    path("settings/people/new/", pages.PersonEditView.as_view(), name="person_create"),
    path("settings/people/<int:pk>/", pages.PersonDetailView.as_view(), name="person_detail"),
    path("settings/people/<int:pk>/edit/", pages.PersonEditView.as_view(), name="person_edit"),
    path("settings/calendars/", pages.CalendarListView.as_view(), name="calendar_list"),
    path("settings/audit/", pages.AuditListView.as_view(), name="audit_list"),
]
