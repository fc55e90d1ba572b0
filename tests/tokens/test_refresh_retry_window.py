"""A client an admin gave a retry window may use its rotated refresh token once more while the new pair is unused.

The case it exists for: the refresh response never reached the client (a dropped connection, an app node
that died after its commit), so the client retries with the only token it has. Without the window
(the default) that retry is a replay and the chain is revoked (RFC 9700 §4.14.2).
"""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from oauth2_provider.models import get_refresh_token_model

from tests.factories import ApplicationFactory
from tests.flows import tokens_for
from tests.tokens.probes import access_token_works, refresh, refresh_token_live
from tokens.checksums import sha256_hex

pytestmark = pytest.mark.django_db


@pytest.fixture
def retrying_app(db):
    return ApplicationFactory(refresh_token_retry_seconds=30)


def lost_response(browser, client, app) -> dict:
    """A chain whose first refresh succeeded on the server while its response was lost: the old pair, and the new."""
    first = tokens_for(browser, client, app)
    second = refresh(client, app, first["refresh_token"])
    assert second.status_code == 200, second.content
    return {"old": first, "lost": second.json()}


def test_a_retry_within_the_window_gets_a_new_pair_and_the_lost_pair_is_revoked(browser, client, retrying_app):
    tokens = lost_response(browser, client, retrying_app)

    retried = refresh(client, retrying_app, tokens["old"]["refresh_token"])

    assert retried.status_code == 200, retried.content
    new = retried.json()
    assert access_token_works(client, new["access_token"])
    assert refresh_token_live(new["refresh_token"])
    assert not access_token_works(client, tokens["lost"]["access_token"])
    assert not refresh_token_live(tokens["lost"]["refresh_token"])
    # The chain goes on from the new pair.
    assert refresh(client, retrying_app, new["refresh_token"]).status_code == 200


def test_the_lost_pair_used_after_the_retry_is_a_replay_that_ends_the_chain(browser, client, retrying_app):
    """What catches a thief who retried with a stolen token: the client's own next refresh."""
    tokens = lost_response(browser, client, retrying_app)
    new = refresh(client, retrying_app, tokens["old"]["refresh_token"]).json()

    replay = refresh(client, retrying_app, tokens["lost"]["refresh_token"])

    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"
    assert not refresh_token_live(new["refresh_token"])
    assert not access_token_works(client, new["access_token"])


def test_a_retry_after_the_new_pair_was_used_is_a_replay_that_ends_the_chain(browser, client, retrying_app):
    tokens = lost_response(browser, client, retrying_app)
    third = refresh(client, retrying_app, tokens["lost"]["refresh_token"]).json()  # the new pair was used

    replay = refresh(client, retrying_app, tokens["old"]["refresh_token"])

    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"
    assert not refresh_token_live(third["refresh_token"])


def test_a_retry_after_the_window_is_a_replay_that_ends_the_chain(browser, client, retrying_app):
    tokens = lost_response(browser, client, retrying_app)
    rotated_at = timezone.now() - timedelta(seconds=31)
    get_refresh_token_model().objects.filter(token_checksum=sha256_hex(tokens["old"]["refresh_token"])).update(
        revoked=rotated_at
    )

    replay = refresh(client, retrying_app, tokens["old"]["refresh_token"])

    assert replay.status_code == 400
    assert not refresh_token_live(tokens["lost"]["refresh_token"])


def test_without_a_window_a_retry_is_a_replay_that_ends_the_chain(browser, client, web_app):
    assert web_app.refresh_token_retry_seconds == 0  # the default
    tokens = lost_response(browser, client, web_app)

    replay = refresh(client, web_app, tokens["old"]["refresh_token"])

    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"
    assert not refresh_token_live(tokens["lost"]["refresh_token"])


def test_a_retry_by_another_client_is_refused_and_revives_nothing(browser, client, retrying_app):
    tokens = lost_response(browser, client, retrying_app)
    other = ApplicationFactory(refresh_token_retry_seconds=30)

    response = refresh(client, other, tokens["old"]["refresh_token"])

    assert response.status_code == 400
    assert not refresh_token_live(tokens["old"]["refresh_token"])


def test_the_window_is_at_most_a_minute(db):
    app = ApplicationFactory.build(refresh_token_retry_seconds=61)

    with pytest.raises(ValidationError) as refused:
        app.full_clean(exclude=["user"])

    assert "refresh_token_retry_seconds" in refused.value.message_dict
