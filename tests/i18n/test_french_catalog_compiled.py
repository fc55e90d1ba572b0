"""The compiled French catalog (django.mo, what Django loads) holds the translations of django.po as they stand."""

import gettext

from babel.messages.pofile import read_po
from django.conf import settings

CATALOG = settings.BASE_DIR / "locale" / "fr" / "LC_MESSAGES"
RECOMPILE = "run: msgfmt -o locale/fr/LC_MESSAGES/django.mo locale/fr/LC_MESSAGES/django.po"


def translated_messages():
    with (CATALOG / "django.po").open("rb") as po:
        source = read_po(po, locale="fr")
    strings = lambda message: message.string if isinstance(message.string, tuple) else (message.string,)  # noqa: E731
    return [message for message in source if message.id and any(strings(message)) and not message.fuzzy]


def test_the_mo_file_is_compiled_from_the_current_po_file():
    with (CATALOG / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)

    stale = []
    for message in translated_messages():
        if isinstance(message.id, tuple):
            singular, plural = message.id
            if (compiled.ngettext(singular, plural, 1), compiled.ngettext(singular, plural, 2)) != message.string:
                stale.append(singular)
        elif compiled.gettext(message.id) != message.string:
            stale.append(message.id)

    assert stale == [], RECOMPILE


def test_the_pages_people_read_are_translated():
    translated = {message.id for message in translated_messages()}

    for text in ("Sign in", "Allow", "Deny", "Connect a device", "Sign you in and confirm who you are"):
        assert text in translated
