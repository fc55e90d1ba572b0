"""Every translatable string in the code has a French translation in django.po (not empty, not fuzzy).

The strings the code holds today are extracted by ``makemessages`` itself (GNU gettext's xgettext), the same
command as in the catalog's header, but run on a copy of the sources into a fresh catalog in a temporary
directory: the repository's files are never written, not even the ``.html.py`` files makemessages leaves
beside each template while it works.
"""

import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management import call_command

CATALOG = settings.BASE_DIR / "locale" / "fr" / "LC_MESSAGES" / "django.po"
# As in the catalog's header: what is not the provider's own pages and messages (the demo clients and the
# resource verifier speak English only; tests and the benchmark are not read by people).
IGNORED = (".venv", "demo", "bench", "tests", "site", "resource_verifier")
SOURCES = (".py", ".html", ".txt")  # what makemessages reads for the "django" domain
UPDATE = (
    "run: python manage.py makemessages -l fr --no-location --no-obsolete "
    + " ".join(f"--ignore={pattern}" for pattern in IGNORED)
    + ", translate the new entries (and drop their fuzzy flags), then msgfmt -o locale/fr/LC_MESSAGES/django.mo "
    "locale/fr/LC_MESSAGES/django.po"
)


def _copy_sources(source: Path, target: Path) -> None:
    """Copy the files makemessages reads, leaving out the ignored, hidden and generated directories."""

    def skipped(directory: str, names: list[str]) -> set[str]:
        return {
            name
            for name in names
            if name.startswith(".")
            or name == "__pycache__"
            or (Path(directory) == source and name in {*IGNORED, "locale", "staticfiles"})
            or ((Path(directory) / name).is_file() and not name.endswith(SOURCES))
        }

    shutil.copytree(source, target, ignore=skipped)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> dict:
    """The messages makemessages finds in the code now, keyed like babel's catalog (msgid, msgctxt)."""
    workdir = tmp_path_factory.mktemp("makemessages") / "project"
    _copy_sources(Path(settings.BASE_DIR), workdir)
    locale = workdir / "locale"
    locale.mkdir()

    with pytest.MonkeyPatch.context() as patch:
        # makemessages walks the working directory and writes into the first of LOCALE_PATHS.
        patch.chdir(workdir)
        patch.setattr(settings, "LOCALE_PATHS", [str(locale)])
        call_command(
            "makemessages",
            locale=["fr"],
            no_location=True,
            no_obsolete=True,
            ignore_patterns=list(IGNORED),
            verbosity=0,
        )

    with (locale / "fr" / "LC_MESSAGES" / "django.po").open("rb") as po:
        catalog = read_po(po, locale="fr")
    return {(message.id, message.context): message for message in catalog if message.id}


@pytest.fixture(scope="module")
def french() -> dict:
    with CATALOG.open("rb") as po:
        catalog = read_po(po, locale="fr")
    return {(message.id, message.context): message for message in catalog if message.id}


def _translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return not message.fuzzy and bool(strings) and all(strings)


def test_the_extraction_finds_the_strings_of_the_pages_and_the_admin(extracted):
    # A guard on the guard: an extraction that silently found nothing would pass the test below.
    ids = {message_id for message_id, _ in extracted}

    assert "Sign in" in ids
    assert "Two-step sign-in" in ids  # a template
    assert "Whether the address was confirmed; released as a claim." in ids  # a model's help text
    assert len(ids) > 400


def test_every_translatable_string_in_the_code_has_a_french_translation(extracted, french):
    missing = sorted(str(key[0]) for key in extracted if key not in french)
    untranslated = sorted(str(key[0]) for key in extracted if key in french and not _translated(french[key]))

    assert missing == [], f"not in django.po; {UPDATE}"
    assert untranslated == [], f"empty or fuzzy in django.po; {UPDATE}"
