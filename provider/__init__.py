"""The authorization server: DOT's validator, oauthlib server and protocol endpoints, extended in one place."""
