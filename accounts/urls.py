"""Sign-in, sign-out and password pages, and the user's authorized apps."""

from django.contrib.auth import views as auth_views
from django.urls import path

from accounts.sign_in import SignInView
from accounts.views import AuthorizedAppRevokeView, AuthorizedAppsView

urlpatterns = [
    path("login/", SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password_change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("apps/", AuthorizedAppsView.as_view(), name="authorized-apps"),
    path("apps/<int:pk>/revoke/", AuthorizedAppRevokeView.as_view(), name="authorized-app-revoke"),
]
