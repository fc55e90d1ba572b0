"""The second-factor pages, under /accounts/."""

from django.urls import path

from accounts.mfa import views

urlpatterns = [
    path("login/verify/", views.SecondFactorView.as_view(), name="mfa-verify"),
    path("login/verify/passkey-options/", views.SecondFactorPasskeyOptionsView.as_view(), name="passkey-auth-options"),
    path("login/passkey/", views.PasskeySignInView.as_view(), name="passkey-sign-in"),
    path("login/passkey/options/", views.PasskeySignInOptionsView.as_view(), name="passkey-sign-in-options"),
    path("mfa/", views.MfaSettingsView.as_view(), name="mfa-settings"),
    path("mfa/totp/", views.TotpSetupView.as_view(), name="mfa-totp-setup"),
    path("mfa/totp/remove/", views.TotpRemoveView.as_view(), name="mfa-totp-remove"),
    path("mfa/recovery-codes/", views.RecoveryCodesView.as_view(), name="mfa-recovery-codes"),
    path("mfa/passkeys/", views.PasskeyRegisterView.as_view(), name="passkey-register"),
    path("mfa/passkeys/options/", views.PasskeyRegistrationOptionsView.as_view(), name="passkey-register-options"),
    path("mfa/passkeys/<int:pk>/remove/", views.PasskeyRemoveView.as_view(), name="passkey-remove"),
]
