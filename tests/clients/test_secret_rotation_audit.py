"""Secret rotation and retirement are audited by the services that perform them, whoever calls them."""

from datetime import timedelta

import pytest

from audit.models import AuditEvent
from clients.secret_rotation import client_secret_retire, client_secret_rotate

pytestmark = pytest.mark.django_db


def test_a_rotation_outside_the_admin_is_audited_with_who_and_how_long_the_old_secret_lives(web_app, admin_user):
    plain, _rotation = client_secret_rotate(application=web_app, rotated_by=admin_user, overlap=timedelta(days=2))

    event = AuditEvent.objects.get(event=AuditEvent.Event.CLIENT_SECRET_RESET)
    assert (event.user, event.application) == (admin_user, web_app)
    assert event.details == {"action": "rotated", "overlap_seconds": 2 * 24 * 3600}
    assert plain not in str(event.details)


def test_retiring_a_replaced_secret_is_audited_once(web_app, admin_user):
    _plain, rotation = client_secret_rotate(application=web_app, rotated_by=admin_user)

    assert client_secret_retire(rotation=rotation, retired_by=admin_user)
    assert not client_secret_retire(rotation=rotation, retired_by=admin_user)

    actions = list(
        AuditEvent.objects.filter(event=AuditEvent.Event.CLIENT_SECRET_RESET).values_list("details__action", flat=True)
    )
    assert sorted(actions) == ["previous secret retired", "rotated"]
