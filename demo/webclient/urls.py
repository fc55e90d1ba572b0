"""The web client's routes: its redirect URI is /callback and its post-logout URI is /."""

from django.urls import path

from demo.webclient import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login", views.login, name="login"),
    path("callback", views.callback, name="callback"),
    path("api", views.call_api, name="call_api"),
    path("refresh", views.refresh, name="refresh"),
    path("revoke", views.revoke, name="revoke"),
    path("logout", views.logout, name="logout"),
]
