"""Token issuance inside the token endpoint's one transaction, without the savepoints DOT nests in it.

``accounts.token_endpoints.TokenView`` runs every token request in a single transaction (one winner
under concurrency, nothing half-written on failure). Inside it, DOT still opens its own
``transaction.atomic()`` around the token save and around the ID token's save; nested, each becomes a
SAVEPOINT/RELEASE pair: two database round trips apiece that buy a partial rollback nothing here uses.

A savepoint matters only if an error is caught after some rows were written and the transaction then
goes on. The errors the save can raise are of two kinds:

* OAuth2Errors (invalid_grant from a lost race in ``tokens.issuance``, invalid_target from RFC 8707
  resource checks, DOT's missing-scope error). DOT turns them into a 400 and the endpoint's
  transaction commits, so each must be raised before the save writes anything. The resource check
  is therefore run first, in ``save_bearer_token`` (DOT runs it inside the save, after our claim has
  already consumed the code); the claims in ``tokens.issuance`` come first inside the save.
* Anything else (a database error): it escapes the view and the whole transaction rolls back,
  savepoint or not.

Outside a transaction (nothing here calls the validator that way, but DOT's contract allows it), DOT's
own methods run unchanged.
"""

import json

from django.db import router, transaction
from jwcrypto import jwt
from oauth2_provider.models import AbstractApplication, get_access_token_model, get_id_token_model


def _in_transaction(model) -> bool:
    return transaction.get_connection(router.db_for_write(model)).in_atomic_block


class EndpointTransactionMixin:
    """DOT's token and ID token saves, in the endpoint's transaction rather than in savepoints of their own."""

    def save_bearer_token(self, token, request, *args, **kwargs):
        if not _in_transaction(get_access_token_model()):
            return super().save_bearer_token(token, request, *args, **kwargs)
        # RFC 8707 refusals before the code or refresh token is claimed (see the module docstring); DOT's
        # second run of this check inside the save then finds request.resource already settled.
        self._check_and_set_request_resource(request)
        return self._save_bearer_token(token, request, *args, **kwargs)

    def finalize_id_token(self, id_token, token, token_handler, request) -> str:
        """DOT's ``finalize_id_token`` (oauth2_provider 3.4.1) minus its ``transaction.atomic`` around the save."""
        if not _in_transaction(get_id_token_model()):
            return super().finalize_id_token(id_token, token, token_handler, request)
        claims, expiration_time = self.get_id_token_dictionary(token, token_handler, request)
        id_token.update(**claims)
        # oauthlib bug #746: the nonce is not always copied into the ID token.
        if "nonce" not in id_token and request.nonce:
            id_token["nonce"] = request.nonce
        header = {"typ": "JWT", "alg": request.client.algorithm}
        if request.client.algorithm == AbstractApplication.RS256_ALGORITHM:
            header["kid"] = request.client.jwk_key.thumbprint()
        jwt_token = jwt.JWT(header=json.dumps(header, default=str), claims=json.dumps(id_token, default=str))
        jwt_token.make_signed_token(request.client.jwk_key)
        saved = self._save_id_token(id_token["jti"], request, expiration_time)
        # DOT's DRF integration reads these two.
        request.access_token = saved
        request.id_token = saved
        return jwt_token.serialize()
