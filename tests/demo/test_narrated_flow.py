"""The narrated demo (``make demo``) against a live provider: every grant passes; a broken step stops it with 1."""

import io

from demo.narrated_flow import Narrator, run


def test_every_step_of_the_narrated_flow_passes_against_the_live_provider(live_server, demo_credentials):
    output = io.StringIO()

    status = run(live_server.url, "alice", Narrator(out=output), credentials=demo_credentials)

    story = output.getvalue()
    assert status == 0, story
    assert "✓ All 14 steps passed" in story
    assert "✓ With the proof the API answers; without the key, the token is worthless." in story
    assert "as demo-machine-keys, client_assertion (RS256, signed with the client's private key) → 200 OK" in story
    assert "as demo-machine-hmac, client_assertion (HS256, keyed with the client secret) → 200 OK" in story
    assert "✓ typ at+jwt, signature, iss, aud, exp verified offline against the JWKS (resource_verifier)." in story
    assert "✓ The provider's API refuses the revoked JWT: it also checks the token's row." in story
    assert "✓ signature verified with the provider's public key." in story
    assert "GET /api/me/" not in story  # URLs are printed in full, never relative
    assert f"GET {live_server.url}/api/me/ → 401 Unauthorized" in story
    assert "grant_type=refresh_token → 400 invalid_grant" in story
    assert 'Result page: "Device connected"' in story


def test_a_refused_client_secret_stops_the_demo_at_the_token_exchange_with_exit_status_1(
    live_server, demo_credentials
):
    demo_credentials["client_secrets"]["demo-web"] = "not-the-secret"
    output = io.StringIO()

    status = run(live_server.url, "alice", Narrator(out=output), credentials=demo_credentials)

    story = output.getvalue()
    assert status == 1
    assert "✗ FAILED at step 3 (Token exchange" in story
    assert "invalid_client" in story
    assert "All 10 steps passed" not in story
