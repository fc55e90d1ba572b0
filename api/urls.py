"""API routes, namespaced ``api:``; the paths are public and pinned by tests/api/test_urls.py."""

from django.urls import path, re_path

from api import docs, views

app_name = "api"

urlpatterns = [
    path("me/", views.MeView.as_view(), name="me"),
    path("notes/", views.NoteListView.as_view(), name="note-list"),
    path("notes/<uuid:pk>/", views.NoteDetailView.as_view(), name="note-detail"),
    path("notes/<uuid:pk>/archive/", views.NoteArchiveView.as_view(), name="note-archive"),
    path("notes/<uuid:pk>/unarchive/", views.NoteUnarchiveView.as_view(), name="note-unarchive"),
    path("notes/<uuid:pk>/share/", views.NoteShareView.as_view(), name="note-share"),
    path("shared-notes/<str:share_key>/", views.SharedNoteView.as_view(), name="shared-note"),
    path("authorizations/", views.AuthorizationListView.as_view(), name="authorization-list"),
    path("authorizations/<str:client_id>/", views.AuthorizationDetailView.as_view(), name="authorization-detail"),
    path("users/", views.UserListView.as_view(), name="user-list"),
    path("users/<int:pk>/", views.UserDetailView.as_view(), name="user-detail"),
    path("schema/", docs.SchemaView.as_view(), name="schema"),
    path("docs/", docs.SwaggerUIView.as_view(), name="docs"),
    path("docs/oauth2-redirect.html", docs.SwaggerOAuth2RedirectView.as_view(), name="docs-oauth2-redirect"),
    # Last: any other path ending in "/" is a JSON 404 (without the slash, APPEND_SLASH still redirects).
    re_path(r"^.+/$", views.NotFoundView.as_view(), name="not-found"),
]
