"""OIDC discovery and RFC 8414 metadata: both present, in agreement, and true to what is enforced."""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from tests.flows import consent, pkce_pair, redirect_query

pytestmark = pytest.mark.django_db


@pytest.fixture
def oidc(client) -> dict:
    response = client.get("/.well-known/openid-configuration")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    return response.json()


@pytest.fixture
def as_metadata(client) -> dict:
    response = client.get("/.well-known/oauth-authorization-server")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    return response.json()


@pytest.fixture(params=["oidc", "as_metadata"])
def document(request) -> dict:
    """Each discovery document in turn, for what both must say."""
    return request.getfixturevalue(request.param)


def test_the_issuer_is_the_origin_in_both_documents(oidc, as_metadata):
    assert oidc["issuer"] == as_metadata["issuer"] == "http://testserver"


def test_the_issuer_is_the_iss_of_authorization_responses(browser, web_app, oidc):
    _, challenge = pkce_pair()

    response = consent(browser, web_app, challenge=challenge)

    assert redirect_query(response)["iss"] == oidc["issuer"]
    assert oidc["authorization_response_iss_parameter_supported"] is True


def test_error_responses_carry_the_issuer_too(browser, web_app, oidc):
    _, challenge = pkce_pair()

    denied = consent(browser, web_app, challenge=challenge, allow=False)
    bad_scope = browser.get(
        reverse("oauth2_provider:authorize"),
        {
            "response_type": "code",
            "client_id": web_app.client_id,
            "redirect_uri": web_app.redirect_uris,
            "scope": "openid no-such-scope",
            "state": "s",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        },
    )

    assert redirect_query(denied) == {"error": "access_denied", "state": "state-123", "iss": oidc["issuer"]}
    assert redirect_query(bad_scope)["error"] == "invalid_scope"
    assert redirect_query(bad_scope)["iss"] == oidc["issuer"]


def test_a_configured_issuer_is_used_everywhere(client, browser, web_app, settings):
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "OIDC_ISS_ENDPOINT": "https://idp.example.test"}
    _, challenge = pkce_pair()

    oidc = client.get("/.well-known/openid-configuration").json()
    as_metadata = client.get("/.well-known/oauth-authorization-server").json()
    iss = redirect_query(consent(browser, web_app, challenge=challenge))["iss"]

    assert oidc["issuer"] == as_metadata["issuer"] == iss == "https://idp.example.test"
    assert oidc["token_endpoint"] == "https://idp.example.test/o/token/"


def test_only_the_code_response_type_is_offered(document):
    assert document["response_types_supported"] == ["code"]
    assert document["response_modes_supported"] == ["query"]


def test_only_s256_pkce_is_offered(document):
    assert document["code_challenge_methods_supported"] == ["S256"]


def test_grant_types_are_the_enforced_ones(document):
    assert set(document["grant_types_supported"]) == {
        "authorization_code",
        "client_credentials",
        "refresh_token",
        "urn:ietf:params:oauth:grant-type:device_code",
    }
    assert "implicit" not in document["grant_types_supported"]
    assert "password" not in document["grant_types_supported"]


def test_client_authentication_methods(document):
    # private_key_jwt and client_secret_jwt (provider.client_assertions) at the token and revocation endpoints.
    assert document["token_endpoint_auth_methods_supported"] == [
        "client_secret_basic",
        "client_secret_post",
        "none",
        "private_key_jwt",
        "client_secret_jwt",
    ]
    assert document["revocation_endpoint_auth_methods_supported"] == [
        "client_secret_basic",
        "client_secret_post",
        "none",
        "private_key_jwt",
        "client_secret_jwt",
    ]
    # Only resource servers with a secret may introspect.
    assert document["introspection_endpoint_auth_methods_supported"] == [
        "client_secret_basic",
        "client_secret_post",
        "private_key_jwt",
        "client_secret_jwt",
    ]


