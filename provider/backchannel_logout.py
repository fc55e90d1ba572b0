"""OpenID Connect Back-Channel Logout 1.0: telling clients, server to server, that a user's session ended."""


def logout_notifications_enqueue(*, sessions) -> None:
    """Queue a logout token for each client that holds tokens from one of ``sessions`` (ended UserSessions)."""
