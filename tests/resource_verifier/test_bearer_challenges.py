"""resource_verifier.bearer_challenge: RFC 6750 §3 WWW-Authenticate values."""

from resource_verifier import bearer_challenge


def test_no_token_gets_the_bare_challenge_with_the_realm():
    assert bearer_challenge(realm="reports") == 'Bearer realm="reports"'


def test_a_refused_token_gets_the_error_and_its_description():
    assert bearer_challenge(realm="reports", error="invalid_token", error_description="The token expired.") == (
        'Bearer realm="reports", error="invalid_token", error_description="The token expired."'
    )


def test_insufficient_scope_names_the_scopes_needed():
    challenge = bearer_challenge(error="insufficient_scope", scopes=["notes:read", "notes:write"])

    assert challenge == 'Bearer error="insufficient_scope", scope="notes:read notes:write"'


def test_quotes_and_backslashes_cannot_break_out_of_a_quoted_string():
    challenge = bearer_challenge(error="invalid_token", error_description='say "hi" \\ bye')

    assert challenge == 'Bearer error="invalid_token", error_description="say \'hi\'  bye"'
