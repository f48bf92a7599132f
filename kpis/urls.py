"""URLs of KPI reporting."""

from django.urls import path

from kpis.views import manage, reports, surveys, wallboard

app_name = "kpis"

urlpatterns = [
    path("", reports.DashboardView.as_view(), name="home"),
    path("definitions/", reports.DefinitionsView.as_view(), name="definitions"),
    path("kpi/<slug:key>/", reports.KpiDetailView.as_view(), name="kpi_detail"),
    path("calls/", reports.DrilldownView.as_view(), name="drilldown"),
    path("reports/weekly/", reports.WeeklyReportView.as_view(), name="weekly_report"),
    path("reports/monthly/", reports.MonthlyPackView.as_view(), name="monthly_pack"),
    path("wallboard/", wallboard.WallboardView.as_view(), name="wallboard"),
    path("targets/", manage.KpiTargetListView.as_view(), name="target_list"),
    path("targets/new/", manage.KpiTargetEditView.as_view(), name="target_create"),
    path("targets/<int:pk>/edit/", manage.KpiTargetEditView.as_view(), name="target_edit"),
    path("measures/", manage.ManualMeasureListView.as_view(), name="measure_list"),
    path("measures/new/", manage.ManualMeasureEditView.as_view(), name="measure_create"),
    path("measures/<int:pk>/edit/", manage.ManualMeasureEditView.as_view(), name="measure_edit"),
    path("measures/import/", manage.ManualMeasureImportView.as_view(), name="measure_import"),
    path("survey/<str:token>/", surveys.SurveyAnswerView.as_view(), name="survey_answer"),
    path("subscription/", surveys.SubscriptionView.as_view(), name="subscription"),
]
