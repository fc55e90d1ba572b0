"""An admin can require a second factor per user, per group and per client; sign-in and authorization follow."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from accounts.mfa.models import GroupMfaRequirement
from tests.factories import ApplicationFactory, TotpDeviceFactory
from tests.flows import authorize_params, pkce_pair
from tests.mfa import second_factor, sign_in_with_password, totp_code

pytestmark = pytest.mark.django_db


def authorize(browser, app):
    _, challenge = pkce_pair()
    return browser.get(reverse("oauth2_provider:authorize"), authorize_params(app, challenge=challenge))


def test_a_client_that_requires_mfa_sends_a_password_session_to_the_code_page(browser, user):
    TotpDeviceFactory(user=user)
    app = ApplicationFactory(require_mfa=True)

    assert authorize(browser, app)["Location"].startswith(reverse("mfa-verify"))


def test_a_client_that_requires_mfa_accepts_a_session_that_used_one(user):
    device = TotpDeviceFactory(user=user)
    app = ApplicationFactory(require_mfa=True)
    browser = Client()
    sign_in_with_password(browser, "alice")
    second_factor(browser, totp_code(device))

    assert authorize(browser, app).status_code == 200


def test_other_clients_accept_a_password_session(browser, user, web_app):
    TotpDeviceFactory(user=user)

    assert authorize(browser, web_app).status_code == 200


def test_a_user_required_to_use_mfa_without_one_is_sent_to_enrol_at_sign_in(client, user):
    user.mfa_required = True
    user.save()

    response = sign_in_with_password(client, "alice", next_url="/accounts/apps/")

    assert response["Location"].startswith(reverse("mfa-settings"))


def test_a_user_required_to_use_mfa_cannot_get_a_code_with_a_password_session(browser, user, web_app):
    user.mfa_required = True
    user.save()

    assert authorize(browser, web_app)["Location"].startswith(reverse("mfa-settings"))


def test_membership_of_a_group_that_requires_mfa_requires_it(browser, user, web_app):
    group = Group.objects.create(name="admins")
    GroupMfaRequirement.objects.create(group=group)
    user.groups.add(group)
    TotpDeviceFactory(user=user)

    assert authorize(browser, web_app)["Location"].startswith(reverse("mfa-verify"))


def test_the_consent_post_is_refused_too_when_the_session_lacks_the_factor(browser, user):
    TotpDeviceFactory(user=user)
    app = ApplicationFactory(require_mfa=False)
    _, challenge = pkce_pair()
    page = browser.get(reverse("oauth2_provider:authorize"), authorize_params(app, challenge=challenge))
    form = {name: value for name, value in page.context["form"].initial.items() if value is not None}
    app.require_mfa = True
    app.save()

    response = browser.post(reverse("oauth2_provider:authorize"), {**form, "allow": "Authorize"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa-verify"))
