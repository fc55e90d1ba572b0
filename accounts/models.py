"""The provider's user model."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in here; a custom model from day one so fields can be added without pain."""

    email = models.EmailField(_("email address"), blank=True)
    email_verified = models.BooleanField(
        _("email verified"), default=False, help_text=_("Whether the address was confirmed; released as a claim.")
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    @property
    def display_name(self) -> str:
        """The full name when known, else the username."""
        return self.get_full_name() or self.username
