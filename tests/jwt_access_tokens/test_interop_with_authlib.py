"""A maintained library verifies our JWT access tokens: Authlib's RFC 9068 resource-server validator.

Authlib (joserfc underneath) knows nothing of this project: it gets the JWKS document the provider publishes,
the issuer from discovery and its own audience, and checks the token as RFC 9068 §4 says.
"""

import pytest
from authlib.oauth2.rfc6750.errors import InsufficientScopeError, InvalidTokenError
from authlib.oauth2.rfc9068 import JWTBearerTokenValidator
from django.urls import reverse
from joserfc.jwk import KeySet

pytestmark = pytest.mark.django_db


def validator_for(client, audience: str) -> JWTBearerTokenValidator:
    discovery = client.get(reverse("oauth2_provider:oidc-connect-discovery-info")).json()
    jwks = KeySet.import_key_set(client.get(discovery["jwks_uri"].removeprefix("http://testserver")).json())

    class Validator(JWTBearerTokenValidator):
        def get_jwks(self):
            return jwks

    return Validator(issuer=discovery["issuer"], resource_server=audience)


def test_authlib_accepts_a_machine_token_for_its_audience(client, machine_jwt, jwt_machine_app):
    validator = validator_for(client, "https://reports.example.test/")
    token = machine_jwt(resource="https://reports.example.test/")

    claims = validator.authenticate_token(token)
    validator.validate_token(claims, ["users:read"], request=None)

    assert claims["client_id"] == jwt_machine_app.client_id
    assert claims.header["typ"] == "at+jwt"


def test_authlib_accepts_a_user_token_with_its_sign_in_time(client, user_jwt, user):
    validator = validator_for(client, "http://testserver/api/")

    claims = validator.authenticate_token(user_jwt()["access_token"])
    validator.validate_token(claims, ["notes:read"], request=None)

    assert claims["sub"] == str(user.pk)
    assert isinstance(claims["auth_time"], int)


def test_authlib_refuses_a_token_for_another_audience(client, machine_jwt):
    validator = validator_for(client, "https://reports.example.test/")
    claims = validator.authenticate_token(machine_jwt())

    with pytest.raises(InvalidTokenError):
        validator.validate_token(claims, [], request=None)


def test_authlib_refuses_a_missing_scope(client, machine_jwt):
    validator = validator_for(client, "http://testserver/api/")
    claims = validator.authenticate_token(machine_jwt(scope="users:read"))

    with pytest.raises(InsufficientScopeError):
        validator.validate_token(claims, ["notes:write"], request=None)


def test_authlib_refuses_an_id_token(client, user_jwt):
    validator = validator_for(client, "http://testserver/api/")
    id_token = user_jwt()["id_token"]

    # Authlib's claims check: an ID token has no client_id and its aud is the client, not this resource server.
    with pytest.raises(InvalidTokenError):
        validator.validate_token(validator.authenticate_token(id_token), [], request=None)
