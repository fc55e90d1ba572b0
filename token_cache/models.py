"""The invalidation feed every process reads, the PostgreSQL triggers that write it, and the one that announces it."""

import pgtrigger
from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from oauth2_provider.settings import oauth2_settings

# The PostgreSQL notification channel on which every new feed row is announced (token_cache.listener).
CHANNEL = "token_cache"


class InvalidationEvent(models.Model):
    """A row that cached bearer answers depend on changed: drop what refers to ``ref`` of ``kind``.

    Written only by database triggers (the proxies below on PostgreSQL, token_cache.triggers on SQLite), in
    the transaction that made the change, so it becomes visible exactly when the change commits. Rows are
    needed for a few minutes (see token_cache.cache) and are purged after.

    On PostgreSQL every statement that adds rows also sends a NOTIFY on ``CHANNEL``, which PostgreSQL
    delivers to the listening processes when (and only if) the transaction commits: the push that makes
    them read the feed at once (token_cache.listener). Identical notifications of one transaction are
    folded into one, so a bulk revocation costs one wake-up per process.
    """

    class Kind(models.TextChoices):
        TOKEN = "t", _("access token")
        USER = "u", _("user")
        APPLICATION = "a", _("application")

    id = models.BigAutoField(primary_key=True)
    kind = models.CharField(_("kind"), max_length=1, choices=Kind.choices)
    ref = models.BigIntegerField(_("primary key"))
    created = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("token cache invalidation")
        verbose_name_plural = _("token cache invalidations")
        triggers = [
            pgtrigger.Trigger(
                name="token_cache_notify",
                when=pgtrigger.After,
                operation=pgtrigger.Insert,
                level=pgtrigger.Statement,
                # CHANNEL is a constant, never input; no payload: the listener reads the feed itself.
                func=pgtrigger.Func(f"PERFORM pg_notify('{CHANNEL}', ''); RETURN NULL;"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.ref}"


# THE FEED'S TRIGGERS (PostgreSQL)
# ------------------------------------------------------------------------------
# Model signals miss QuerySet.update() and raw SQL (an admin deactivating users in bulk, a script expiring
# tokens); a trigger sees every UPDATE and DELETE, inside the transaction that makes it. The watched tables
# belong to other apps, one of them third-party (DOT's access token), so the triggers are declared on proxy
# models here, as pgtrigger recommends for models one does not own: makemigrations puts them in this app's
# migrations, next to the feed table they write, instead of in DOT's. pgtrigger does nothing on other
# databases; token_cache.triggers gives SQLite the same triggers.


def _feed_triggers(kind: InvalidationEvent.Kind) -> list[pgtrigger.Trigger]:
    """AFTER UPDATE and AFTER DELETE triggers that announce the old row's primary key as ``kind``."""
    # Identifiers and the kind come from model metadata and choices, never from input (hence noqa: S608);
    # pgtrigger fills in {meta.pk.column} for each watched model.
    announce = pgtrigger.Func(
        f"INSERT INTO {InvalidationEvent._meta.db_table} (kind, ref, created) "  # noqa: S608
        f"VALUES ('{kind.value}', OLD.\"{{meta.pk.column}}\", statement_timestamp()); RETURN NULL;"
    )
    return [
        pgtrigger.Trigger(
            name="token_cache_update",
            when=pgtrigger.After,
            operation=pgtrigger.Update,
            # A save() of an unchanged row (OLD.* IS NOT DISTINCT FROM NEW.*) need not flush any cache.
            condition=pgtrigger.AnyChange(),
            func=announce,
        ),
        pgtrigger.Trigger(name="token_cache_delete", when=pgtrigger.After, operation=pgtrigger.Delete, func=announce),
    ]


def _watched(label: str) -> type[models.Model]:
    # Resolved while models load, as get_user_model() is, so that a swapped model is the one watched; the apps
    # defining these models come before token_cache in INSTALLED_APPS.
    return apps.get_model(label, require_ready=False)


class WatchedAccessToken(_watched(oauth2_settings.ACCESS_TOKEN_MODEL)):
    """The access token table as the feed sees it: its changed or deleted rows are announced as kind "t"."""

    class Meta:
        proxy = True
        default_permissions = ()  # a place to declare triggers, not something to grant rights on
        triggers = _feed_triggers(InvalidationEvent.Kind.TOKEN)


class WatchedUser(_watched(settings.AUTH_USER_MODEL)):
    """The user table as the feed sees it: its changed or deleted rows are announced as kind "u"."""

    class Meta:
        proxy = True
        default_permissions = ()
        triggers = _feed_triggers(InvalidationEvent.Kind.USER)


class WatchedApplication(_watched(oauth2_settings.APPLICATION_MODEL)):
    """The client table as the feed sees it: its changed or deleted rows are announced as kind "a"."""

    class Meta:
        proxy = True
        default_permissions = ()
        triggers = _feed_triggers(InvalidationEvent.Kind.APPLICATION)
