"""Changing the project's own settings in a test: a whole new IDP dict, as with OAUTH2_PROVIDER."""

from typing import Any


def set_idp(settings: Any, **values: Any) -> None:
    """Give pytest-django's ``settings`` a new ``IDP`` with ``values`` changed (idp.settings reloads on it)."""
    settings.IDP = {**settings.IDP, **values}
