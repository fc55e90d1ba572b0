"""What the API lets out about each resource: explicit fields, never secrets."""

from rest_framework import serializers

from accounts.models import User


class MeSerializer(serializers.ModelSerializer):
    """The token owner's own profile."""

    class Meta:
        model = User
        fields = ["id", "username", "first_name", "last_name", "email", "email_verified"]
        read_only_fields = ["id", "username", "email", "email_verified"]
