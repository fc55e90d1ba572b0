"""RFC 8707 resource indicators of a token request, checked against the grant they narrow."""

from collections.abc import Callable

from oauthlib.common import Request
from oauthlib.oauth2.rfc6749 import errors


def token_request_resources_check(
    *, request: Request, grant, validate_uris: Callable[[Request, list[str]], None]
) -> None:
    """DOT's ``OAuth2Validator._check_and_set_request_resource``, given the code's Grant instead of reading it.

    Re-stated (pinned in tests/provider/test_library_copies.py) for one reason: DOT reads the Grant by
    code again to learn its resources, a query per code exchange, where the validator already holds the
    row (provider.state.TokenRequestState.grant). Everything else is DOT's: the same normalisation, the
    same URI validation (``validate_uris`` is DOT's ``_validate_resource_uris``), the same refusals.
    ``request.resource`` ends as the list of resource URIs the token is for.
    """
    resource = getattr(request, "resource", None)
    # RFC 8707 allows repeating ``resource``; oauthlib keeps only the last body value: recover them all.
    if isinstance(resource, str):
        body_values = [value for key, value in (getattr(request, "decoded_body", None) or []) if key == "resource"]
        if len(body_values) > 1:
            resource = body_values
    if isinstance(resource, list):
        request.resource = resource or []
    elif resource and isinstance(resource, str) and resource.strip():
        request.resource = [resource]
    else:
        request.resource = []
    validate_uris(request, request.resource)

    if request.grant_type == "authorization_code":
        grant_resource = (grant.resource or []) if grant is not None else []
        if request.resource and grant_resource:
            # Narrowing: every requested resource must have been granted.
            for res in request.resource:
                if res not in grant_resource:
                    raise errors.CustomOAuth2Error(
                        error="invalid_target",
                        description=(
                            f"The requested resource '{res}' is not allowed. "
                            "Token request cannot escalate resource permissions beyond the "
                            "original authorization grant"
                        ),
                        request=request,
                    )
        elif grant_resource:
            # Inherited values may predate validation at the authorization endpoint: validate them too.
            validate_uris(request, grant_resource)
            request.resource = grant_resource

    elif request.grant_type == "refresh_token":
        refresh_token_instance = getattr(request, "refresh_token_instance", None)
        if refresh_token_instance and refresh_token_instance.resource:
            if not request.resource:
                validate_uris(request, refresh_token_instance.resource)
                request.resource = refresh_token_instance.resource
            elif request.resource != refresh_token_instance.resource:
                refresh_list = refresh_token_instance.resource
                for res in request.resource:
                    if res not in refresh_list:
                        raise errors.CustomOAuth2Error(
                            error="invalid_target",
                            description=(
                                f"The requested resource '{res}' is not allowed. "
                                "Token refresh cannot request resources beyond the "
                                "original refresh token scope"
                            ),
                            request=request,
                        )
