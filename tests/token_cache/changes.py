"""Changes made behind the app's back (bulk updates and deletes, which send no model signal) to a token's rows."""

from datetime import timedelta

import pytest
from django.utils import timezone
from oauth2_provider.models import get_access_token_model

from accounts.models import User
from clients.models import Application

# Each takes the cached access token and changes one row it depends on the way raw SQL or a bulk
# update would: only the database triggers (token_cache.triggers) can tell the other processes.
BULK_CHANGES = [
    pytest.param(lambda token: User.objects.filter(pk=token.user_id).update(is_active=False), id="user"),
    pytest.param(
        lambda token: Application.objects.filter(pk=token.application_id).update(is_active=False), id="client"
    ),
    pytest.param(
        lambda token: (
            get_access_token_model().objects.filter(pk=token.pk).update(expires=timezone.now() - timedelta(seconds=1))
        ),
        id="expiry",
    ),
    pytest.param(lambda token: get_access_token_model().objects.filter(pk=token.pk).delete(), id="deletion"),
]
