"""URLs of change management."""

from django.urls import path

from changes.views import cab, calendar
from changes.views import changes as rfc

app_name = "changes"

urlpatterns = [
    path("", rfc.ChangesHomeView.as_view(), name="home"),
    path("requests/", rfc.ChangeListView.as_view(), name="change_list"),
    path("requests/new/", rfc.ChangeEditView.as_view(), name="change_create"),
    path("requests/<int:pk>/", rfc.ChangeDetailView.as_view(), name="change_detail"),
    path("requests/<int:pk>/edit/", rfc.ChangeEditView.as_view(), name="change_edit"),
    path("requests/<int:pk>/assess/", rfc.ChangeAssessView.as_view(), name="change_assess"),
    path("requests/<int:pk>/schedule/", rfc.ChangeScheduleView.as_view(), name="change_schedule"),
    path("requests/<int:pk>/review/", rfc.ChangeReviewView.as_view(), name="change_review"),
    path(
        "requests/<int:pk>/do/<slug:name>/",
        rfc.ChangeTransitionView.as_view(),
        name="change_transition",
    ),
    path("calendar/", calendar.ChangeCalendarView.as_view(), name="calendar"),
    path("calendar/feed/", calendar.FeedSettingsView.as_view(), name="feed_settings"),
    path("calendar/feed/<str:token>.ics", calendar.CalendarFeedView.as_view(), name="feed"),
    path("cab/", cab.CabMeetingListView.as_view(), name="meeting_list"),
    path("cab/plan/", cab.CabMeetingPlanView.as_view(), name="meeting_plan"),
    path("cab/<int:pk>/", cab.CabMeetingDetailView.as_view(), name="meeting_detail"),
    path("cab/<int:pk>/agenda/", cab.CabAgendaEditView.as_view(), name="meeting_agenda"),
    path(
        "cab/<int:pk>/do/<slug:name>/",
        cab.CabMeetingTransitionView.as_view(),
        name="meeting_transition",
    ),
    path("cab/<int:pk>/attendance/", cab.CabAttendanceView.as_view(), name="meeting_attendance"),
    path("cab/<int:pk>/board/", cab.CabBoardView.as_view(), name="meeting_board"),
    path("cab/<int:pk>/minutes/", cab.CabMinutesView.as_view(), name="meeting_minutes"),
    path("cab/items/<int:pk>/<slug:op>/", cab.AgendaItemActionView.as_view(), name="item_action"),
]
