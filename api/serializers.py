"""What the API lets out about each resource, and what it takes in: explicit fields, never secrets."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from accounts.models import User
from api.models import Note


class MeSerializer(serializers.Serializer):
    """The token owner's own profile; the email address only when the token carries the ``email`` scope.

    A plain Serializer declaring the fields a ModelSerializer of ``User`` would build, read only: a
    ModelSerializer introspects the model and deep-copies its fields for every instance it serializes,
    which cost more than the rest of ``GET /api/me/`` together (docs/benchmarks.md, profile).
    """

    id = serializers.BigIntegerField(label="ID", read_only=True)
    username = serializers.CharField(read_only=True, help_text=User._meta.get_field("username").help_text)
    name = serializers.CharField(source="display_name", read_only=True)
    first_name = serializers.CharField(read_only=True)
    last_name = serializers.CharField(read_only=True)
    email = serializers.SerializerMethodField(help_text="Null unless the token carries the `email` scope.")
    email_verified = serializers.SerializerMethodField(help_text="Null unless the token carries the `email` scope.")

    def _releases_email(self) -> bool:
        # The same rule as the OIDC claims: the address is released by the email scope, not by profile.
        token = getattr(self.context.get("request"), "auth", None)
        return token is not None and token.allow_scopes(["email"])

    @extend_schema_field(serializers.EmailField(allow_null=True))
    def get_email(self, user: User) -> str | None:
        return user.email if self._releases_email() else None

    @extend_schema_field(serializers.BooleanField(allow_null=True))
    def get_email_verified(self, user: User) -> bool | None:
        return user.email_verified if self._releases_email() else None


class MeUpdateSerializer(serializers.ModelSerializer):
    """The parts of their profile a user may change through the API: their names."""

    class Meta:
        model = User
        fields = ["first_name", "last_name"]


class NoteSerializer(serializers.ModelSerializer):
    """A note as its owner sees it; the writable fields are title, body and pinned."""

    archived = serializers.BooleanField(read_only=True)
    shared = serializers.SerializerMethodField()
    share_url = serializers.SerializerMethodField(help_text="The read-only link, or null when not shared.")

    class Meta:
        model = Note
        fields = [
            "id",
            "title",
            "body",
            "pinned",
            "archived",
            "archived_at",
            "shared",
            "share_url",
            "created",
            "updated",
        ]
        read_only_fields = ["id", "archived_at", "created", "updated"]

    def get_shared(self, note: Note) -> bool:
        return note.share_key is not None

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_share_url(self, note: Note) -> str | None:
        if note.share_key is None:
            return None
        return reverse("api:shared-note", kwargs={"share_key": note.share_key}, request=self.context.get("request"))


class SharedNoteSerializer(serializers.ModelSerializer):
    """What anyone holding a share link sees: the text, never its owner."""

    class Meta:
        model = Note
        fields = ["title", "body", "updated"]
        read_only_fields = fields


class AuthorizationSerializer(serializers.Serializer):
    """An application the user authorized, with the scopes its live tokens carry."""

    client_id = serializers.CharField(source="application.client_id", read_only=True)
    name = serializers.CharField(source="application.name", read_only=True)
    scopes = serializers.ListField(child=serializers.CharField(), read_only=True)
    authorized_at = serializers.DateTimeField(read_only=True, allow_null=True)
    last_issued_at = serializers.DateTimeField(read_only=True, allow_null=True)


class DirectoryUserSerializer(serializers.ModelSerializer):
    """An account as a provisioning client needs it; no password hash, no permissions."""

    name = serializers.CharField(source="display_name", read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "name", "email", "is_active"]
        read_only_fields = fields


class ErrorSerializer(serializers.Serializer):
    """The body of every API error (RFC 6750 §3.1 codes for token problems, DRF's codes otherwise)."""

    error = serializers.CharField(help_text="invalid_token, insufficient_scope, not_found, throttled, ...")
    error_description = serializers.CharField()


class ValidationErrorSerializer(ErrorSerializer):
    """A 400 for invalid input: the error body plus the messages for each field."""

    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
