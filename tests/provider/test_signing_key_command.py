"""``manage.py signing_key generate|rotate``: a new key, the rotation steps from where the settings stand, a check."""

import json
import stat
from io import StringIO

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.core.management import CommandError, call_command
from jwcrypto import jwk

from config.signing_keys import generate_rsa_private_key
from tests.flows import tokens_for

pytestmark = pytest.mark.django_db


def kid_of(pem: str) -> str:
    return jwk.JWK.from_pem(pem.encode()).thumbprint()


def signing_key(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("signing_key", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def old_key() -> str:
    return generate_rsa_private_key()


@pytest.fixture(scope="module")
def new_key() -> str:
    return generate_rsa_private_key()


@pytest.fixture
def new_key_file(tmp_path, new_key) -> str:
    path = tmp_path / "oidc-new.pem"
    path.write_text(new_key)
    return str(path)


@pytest.fixture
def use_keys(settings):
    """Set the signing keys the way a deployment's environment would."""

    def switch(active: str, *inactive: str) -> None:
        settings.OAUTH2_PROVIDER = {
            **settings.OAUTH2_PROVIDER,
            "OIDC_RSA_PRIVATE_KEY": active,
            "OIDC_RSA_PRIVATE_KEYS_INACTIVE": list(inactive),
        }

    return switch


def plan(new_key_file: str, *args: str) -> list[dict]:
    return json.loads(signing_key("rotate", "--new-key", new_key_file, "--json", *args)[0])["steps"]


def test_generate_prints_an_unencrypted_rsa_key_alone_on_stdout_and_its_kid_on_stderr():
    out, err = signing_key("generate")

    key = serialization.load_pem_private_key(out.encode(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    assert key.key_size == 3072
    assert out.startswith("-----BEGIN PRIVATE KEY-----\n")
    assert out.endswith("-----END PRIVATE KEY-----\n")
    assert f"kid {kid_of(out)}" in err


def test_generate_writes_a_file_only_its_owner_can_read(tmp_path):
    path = tmp_path / "oidc.pem"

    out, _ = signing_key("generate", "--bits", "2048", "--output", str(path))

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    pem = path.read_text()
    assert serialization.load_pem_private_key(pem.encode(), password=None).key_size == 2048
    assert f"kid {kid_of(pem)}" in out
    assert "PRIVATE KEY" not in out


def test_generate_never_overwrites_a_key(tmp_path):
    path = tmp_path / "oidc.pem"
    path.write_text("the key in use")

    with pytest.raises(CommandError, match="exists; a key file is never overwritten"):
        signing_key("generate", "--output", str(path))

    assert path.read_text() == "the key in use"


def test_generate_refuses_to_write_into_the_project():
    target = settings.BASE_DIR / "oidc-refused.pem"

    with pytest.raises(CommandError, match="is inside the project"):
        signing_key("generate", "--output", str(target))

    assert not target.exists()


def test_generate_as_json_gives_the_kid_and_the_pem():
    generated = json.loads(signing_key("generate", "--json")[0])

    assert generated["kid"] == kid_of(generated["private_key_pem"])
    assert (generated["bits"], generated["path"]) == (3072, None)


def test_rotate_from_the_start_is_publish_then_sign_then_drop(use_keys, old_key, new_key, new_key_file, settings):
    use_keys(old_key)

    steps = plan(new_key_file)

    old, new = kid_of(old_key), kid_of(new_key)
    assert [(s["step"], s["OIDC_RSA_PRIVATE_KEY"], s["OIDC_RSA_PRIVATE_KEYS_INACTIVE"]) for s in steps] == [
        (1, old, [new]),
        (2, new, [old]),
        (3, new, []),
    ]
    max_age = settings.OAUTH2_PROVIDER["OIDC_JWKS_MAX_AGE_SECONDS"]
    id_token_seconds = settings.OAUTH2_PROVIDER["ID_TOKEN_EXPIRE_SECONDS"]
    assert [s["then_wait_seconds"] for s in steps] == [2 * max_age, id_token_seconds + 300, None]


def test_rotate_picks_up_at_the_step_the_settings_show(use_keys, old_key, new_key, new_key_file):
    use_keys(old_key, new_key)
    assert [s["step"] for s in plan(new_key_file)] == [2, 3]

    use_keys(new_key, old_key)
    assert [s["step"] for s in plan(new_key_file)] == [3]

    use_keys(new_key)
    assert plan(new_key_file) == []


def test_a_key_retired_earlier_stays_published_until_the_last_step(use_keys, old_key, new_key, new_key_file):
    older = generate_rsa_private_key()
    use_keys(old_key, older)

    steps = plan(new_key_file)

    assert steps[0]["OIDC_RSA_PRIVATE_KEYS_INACTIVE"] == [kid_of(older), kid_of(new_key)]
    assert steps[1]["OIDC_RSA_PRIVATE_KEYS_INACTIVE"] == [kid_of(old_key), kid_of(older)]
    assert steps[2]["OIDC_RSA_PRIVATE_KEYS_INACTIVE"] == []


def test_rotate_prints_what_to_set_in_a_shell_in_the_only_correct_order(use_keys, old_key, new_key_file):
    use_keys(old_key)

    out, _ = signing_key("rotate", "--new-key", new_key_file)

    step_2 = out.split("Step 2")[1].split("Step 3")[0]
    assert step_2.index('export OIDC_RSA_PRIVATE_KEYS_INACTIVE="$OIDC_RSA_PRIVATE_KEY"') < step_2.index(
        f'export OIDC_RSA_PRIVATE_KEY="$(cat {new_key_file})"'
    )
    assert "wait 1 h 5 min" in step_2
    assert "unset OIDC_RSA_PRIVATE_KEYS_INACTIVE" in out.split("Step 3")[1]
    assert "PRIVATE KEY-----" not in out


def test_a_compromised_key_is_replaced_in_one_step(use_keys, old_key, new_key, new_key_file):
    use_keys(old_key)

    steps = plan(new_key_file, "--compromised")

    assert [(s["OIDC_RSA_PRIVATE_KEY"], s["OIDC_RSA_PRIVATE_KEYS_INACTIVE"]) for s in steps] == [(kid_of(new_key), [])]


def test_rotate_refuses_an_unusable_new_key(tmp_path):
    path = tmp_path / "short.pem"
    short = rsa.generate_private_key(public_exponent=65537, key_size=1024)  # noqa: S505 - the point of the test
    path.write_bytes(
        short.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )

    with pytest.raises(CommandError, match="is a 1024-bit RSA key; use at least 2048 bits"):
        signing_key("rotate", "--new-key", str(path))


def test_check_passes_when_every_key_is_published_and_says_until_when_id_tokens_live(
    browser, client, web_app, use_keys, old_key, new_key
):
    use_keys(new_key, old_key)
    tokens_for(browser, client, web_app, scope="openid")

    result = json.loads(signing_key("rotate", "--check", "--json")[0])["check"]

    assert result["ok"] is True
    assert result["published_kids"] == [kid_of(new_key), kid_of(old_key)]
    assert result["live_id_tokens"] == 1
    assert result["last_id_token_expires"] is not None


def test_check_fails_on_a_key_configured_twice(use_keys, old_key):
    use_keys(old_key, old_key)

    with pytest.raises(CommandError, match="fail the check"):
        signing_key("rotate", "--check")


def test_check_fails_on_an_unusable_inactive_key(use_keys, old_key):
    use_keys(old_key, "-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n")
    out = StringIO()

    with pytest.raises(CommandError, match="fail the check: 1 problem"):
        call_command("signing_key", "rotate", "--check", stdout=out)

    assert "key 1 of 1 now in OIDC_RSA_PRIVATE_KEYS_INACTIVE is not an unencrypted PEM private key." in out.getvalue()


def test_from_a_shell_the_exit_status_says_whether_it_worked(manage_py, tmp_path):
    generated = manage_py("signing_key", "generate", "--bits", "2048")
    checked = manage_py("signing_key", "rotate", "--check")
    unreadable = manage_py("signing_key", "rotate", "--new-key", str(tmp_path / "missing.pem"))
    usage = manage_py("signing_key", "generate", "--bits", "1024")

    assert generated.returncode == 0
    assert generated.stdout.startswith("-----BEGIN PRIVATE KEY-----")
    assert checked.returncode == 0, checked.stderr
    assert "OK: every configured key is valid" in checked.stdout
    assert unreadable.returncode == 1
    assert (
        unreadable.stderr.splitlines()[-1]
        == f"CommandError: Cannot read {tmp_path / 'missing.pem'}: No such file or directory."
    )
    assert usage.returncode == 2
    assert "invalid choice: 1024" in usage.stderr


def test_rotate_alone_says_where_things_stand(use_keys, old_key, new_key):
    use_keys(old_key, new_key)

    stands = json.loads(signing_key("rotate", "--json")[0])

    assert stands["signing_key"]["kid"] == kid_of(old_key)
    assert [key["kid"] for key in stands["published_only"]] == [kid_of(new_key)]
