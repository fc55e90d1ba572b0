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

    def save(self, *args, **kwargs) -> None:
        # A changed address is unconfirmed until its owner follows a link sent to it: whoever changed it
        # (the admin, a future profile page, code), the email_verified claim must never vouch for an address
        # nobody proved. Saves that name their fields and leave out "email" cannot change it: no query.
        # QuerySet.update() bypasses save(); code that updates addresses in bulk must clear the flag itself.
        update_fields = kwargs.get("update_fields")
        if (update_fields is None or "email" in update_fields) and self._email_changed():
            self.email_verified = False
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "email_verified"}
        super().save(*args, **kwargs)

    def _email_changed(self) -> bool:
        """Whether ``email`` differs from the stored row's (read now, so any way of loading the user counts)."""
        if self._state.adding or self.pk is None:
            return False
        stored = type(self)._base_manager.using(self._state.db).filter(pk=self.pk)
        return stored.exclude(email=self.email).exists()

    @property
    def display_name(self) -> str:
        """The full name when known, else the username."""
        return self.get_full_name() or self.username
