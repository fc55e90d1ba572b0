"""The web client's routes: redirect URI /callback, post-logout URI /, back-channel logout URI /backchannel-logout."""

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
    path("backchannel-logout", views.backchannel_logout, name="backchannel_logout"),
]
