"""The account page and its sessions, sign-in, sign-out, password and e-mail pages, and the authorized apps."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import password_reset
from accounts.registration import RegistrationView
from accounts.sign_in import SignInView
from accounts.views import (
    AccountView,
    AuthorizedAppRevokeView,
    AuthorizedAppsView,
    EmailAddressView,
    EmailVerificationSendView,
    EmailVerificationSentView,
    EmailVerifiedView,
    EmailVerifyView,
    SessionEndView,
    SignOutEverywhereView,
)

urlpatterns = [
    path("register/", RegistrationView.as_view(), name="register"),
    path("", AccountView.as_view(), name="account"),
    path("sessions/<int:pk>/end/", SessionEndView.as_view(), name="session-end"),
    path("sessions/end-all/", SignOutEverywhereView.as_view(), name="sign-out-everywhere"),
    path("login/", SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password_change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    # Django's names and paths, so its views and templates find each other.
    path("password_reset/", password_reset.PasswordResetRequestView.as_view(), name="password_reset"),
    path("password_reset/done/", password_reset.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("reset/<uidb64>/<token>/", password_reset.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("email/", EmailAddressView.as_view(), name="email-address"),
    path("email/verify/", EmailVerificationSendView.as_view(), name="email-verification-send"),
    path("email/verify/sent/", EmailVerificationSentView.as_view(), name="email-verification-sent"),
    path("email/verify/done/", EmailVerifiedView.as_view(), name="email-verified"),
    path("email/verify/<str:token>/", EmailVerifyView.as_view(), name="email-verify"),
    path("apps/", AuthorizedAppsView.as_view(), name="authorized-apps"),
    path("", include("accounts.mfa.urls")),
    path("apps/<int:pk>/revoke/", AuthorizedAppRevokeView.as_view(), name="authorized-app-revoke"),
]
