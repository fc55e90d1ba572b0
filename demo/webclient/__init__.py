"""The demo relying party: a separate Django project on its own origin that signs users in with the provider."""
