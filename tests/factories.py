"""factory-boy factories for users, clients and tokens."""

from datetime import timedelta

import factory
from django.utils import timezone
from oauth2_provider.models import get_access_token_model, set_token_value

from accounts.models import User
from api.models import Note
from clients.models import Application, GrantType
from tests.passkeys import SoftAuthenticator, b64url
from tokens.models import DPoPBinding

USER_PASSWORD = "correct-horse-battery-staple"
CLIENT_SECRET = "s3cret-" + "x" * 57


class UserFactory(factory.django.DjangoModelFactory):
    """An active user whose password is USER_PASSWORD."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Alice"
    last_name = "Liddell"
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    email_verified = True
    password = factory.PostGenerationMethodCall("set_password", USER_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A confidential web client with the code + refresh grants and every user scope; secret CLIENT_SECRET."""

    class Meta:
        model = Application

    name = factory.Sequence(lambda n: f"Client {n}")
    client_id = factory.Sequence(lambda n: f"client-{n}")
    client_type = Application.CLIENT_CONFIDENTIAL
    client_secret = CLIENT_SECRET
    grant_types = factory.LazyFunction(lambda: [GrantType.AUTHORIZATION_CODE, GrantType.REFRESH_TOKEN])
    allowed_scopes = factory.LazyFunction(lambda: ["openid", "profile", "email", "notes:read", "notes:write"])
    redirect_uris = "https://client.example.test/callback"
    post_logout_redirect_uris = "https://client.example.test/signed-out"
    algorithm = Application.RS256_ALGORITHM


class PublicApplicationFactory(ApplicationFactory):
    """A public (native or browser) client: PKCE, no secret."""

    client_type = Application.CLIENT_PUBLIC
    client_secret = ""
    redirect_uris = "http://127.0.0.1:8765/callback"


class MachineApplicationFactory(ApplicationFactory):
    """A machine-to-machine client using client credentials."""

    grant_types = factory.LazyFunction(lambda: [GrantType.CLIENT_CREDENTIALS])
    allowed_scopes = factory.LazyFunction(lambda: ["users:read"])
    redirect_uris = ""
    post_logout_redirect_uris = ""
    algorithm = ""


class ResourceServerApplicationFactory(MachineApplicationFactory):
    """A resource server: a confidential client allowed to introspect tokens (RFC 7662)."""

    allowed_scopes = factory.LazyFunction(lambda: ["introspection"])


class DeviceApplicationFactory(PublicApplicationFactory):
    """A public device-flow client (a TV app)."""

    grant_types = factory.LazyFunction(lambda: [GrantType.DEVICE_CODE, GrantType.REFRESH_TOKEN])
    redirect_uris = ""


class AccessTokenFactory(factory.django.DjangoModelFactory):
    """An access token stored hashed, as the provider stores them; ``.raw_token`` is the bearer value."""

    class Meta:
        model = get_access_token_model()

    user = factory.SubFactory(UserFactory)
    application = factory.SubFactory(ApplicationFactory)
    scope = "openid profile"
    expires = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=1))
    token = factory.Sequence(lambda n: f"test-access-token-{n:06d}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        raw = kwargs.pop("token")
        instance = model_class(*args, **kwargs)
        set_token_value(instance, raw)
        instance.save()
        instance.raw_token = raw
        return instance


class DPoPBindingFactory(factory.django.DjangoModelFactory):
    """Binds an access token to a DPoP key (RFC 9449): pass ``access_token`` and the key's ``jkt``."""

    class Meta:
        model = DPoPBinding

    access_token = factory.SubFactory(AccessTokenFactory)
    jkt = factory.Sequence(lambda n: f"jkt-{n:040d}")


class NoteFactory(factory.django.DjangoModelFactory):
    """A note owned by a user (the API's user-owned resource)."""

    class Meta:
        model = Note

    owner = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Note {n}")
    body = "Some text."


class TotpDeviceFactory(factory.django.DjangoModelFactory):
    """A confirmed TOTP authenticator app for ``user``; tests compute its codes with tests.mfa.totp_code."""

    class Meta:
        model = "otp_totp.TOTPDevice"

    user = factory.SubFactory(UserFactory)
    name = "Authenticator app"
    confirmed = True


class PasskeyFactory(factory.django.DjangoModelFactory):
    """A passkey of ``user`` held by ``authenticator`` (a tests.passkeys.SoftAuthenticator; a new one by default)."""

    class Meta:
        model = "accounts.Passkey"
        exclude = ("authenticator",)

    user = factory.SubFactory(UserFactory)
    authenticator = factory.LazyFunction(SoftAuthenticator)
    name = "Laptop"
    credential_id = factory.LazyAttribute(lambda o: o.authenticator.credential_id_b64)
    user_handle = factory.LazyAttribute(lambda o: b64url(o.authenticator.user_handle))
    public_key = factory.LazyAttribute(lambda o: o.authenticator.cose_public_key)
    sign_count = factory.LazyAttribute(lambda o: o.authenticator.sign_count)
    transports = factory.LazyFunction(lambda: ["internal"])
