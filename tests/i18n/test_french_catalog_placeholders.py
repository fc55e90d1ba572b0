"""Each French string keeps what its English must hand on unchanged: placeholders, markup and protocol names.

msgfmt --check compares the placeholders of python-format entries only; this covers every entry, and also the
HTML tags, the ``{...}`` examples and the protocol's own words (parameter names and error codes such as
``request_uri`` or ``invalid_client``), which a reader must be able to find in the RFCs and in the responses.
"""

import re
from collections import Counter

from babel.messages.pofile import read_po
from django.conf import settings

CATALOG = settings.BASE_DIR / "locale" / "fr" / "LC_MESSAGES" / "django.po"
KEPT = re.compile(
    r"%\(\w+\)[sdr]"  # named placeholders
    r"|%[sd]"  # positional placeholders
    r"|<[^>]+>"  # HTML tags
    r"|\{[^}]*\}"  # a JSON example
    r"|\b[a-z0-9]+(?:_[a-z0-9]+)+\b"  # snake_case protocol names: request_uri, client_secret_jwt, invalid_scope
    r"|RFC \d+"
)


def kept(text: str) -> Counter:
    return Counter(KEPT.findall(text))


def test_every_french_string_keeps_the_placeholders_markup_and_protocol_names_of_its_english():
    with CATALOG.open("rb") as po:
        catalog = read_po(po, locale="fr")

    changed = []
    for message in catalog:
        if not message.id:
            continue
        english = message.id if isinstance(message.id, tuple) else (message.id,)
        french = message.string if isinstance(message.string, tuple) else (message.string,)
        # The plural's English names every placeholder (the singular may write "one" instead of %(count)d).
        changed += [(english[-1], text) for text in french if text and kept(text) != kept(english[-1])]

    assert changed == []
