"""The project's own settings are one namespaced dict, read through idp_settings and reloaded when it changes."""

import pytest

from idp.settings import DEFAULTS, IdpSettings, idp_settings


def test_a_key_not_set_reads_its_default(settings):
    settings.IDP = {}

    assert DEFAULTS["TOKEN_CACHE_MAX_ENTRIES"] == idp_settings.TOKEN_CACHE_MAX_ENTRIES


def test_assigning_a_new_dict_is_seen_by_the_next_read(settings):
    settings.IDP = {"TOKEN_CACHE_MAX_ENTRIES": 7}
    assert idp_settings.TOKEN_CACHE_MAX_ENTRIES == 7

    settings.IDP = {"TOKEN_CACHE_MAX_ENTRIES": 9}

    assert idp_settings.TOKEN_CACHE_MAX_ENTRIES == 9


def test_reading_a_setting_that_does_not_exist_is_an_error():
    with pytest.raises(AttributeError, match="Invalid IDP setting: 'TOKEN_CACHE_MAX_ENTRIE'"):
        _ = idp_settings.TOKEN_CACHE_MAX_ENTRIE


def test_unknown_keys_are_reported_for_the_system_check(settings):
    settings.IDP = {"TOKEN_CACHE_MAX_ENTRIES": 1, "TOKEN_CACHE_MAX_ENTRIE": 2}

    assert IdpSettings().unknown_keys() == ["TOKEN_CACHE_MAX_ENTRIE"]
