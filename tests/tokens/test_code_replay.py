"""A redeemed code presented again is refused and revokes what it bought (RFC 6749 §4.1.2, ASVS 10.4.2)."""

import pytest

from clients.models import GrantType
from tests.factories import ApplicationFactory
from tests.flows import exchange_code, obtain_code, pkce_pair
from tests.tokens.probes import access_token_stored, access_token_works, refresh, refresh_token_live
from tokens.checksums import sha256_hex
from tokens.models import TokenFamily

pytestmark = pytest.mark.django_db


def redeem(browser, http, app, **kwargs) -> tuple[str, str, dict]:
    """Obtain a code and redeem it once; return (code, verifier, token response body)."""
    code, verifier = obtain_code(browser, app, **kwargs)
    response = exchange_code(http, app, code, verifier)
    assert response.status_code == 200, response.content
    return code, verifier, response.json()


def test_replayed_code_is_invalid_grant_and_revokes_the_tokens_it_bought(browser, client, web_app):
    code, verifier, tokens = redeem(browser, client, web_app)

    replay = exchange_code(client, web_app, code, verifier)

    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"
    assert replay["Cache-Control"] == "no-store"
    assert not access_token_works(client, tokens["access_token"])
    assert not access_token_stored(tokens["access_token"])
    assert not refresh_token_live(tokens["refresh_token"])
    assert refresh(client, web_app, tokens["refresh_token"]).json()["error"] == "invalid_grant"


def test_replay_also_revokes_tokens_refreshed_from_that_code(browser, client, web_app):
    code, verifier, first = redeem(browser, client, web_app)
    second = refresh(client, web_app, first["refresh_token"]).json()
    assert access_token_works(client, second["access_token"])

    exchange_code(client, web_app, code, verifier)

    assert not access_token_works(client, second["access_token"])
    assert refresh(client, web_app, second["refresh_token"]).json()["error"] == "invalid_grant"


def test_replay_revokes_the_lone_access_token_of_a_client_without_refresh_grant(browser, client):
    app = ApplicationFactory(grant_types=[GrantType.AUTHORIZATION_CODE])
    code, verifier, tokens = redeem(browser, client, app)
    assert "refresh_token" not in tokens

    exchange_code(client, app, code, verifier)

    assert not access_token_works(client, tokens["access_token"])


def test_replay_by_a_public_client_with_the_right_verifier_revokes(browser, client, public_app):
    code, verifier = obtain_code(browser, public_app)
    tokens = exchange_code(client, public_app, code, verifier, secret=None).json()

    replay = exchange_code(client, public_app, code, verifier, secret=None)

    assert replay.json()["error"] == "invalid_grant"
    assert not access_token_works(client, tokens["access_token"])


def test_replay_with_a_wrong_verifier_is_refused_and_revokes_nothing(browser, client, web_app):
    code, _, tokens = redeem(browser, client, web_app)
    wrong_verifier, _ = pkce_pair()

    replay = exchange_code(client, web_app, code, wrong_verifier)

    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"
    assert access_token_works(client, tokens["access_token"])
    assert refresh_token_live(tokens["refresh_token"])


def test_replay_without_a_verifier_revokes_nothing(browser, client, public_app):
    code, verifier = obtain_code(browser, public_app)
    tokens = exchange_code(client, public_app, code, verifier, secret=None).json()

    replay = exchange_code(client, public_app, code, "", secret=None)

    assert replay.status_code == 400
    assert access_token_works(client, tokens["access_token"])


def test_replay_with_a_wrong_client_secret_is_invalid_client_and_revokes_nothing(browser, client, web_app):
    code, verifier, tokens = redeem(browser, client, web_app)

    replay = exchange_code(client, web_app, code, verifier, secret="not-the-secret")

    assert replay.status_code == 401
    assert replay.json()["error"] == "invalid_client"
    assert access_token_works(client, tokens["access_token"])
    assert refresh_token_live(tokens["refresh_token"])


def test_replay_by_another_client_revokes_nothing(browser, client, web_app):
    code, verifier, tokens = redeem(browser, client, web_app)
    other = ApplicationFactory(redirect_uris=web_app.redirect_uris)

    replay = exchange_code(client, other, code, verifier)

    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"
    assert access_token_works(client, tokens["access_token"])


def test_only_a_checksum_of_the_code_is_kept(browser, client, web_app):
    code, _, _ = redeem(browser, client, web_app)

    family = TokenFamily.objects.get(application=web_app)

    assert family.code_checksum == sha256_hex(code)
    assert code not in {
        str(value)
        for value in TokenFamily.objects.values_list(
            *[field.attname for field in TokenFamily._meta.concrete_fields]
        ).get()
    }
