"""URLs of the asset register."""

from django.urls import path

from assets import views
from assets.importers import views as imports

app_name = "assets"

urlpatterns = [
    path("", views.AssetsHomeView.as_view(), name="home"),
    path("hardware/", views.AssetListView.as_view(), name="asset_list"),
    path("hardware/new/", views.AssetEditView.as_view(), name="asset_create"),
    path("hardware/import/", imports.AssetImportView.as_view(), name="import"),
    path("software/import/", imports.InstallationImportView.as_view(), name="software_import"),
    path("licences/import/", imports.LicenceImportView.as_view(), name="licence_import"),
    path("contracts/import/", imports.ContractImportView.as_view(), name="contract_import"),
    path("hardware/<int:pk>/", views.AssetDetailView.as_view(), name="asset_detail"),
    path(
        "hardware/<int:pk>/incidents/",
        views.AssetIncidentsView.as_view(),
        name="asset_incidents",
    ),
    path("hardware/<int:pk>/edit/", views.AssetEditView.as_view(), name="asset_edit"),
    path(
        "hardware/<int:pk>/move/<str:name>/",
        views.AssetTransitionView.as_view(),
        name="asset_transition",
    ),
    path("licences/", views.LicenceListView.as_view(), name="licence_list"),
    path("licences/new/", views.LicenceEditView.as_view(), name="licence_create"),
    path("licences/<int:pk>/edit/", views.LicenceEditView.as_view(), name="licence_edit"),
    path("software/<int:pk>/edit/", views.SoftwareProductEditView.as_view(), name="product_edit"),
    path("licences/compliance/", views.ComplianceView.as_view(), name="compliance"),
    path("contracts/", views.ContractListView.as_view(), name="contract_list"),
    path("contracts/new/", views.ContractEditView.as_view(), name="contract_create"),
    path("contracts/<int:pk>/", views.ContractDetailView.as_view(), name="contract_detail"),
    path("contracts/<int:pk>/edit/", views.ContractEditView.as_view(), name="contract_edit"),
    path("alerts/", views.AlertsView.as_view(), name="alerts"),
    path("discovery/ranges/", views.DiscoveryRangeListView.as_view(), name="range_list"),
    path("discovery/ranges/new/", views.DiscoveryRangeEditView.as_view(), name="range_create"),
    path(
        "discovery/ranges/<int:pk>/", views.DiscoveryRangeDetailView.as_view(), name="range_detail"
    ),
    path(
        "discovery/ranges/<int:pk>/edit/", views.DiscoveryRangeEditView.as_view(), name="range_edit"
    ),
    path("discovery/ranges/<int:pk>/run/", views.StartDiscoveryView.as_view(), name="range_run"),
    path("discovery/credentials/", views.SnmpCredentialListView.as_view(), name="credential_list"),
    path(
        "discovery/credentials/<int:pk>/edit/",
        views.SnmpCredentialEditView.as_view(),
        name="credential_edit",
    ),
    path(
        "discovery/credentials/new/",
        views.SnmpCredentialEditView.as_view(),
        name="credential_create",
    ),
    path("discovery/runs/", views.DiscoveryRunListView.as_view(), name="run_list"),
    path("discovery/runs/<int:pk>/", views.DiscoveryRunDetailView.as_view(), name="run_detail"),
    path("discovery/staging/", views.StagingListView.as_view(), name="staging_list"),
    path(
        "discovery/staging/<int:pk>/decide/",
        views.StagingDecisionView.as_view(),
        name="staging_decide",
    ),
]
