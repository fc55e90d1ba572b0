# SQLite's triggers on the access token, user and client tables that write the invalidation feed
# (token_cache.triggers). On PostgreSQL this did the same with raw SQL before pgtrigger; it does nothing there
# now: 0003 drops what it created and installs the triggers declared in token_cache.models.

from django.conf import settings
from django.db import migrations
from oauth2_provider.settings import oauth2_settings

from token_cache.triggers import triggers_install, triggers_remove


def install(apps, schema_editor):
    triggers_install(apps=apps, connection=schema_editor.connection)


def remove(apps, schema_editor):
    triggers_remove(apps=apps, connection=schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("token_cache", "0001_initial"),
        migrations.swappable_dependency(oauth2_settings.ACCESS_TOKEN_MODEL),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        migrations.swappable_dependency(oauth2_settings.APPLICATION_MODEL),
    ]

    operations = [migrations.RunPython(install, remove)]
