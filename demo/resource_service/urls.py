"""The example service's routes."""

from django.urls import path

from demo.resource_service import views

urlpatterns = [
    path("reports/", views.ReportView.as_view(), name="reports"),
    path("notes-summary/", views.NotesSummaryView.as_view(), name="notes-summary"),
]
