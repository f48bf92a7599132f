"""URLs of change management."""

from django.urls import path

from changes.views import cab, calendar, setup
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
    path("calendar/windows/", setup.MaintenanceWindowListView.as_view(), name="window_list"),
    path("calendar/windows/new/", setup.MaintenanceWindowEditView.as_view(), name="window_create"),
    path(
        "calendar/windows/<int:pk>/edit/",
        setup.MaintenanceWindowEditView.as_view(),
        name="window_edit",
    ),
    path("calendar/blackouts/", setup.BlackoutPeriodListView.as_view(), name="blackout_list"),
    path("calendar/blackouts/new/", setup.BlackoutPeriodEditView.as_view(), name="blackout_create"),
    path(
        "calendar/blackouts/<int:pk>/edit/",
        setup.BlackoutPeriodEditView.as_view(),
        name="blackout_edit",
    ),
    path("templates/", setup.ChangeTemplateListView.as_view(), name="template_list"),
    path("templates/new/", setup.ChangeTemplateEditView.as_view(), name="template_create"),
    path("templates/<int:pk>/edit/", setup.ChangeTemplateEditView.as_view(), name="template_edit"),
    path("cab/boards/", setup.CabBoardListView.as_view(), name="board_list"),
    path("cab/boards/new/", setup.CabBoardEditView.as_view(), name="board_create"),
    path("cab/boards/<int:pk>/edit/", setup.CabBoardEditView.as_view(), name="board_edit"),
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
