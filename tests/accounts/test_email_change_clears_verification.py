"""A changed address must be verified again, whoever changed it: User.save() clears email_verified.

QuerySet.update() bypasses save() and so keeps the flag: the last test pins that down, so anyone who adds
a bulk address change sees they must clear the flag themselves.
"""

import pytest
from django.test import Client

from accounts.models import User
from tests.admin_forms import user_change_form
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def stored(user: User) -> User:
    return User.objects.get(pk=user.pk)


def test_changing_the_address_in_code_clears_the_flag(user):
    user.email = "alice@elsewhere.test"
    user.save()

    assert user.email_verified is False
    assert stored(user).email_verified is False


def test_a_save_naming_the_address_clears_the_flag_too(user):
    user.email = "alice@elsewhere.test"
    user.save(update_fields=["email"])

    assert stored(user).email_verified is False


def test_a_user_loaded_without_knowing_the_old_address_still_clears_the_flag(user):
    """The stored row is read at save time, so a user built by hand or loaded with only() counts as well."""
    partial = User.objects.only("pk", "email_verified").get(pk=user.pk)
    partial.email = "alice@elsewhere.test"
    partial.save()

    assert stored(user).email_verified is False


def test_saving_the_same_address_keeps_the_flag(user):
    user.first_name = "Alicia"
    user.save()

    assert stored(user).email_verified is True


def test_a_save_of_other_fields_keeps_the_flag_without_reading_the_row(user, django_assert_num_queries):
    user.email = "not-saved@elsewhere.test"  # changed in memory, but this save does not write it

    with django_assert_num_queries(1):
        user.save(update_fields=["last_login"])

    assert stored(user).email_verified is True
    assert stored(user).email == "alice@example.test"


def test_a_new_user_keeps_the_flag_it_was_created_with():
    assert UserFactory(username="carol", email_verified=True).email_verified is True


def test_changing_the_address_in_the_admin_clears_the_flag(user):
    admin = Client()
    admin.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    # The change form as an admin sends it with only the address edited: "email verified" stays ticked.
    url, form = user_change_form(admin, user, email="alice@elsewhere.test", email_verified="on")

    response = admin.post(url, form)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert stored(user).email == "alice@elsewhere.test"
    assert stored(user).email_verified is False


def test_the_admin_can_still_mark_an_unchanged_address_verified(user):
    User.objects.filter(pk=user.pk).update(email_verified=False)
    user.refresh_from_db()
    user.email_verified = True
    user.save()

    assert stored(user).email_verified is True


def test_a_queryset_update_bypasses_save_and_keeps_the_flag(user):
    User.objects.filter(pk=user.pk).update(email="alice@elsewhere.test")

    assert stored(user).email_verified is True