@pytest.mark.parametrize(
    ("key", "url_name"),
    [
        ("authorization_endpoint", "oauth2_provider:authorize"),
        ("token_endpoint", "oauth2_provider:token"),
        ("revocation_endpoint", "oauth2_provider:revoke-token"),
        ("introspection_endpoint", "oauth2_provider:introspect"),
        ("device_authorization_endpoint", "oauth2_provider:device-authorization"),
    ],
)
def test_endpoints_are_listed_and_point_at_the_real_views(document, key, url_name):
    assert document[key] == f"http://testserver{reverse(url_name)}"


def test_the_documents_agree_on_every_entry_they_share(oidc, as_metadata):
    shared = (oidc.keys() & as_metadata.keys()) - {"scopes_supported"}

    assert {key: oidc[key] for key in shared} == {key: as_metadata[key] for key in shared}
    assert sorted(oidc["scopes_supported"]) == as_metadata["scopes_supported"]
    assert len(shared) >= 15


def test_oidc_lists_its_own_endpoints(oidc):
    assert oidc["userinfo_endpoint"] == "http://testserver/o/userinfo/"
    assert oidc["end_session_endpoint"] == "http://testserver/o/logout/"
    assert oidc["jwks_uri"] == "http://testserver/o/.well-known/jwks.json"


def test_oidc_offers_rs256_id_tokens_only(oidc):
    assert oidc["id_token_signing_alg_values_supported"] == ["RS256"]
    assert oidc["subject_types_supported"] == ["public"]


def test_oidc_denies_request_objects_it_does_not_implement(oidc):
    assert oidc["request_parameter_supported"] is False
    assert oidc["request_uri_parameter_supported"] is False
    assert oidc["claims_parameter_supported"] is False


def test_oidc_lists_the_claims_userinfo_releases_and_the_id_tokens_sign_in_claims(oidc):
    assert set(oidc["claims_supported"]) == {
        "acr",
        "amr",
        "auth_time",
        "sub",
        "name",
        "given_name",
        "family_name",
        "preferred_username",
        "email",
        "email_verified",
    }


def test_scopes_supported_are_the_declared_scopes(oidc, settings):
    assert set(oidc["scopes_supported"]) == set(settings.OAUTH2_PROVIDER["SCOPES"])


def test_the_jwks_uri_serves_the_key_set(client, oidc):
    response = client.get(urlsplit(oidc["jwks_uri"]).path)

    assert response.status_code == 200
    assert response.json()["keys"]


def test_the_advertised_pkce_method_is_the_only_one_accepted(browser, web_app, oidc):
    params = {
        "response_type": "code",
        "client_id": web_app.client_id,
        "redirect_uri": web_app.redirect_uris,
        "scope": "openid",
        "code_challenge": "a" * 43,
        "code_challenge_method": "plain",
    }

    response = browser.get(reverse("oauth2_provider:authorize"), params)

    assert "plain" not in oidc["code_challenge_methods_supported"]
    assert redirect_query(response)["error"] == "invalid_request"


@pytest.mark.parametrize("response_type", ["token", "id_token", "id_token token", "code id_token", "code token"])
def test_an_unadvertised_response_type_is_refused(browser, web_app, oidc, response_type):
    _, challenge = pkce_pair()
    params = {
        "response_type": response_type,
        "client_id": web_app.client_id,
        "redirect_uri": web_app.redirect_uris,
        "scope": "openid",
        "nonce": "n",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }

    response = browser.get(reverse("oauth2_provider:authorize"), params)

    assert response_type not in oidc["response_types_supported"]
    assert response.status_code == 302
    assert "token=" not in response["Location"]
    assert "code=" not in response["Location"]
    assert redirect_query(response)["error"] == "unsupported_response_type"


def test_metadata_for_a_made_up_issuer_path_is_not_served(client):
    assert client.get("/.well-known/oauth-authorization-server/tenant1").status_code == 404
