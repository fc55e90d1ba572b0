"""The second-factor pages, under /accounts/."""

from django.urls import path

from accounts.mfa import views

urlpatterns = [
    path("login/verify/", views.SecondFactorView.as_view(), name="mfa-verify"),
    path("mfa/", views.MfaSettingsView.as_view(), name="mfa-settings"),
    path("mfa/totp/", views.TotpSetupView.as_view(), name="mfa-totp-setup"),
    path("mfa/totp/remove/", views.TotpRemoveView.as_view(), name="mfa-totp-remove"),
    path("mfa/recovery-codes/", views.RecoveryCodesView.as_view(), name="mfa-recovery-codes"),
]
